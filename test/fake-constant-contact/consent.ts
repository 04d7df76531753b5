/**
 * Consent audit: what no test may ever make Constant Contact do. An unsubscribed contact's permission changed
 * (re-subscribed), or sign_up_form (which sets explicit permission) called for a shopper the test declared as
 * without explicit consent. Recorded for the stand-in's whole life (reset() keeps it) and checked by stop().
 */
import type { PermissionChange } from './state';

export interface ConsentViolation {
	kind: 'resubscribed' | 'sign_up_without_consent';
	email: string;
	/** The operation that did it: sign_up_form, put_contact, add_list_memberships, ... */
	route: string;
	at: string;
}

export class ConsentAudit {
	readonly violations: ConsentViolation[] = [];
	private readonly withoutConsent = new Set<string>();

	/** Tells the stand-in which shoppers gave explicit marketing consent in the shop (it cannot know otherwise). */
	declare(shoppers: Array<{ email: string; explicit: boolean }>): void {
		for (const { email, explicit } of shoppers) {
			const key = email.trim().toLowerCase();
			if (explicit) this.withoutConsent.delete(key);
			else this.withoutConsent.add(key);
		}
	}

	forgetDeclarations(): void {
		this.withoutConsent.clear();
	}

	permissionChanged(change: PermissionChange, at: string): void {
		if (change.from === 'unsubscribed') this.violations.push({ kind: 'resubscribed', email: change.email, route: change.route, at });
	}

	signedUp(email: string, at: string): void {
		if (this.withoutConsent.has(email.trim().toLowerCase())) {
			this.violations.push({ kind: 'sign_up_without_consent', email, route: 'sign_up_form', at });
		}
	}

	/** The sentence stop() fails with, or undefined when consent was kept. */
	failure(): string | undefined {
		if (this.violations.length === 0) return undefined;
		const lines = this.violations.map((v) => `${v.kind} ${v.email} via ${v.route} at ${v.at}`);
		return `The stand-in recorded ${this.violations.length} consent violation(s): ${lines.join('; ')}. A test that causes one on purpose calls control.clearConsentViolations() after asserting it.`;
	}
}
