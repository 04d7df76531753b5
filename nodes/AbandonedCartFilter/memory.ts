import { createHash } from 'node:crypto';

import type { Cart } from './readCart';
import { DAY_MS, HOUR_MS } from './time';

/** What is known about reminders already sent for one cart. */
export interface CartState {
	sent: number;
	lastSentAt: number | null;
	/** Increases each time the sequence restarts, so (cart, step) keys of a new sequence are new keys. */
	sequence: number;
}

/** The last reminder one shopper received, for the cooldown across carts. */
export interface EmailState {
	lastSentAt: number;
	cartId: string;
}

export interface MemoryView {
	cartState(cart: Cart): CartState | undefined;
	emailState(email: string): EmailState | undefined;
}

/** Memory mode "my data source tracks it": reminders_sent / last_reminded_at come with each row. */
export function dataSourceMemory(carts: Iterable<Cart>): MemoryView {
	const byEmail = new Map<string, EmailState>();
	for (const cart of carts) {
		if (cart.lastRemindedAt === null) continue;
		const known = byEmail.get(cart.email);
		if (!known || known.lastSentAt < cart.lastRemindedAt) {
			byEmail.set(cart.email, { lastSentAt: cart.lastRemindedAt, cartId: cart.id });
		}
	}
	return {
		cartState(cart) {
			if (cart.remindersSent === null && cart.lastRemindedAt === null) return undefined;
			const sent = Math.max(cart.remindersSent ?? 0, cart.lastRemindedAt === null ? 0 : 1);
			return { sent, lastSentAt: cart.lastRemindedAt, sequence: 0 };
		},
		emailState: (email) => byEmail.get(email),
	};
}

/** Shoppers' addresses are remembered only as a hash; erasure still deletes them (see forgetEmails). */
export function emailKey(email: string): string {
	return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').slice(0, 22);
}

export const DEFAULT_MAX_REMEMBERED_CARTS = 100_000;
export const DEFAULT_RETENTION_MS = 7 * DAY_MS + DAY_MS;
const PRUNE_EVERY_MS = HOUR_MS;
/** n8n's deduplication table holds a short-term guard; static data holds the long-term memory. */
export const DEDUPLICATION_MAX_ENTRIES = 10_000;

/**
 * The shape kept in the workflow's static data. Values are strings, not objects: n8n wraps every nested object
 * of static data in a Proxy when it loads a workflow, which would cost seconds at a million entries.
 * carts:  "c:<cart id>" -> "<steps sent>|<last sent ms>|<sequence>|<email key>"
 * emails: "e:<email key>" -> "<last sent ms>|<cart id>"
 * Keys are prefixed so no cart id is ever an integer-like key (those would break insertion order) or "__proto__".
 * Entries are deleted and re-added on every update, so insertion order is age order and pruning stops early.
 */
export interface MemoryStore {
	version: number;
	carts: Record<string, string>;
	emails: Record<string, string>;
	cartCount: number;
	emailCount: number;
	prunedAt: number;
	retentionMs: number;
}

export interface MemoryLimits {
	maxCarts: number;
	retentionMs?: number;
}

export type StaticData = Record<string, unknown>;

export function memoryKey(name: string): string {
	return `abandonedCartFilter:${name}`;
}

function countKeys(record: Record<string, string>): number {
	let n = 0;
	for (const key in record) if (key !== '__dataChanged') n++;
	return n;
}

function isStore(value: unknown): value is MemoryStore {
	const store = value as MemoryStore | undefined;
	return (
		typeof store === 'object' &&
		store !== null &&
		typeof store.carts === 'object' &&
		store.carts !== null &&
		typeof store.emails === 'object' &&
		store.emails !== null
	);
}

/** Memory mode "n8n remembers": kept in the workflow's static data under a name both operations share. */
export class RememberedReminders implements MemoryView {
	private readonly store: MemoryStore;
	private readonly emailKeys = new Map<string, string>();

	constructor(staticData: StaticData, name: string, private readonly limits: MemoryLimits) {
		const key = memoryKey(name);
		const existing = staticData[key];
		if (!isStore(existing)) {
			staticData[key] = {
				version: 1,
				carts: {},
				emails: {},
				cartCount: 0,
				emailCount: 0,
				prunedAt: 0,
				retentionMs: limits.retentionMs ?? DEFAULT_RETENTION_MS,
			} satisfies MemoryStore;
		}
		// Read back: in n8n the assignment went through static data's change-tracking proxy
		this.store = staticData[key] as MemoryStore;
		if (typeof this.store.cartCount !== 'number') this.store.cartCount = countKeys(this.store.carts);
		if (typeof this.store.emailCount !== 'number') this.store.emailCount = countKeys(this.store.emails);
		if (limits.retentionMs !== undefined && this.store.retentionMs !== limits.retentionMs) {
			this.store.retentionMs = limits.retentionMs;
		}
	}

	get size(): { carts: number; emails: number } {
		return { carts: this.store.cartCount, emails: this.store.emailCount };
	}

	private hashed(email: string): string {
		let key = this.emailKeys.get(email);
		if (key === undefined) {
			key = emailKey(email);
			this.emailKeys.set(email, key);
		}
		return key;
	}

	cartState(cart: Cart): CartState | undefined {
		return this.cartStateById(cart.id);
	}

	cartStateById(cartId: string): CartState | undefined {
		const value = this.store.carts[`c:${cartId}`];
		if (typeof value !== 'string') return undefined;
		const [sent, lastSentAt, sequence] = value.split('|', 3).map(Number);
		if (!Number.isFinite(sent) || !Number.isFinite(lastSentAt)) return undefined;
		return { sent, lastSentAt, sequence: Number.isFinite(sequence) ? sequence : 0 };
	}

	emailState(email: string): EmailState | undefined {
		const value = this.store.emails[`e:${this.hashed(email)}`];
		if (typeof value !== 'string') return undefined;
		const bar = value.indexOf('|');
		const lastSentAt = Number(value.slice(0, bar));
		return Number.isFinite(lastSentAt) ? { lastSentAt, cartId: value.slice(bar + 1) } : undefined;
	}

	/**
	 * Records that reminder `step` of sequence `sequence` reached the shopper. Returns false when it was already
	 * known (the same step or a later one of the same sequence, or an older sequence).
	 */
	recordSent(cartId: string, email: string | null, step: number, sequence: number, at: number): boolean {
		const cartKey = `c:${cartId}`;
		const known = this.cartStateById(cartId);
		if (known && (sequence < known.sequence || (sequence === known.sequence && step <= known.sent))) return false;
		const previous = this.store.carts[cartKey];
		const emailPart = email ? this.hashed(email) : typeof previous === 'string' ? (previous.split('|')[3] ?? '') : '';
		if (previous !== undefined) delete this.store.carts[cartKey];
		else this.store.cartCount++;
		this.store.carts[cartKey] = `${step}|${at}|${sequence}|${emailPart}`;
		if (emailPart) {
			const emailEntry = `e:${emailPart}`;
			if (this.store.emails[emailEntry] !== undefined) delete this.store.emails[emailEntry];
			else this.store.emailCount++;
			this.store.emails[emailEntry] = `${at}|${cartId}`;
		}
		this.enforceCap();
		return true;
	}

	/** The (cart, sequence, step) key recorded in n8n's deduplication table. */
	static reminderKey(name: string, cartId: string, sequence: number, step: number): string {
		return `${name}|${cartId}|${sequence}|${step}`;
	}

	/** Erases shoppers (privacy requests): their email entry and every cart that carried their address. */
	forgetEmails(emails: string[]): Map<string, number> {
		const byKey = new Map<string, string>();
		for (const email of emails) byKey.set(this.hashed(email.trim().toLowerCase()), email);
		const forgotten = new Map<string, number>(emails.map((e) => [e, 0]));
		if (byKey.size === 0) return forgotten;
		for (const key in this.store.carts) {
			const value = this.store.carts[key];
			if (typeof value !== 'string') continue;
			const email = byKey.get(value.slice(value.lastIndexOf('|') + 1));
			if (email === undefined) continue;
			delete this.store.carts[key];
			this.store.cartCount--;
			forgotten.set(email, (forgotten.get(email) ?? 0) + 1);
		}
		for (const key of byKey.keys()) {
			if (this.store.emails[`e:${key}`] === undefined) continue;
			delete this.store.emails[`e:${key}`];
			this.store.emailCount--;
		}
		return forgotten;
	}

	/**
	 * Drops entries older than the retention (give-up window plus cooldown): they can no longer change a decision.
	 * Runs at most hourly, or when over the cap; walks from the oldest entry and stops at the first fresh one.
	 */
	prune(now: number): void {
		const overCap = this.store.cartCount > this.limits.maxCarts || this.store.emailCount > this.limits.maxCarts;
		if (!overCap && now - (this.store.prunedAt || 0) < PRUNE_EVERY_MS) return;
		const oldest = now - (this.store.retentionMs || DEFAULT_RETENTION_MS);
		this.store.cartCount -= this.dropOld(this.store.carts, oldest, 1, this.store.cartCount);
		this.store.emailCount -= this.dropOld(this.store.emails, oldest, 0, this.store.emailCount);
		this.store.prunedAt = now;
	}

	private enforceCap(): void {
		if (this.store.cartCount > this.limits.maxCarts || this.store.emailCount > this.limits.maxCarts) {
			this.store.cartCount -= this.dropOld(this.store.carts, -Infinity, 1, this.store.cartCount);
			this.store.emailCount -= this.dropOld(this.store.emails, -Infinity, 0, this.store.emailCount);
		}
	}

	/** Deletes from the oldest end while entries are older than `oldest` or the map is over the cap. */
	private dropOld(record: Record<string, string>, oldest: number, timeField: number, count: number): number {
		let dropped = 0;
		for (const key in record) {
			if (key === '__dataChanged') continue;
			const value = record[key];
			const at = typeof value === 'string' ? Number(value.split('|', timeField + 1)[timeField]) : NaN;
			const expired = !Number.isFinite(at) || at < oldest;
			if (!expired && count - dropped <= this.limits.maxCarts) break;
			delete record[key];
			dropped++;
		}
		return dropped;
	}
}
