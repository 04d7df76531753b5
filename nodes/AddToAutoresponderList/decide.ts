/** What to do with one shopper, given the contact Constant Contact has (or not) and the user's policies. Pure. */
import type { Contact } from '../ConstantContact/types';
import { readListEntries } from './reentry';
import type { Shopper } from './shopper';

export type ConsentPolicy = 'consented' | 'consentedOrSubscribed' | 'allShoppers';
export type RepeatPolicy = 'leave' | 'retrigger';

export interface AddPolicy {
	listId: string;
	consentPolicy: ConsentPolicy;
	repeatAbandoners: RepeatPolicy;
	cooldownMs: number;
	/** Custom field id holding the list entry times (re-trigger only). */
	reentryFieldId?: string;
	now: number;
}

export type Decision =
	| { action: 'skip'; reason: 'unsubscribed' | 'deleted' | 'no-consent' }
	/** New contact with explicit consent (sign_up_form, or POST /contacts with explicit permission). */
	| { action: 'create'; permission: 'explicit' | 'implicit' }
	| { action: 'join'; contact: Contact }
	| { action: 'stay'; contact: Contact; reason: 'already-on-list' | 'cooldown' }
	| { action: 'rejoin'; contact: Contact };

const SUBSCRIBED = new Set(['explicit', 'implicit']);

export function decide(shopper: Shopper, contact: Contact | undefined, policy: AddPolicy): Decision {
	if (!contact) {
		if (shopper.consent) return { action: 'create', permission: 'explicit' };
		if (policy.consentPolicy === 'allShoppers') return { action: 'create', permission: 'implicit' };
		return { action: 'skip', reason: 'no-consent' };
	}
	const permission = contact.email_address?.permission_to_send;
	if (permission === 'unsubscribed') return { action: 'skip', reason: 'unsubscribed' };
	if (contact.deleted_at) return { action: 'skip', reason: 'deleted' };
	const allowed =
		shopper.consent ||
		policy.consentPolicy === 'allShoppers' ||
		(policy.consentPolicy === 'consentedOrSubscribed' && SUBSCRIBED.has(permission ?? ''));
	if (!allowed) return { action: 'skip', reason: 'no-consent' };
	if (!(contact.list_memberships ?? []).includes(policy.listId)) return { action: 'join', contact };
	if (policy.repeatAbandoners === 'leave') return { action: 'stay', contact, reason: 'already-on-list' };
	const lastJoin = lastJoinedAt(contact, policy);
	if (lastJoin !== undefined && policy.now - lastJoin < policy.cooldownMs) {
		return { action: 'stay', contact, reason: 'cooldown' };
	}
	return { action: 'rejoin', contact };
}

export function lastJoinedAt(contact: Contact, policy: Pick<AddPolicy, 'listId' | 'reentryFieldId'>): number | undefined {
	if (!policy.reentryFieldId) return undefined;
	const value = contact.custom_fields?.find((field) => field.custom_field_id === policy.reentryFieldId)?.value;
	return readListEntries(value).get(policy.listId);
}
