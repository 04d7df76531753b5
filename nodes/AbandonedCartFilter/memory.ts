import { normalizeEmail } from '../ConstantContact/email';
import type { RemindedCart, ReminderLookup } from './attribution';
import type { CartState, EmailState, MemoryView } from './decide';
import type { Cart } from './readCart';
import type { OrderRow } from './readOrder';
import { DEFAULT_RETENTION_MS, type MemoryMode } from './settings';

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

/** The cart state that is further along: a later sequence, else more steps sent. */
function furtherAlong(a: CartState | undefined, b: CartState | undefined): CartState | undefined {
	if (!a) return b;
	if (!b) return a;
	if (a.sequence !== b.sequence) return a.sequence > b.sequence ? a : b;
	if (a.sent !== b.sent) return a.sent > b.sent ? a : b;
	return (a.lastSentAt ?? 0) >= (b.lastSentAt ?? 0) ? a : b;
}

/**
 * Moving from "n8n remembers" to "my data source tracks it": until the old memory has aged out, each cart and
 * shopper counts as reminded when either memory says so, so nothing remembered only in static data is sent twice.
 */
export function migratingMemory(dataSource: MemoryView, old: MemoryView): MemoryView {
	return {
		cartState: (cart) => furtherAlong(dataSource.cartState(cart), old.cartState(cart)),
		emailState(email) {
			const a = dataSource.emailState(email);
			const b = old.emailState(email);
			if (!a) return b;
			if (!b) return a;
			return a.lastSentAt >= b.lastSentAt ? a : b;
		},
	};
}

/** 53-bit string hash (cyrb53): among a million shoppers, a collision (two sharing a cooldown) has odds of 1 in 18,000. */
function hash53(text: string): string {
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < text.length; i++) {
		const ch = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ ch, 2654435761);
		h2 = Math.imul(h2 ^ ch, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	// Two integer conversions: Number#toString(36) on a 53-bit double is several times slower
	return (h2 & 2097151).toString(36) + (h1 >>> 0).toString(36).padStart(7, '0');
}

/**
 * Shoppers' addresses are remembered only as a hash, never in clear text; erasure still deletes them (see
 * forgetEmails). Not a cryptographic hash: it is at least as strong as any hash of a guessable address, and fast
 * enough for 100,000 shoppers per run.
 */
export function emailKey(email: string): string {
	return hash53(normalizeEmail(email));
}


/**
 * One generation of remembered reminders. Values are strings, not objects: n8n wraps every nested object of static
 * data in a Proxy when it loads a workflow, which would cost seconds at a million entries.
 * carts:  "c:<cart id>" -> "<steps sent>|<last sent, epoch ms in base 36>|<sequence>|<email key>"
 * emails: "e:<email key>" -> "<last sent, epoch ms in base 36>|<cart id>"
 * recovered: "r:<cart id>" -> "<order time, epoch ms in base 36>" (Record Order; absent in memories stored before it)
 * Keys are prefixed so no cart id is ever an integer-like key (those would break insertion order) or "__proto__".
 */
export interface MemoryGeneration {
	startedAt: number;
	carts: Record<string, string>;
	emails: Record<string, string>;
	cartCount: number;
	emailCount: number;
	recovered?: Record<string, string>;
	recoveredCount?: number;
}

type MapName = 'carts' | 'emails' | 'recovered';
const COUNT_OF = { carts: 'cartCount', emails: 'emailCount', recovered: 'recoveredCount' } as const;

/**
 * Two generations: entries are written to `current`; once `current` is older than the retention (give-up window
 * plus cooldown) it becomes `previous` and the old `previous` is dropped whole. Every entry so lives between one and
 * two retentions, and pruning costs nothing however many carts are remembered (no scan over a million keys).
 */
export interface MemoryStore {
	version: 2;
	retentionMs: number;
	current: MemoryGeneration;
	previous: MemoryGeneration;
	/** Set when Decide first ran with "my data source tracks it" over this memory; it is dropped one retention later. */
	migratingSince?: number;
}

export interface MemoryLimits {
	maxCarts: number;
	retentionMs?: number;
}

export type StaticData = Record<string, unknown>;

/** 'global', not 'node': the Decide node and its Mark Reminders Sent node are two nodes sharing one memory. */
export const MEMORY_STATIC_DATA_SCOPE = 'global';

export function memoryKey(name: string): string {
	return `abandonedCartFilter:${name}`;
}

function generation(startedAt: number): MemoryGeneration {
	return { startedAt, carts: {}, emails: {}, cartCount: 0, emailCount: 0, recovered: {}, recoveredCount: 0 };
}

function isGeneration(value: unknown): value is MemoryGeneration {
	const g = value as MemoryGeneration | undefined;
	return typeof g === 'object' && g !== null && typeof g.carts === 'object' && g.carts !== null && typeof g.emails === 'object' && g.emails !== null;
}

function isStore(value: unknown): value is MemoryStore {
	const store = value as MemoryStore | undefined;
	return typeof store === 'object' && store !== null && store.version === 2 && isGeneration(store.current) && isGeneration(store.previous);
}

function countKeys(record: Record<string, string>): number {
	let n = 0;
	for (const key in record) if (key !== '__dataChanged') n++;
	return n;
}

/** Whether static data holds a memory of this name (so erasing it never creates an empty one). */
export function hasRememberedReminders(staticData: StaticData, name: string): boolean {
	return isStore(staticData[memoryKey(name)]);
}

/**
 * The static-data memory left behind by "n8n remembers", for a Decide that now runs with "my data source tracks
 * it": read-only while it can still change a decision (one retention after the switch), then deleted. Returns
 * undefined when there is none (any more).
 */
export function leftoverMemory(staticData: StaticData, name: string, now: number): RememberedReminders | undefined {
	const key = memoryKey(name);
	const store = staticData[key];
	if (!isStore(store)) return undefined;
	if (store.migratingSince === undefined) store.migratingSince = now;
	if (now - store.migratingSince >= (store.retentionMs || DEFAULT_RETENTION_MS)) {
		delete staticData[key];
		return undefined;
	}
	return new RememberedReminders(staticData, name, { maxCarts: Number.MAX_SAFE_INTEGER });
}

/** The memory Decide reads: the rows' own columns or static data, and which one it may write to. */
export interface DecideMemory {
	view: MemoryView;
	/** Present with "n8n remembers": Decide learns from n8n's deduplication store into it. */
	remembered?: RememberedReminders;
}

export function memoryForDecide(
	mode: MemoryMode,
	staticData: StaticData,
	name: string,
	carts: Cart[],
	now: number,
	limits: Required<MemoryLimits>,
): DecideMemory {
	if (mode === 'dataSource') {
		const own = dataSourceMemory(carts);
		// A workflow switched over from "n8n remembers": its old memory still counts until it has aged out
		const leftover = leftoverMemory(staticData, name, now);
		return { view: leftover ? migratingMemory(own, leftover) : own };
	}
	const remembered = new RememberedReminders(staticData, name, limits);
	remembered.prune(now);
	return { view: remembered, remembered };
}

/**
 * Memory mode "n8n remembers": kept in the workflow's static data under a name both operations share. The fallback
 * for flows without a database of their own: n8n loads and saves the whole object with every execution (about 94
 * bytes per remembered cart), and of two overlapping executions the later save wins (see README, "Reminder memory").
 */
export class RememberedReminders implements MemoryView {
	private readonly store: MemoryStore;
	private readonly emailKeys = new Map<string, string>();

	constructor(staticData: StaticData, name: string, private readonly limits: MemoryLimits) {
		const key = memoryKey(name);
		if (!isStore(staticData[key])) {
			staticData[key] = {
				version: 2,
				retentionMs: limits.retentionMs ?? DEFAULT_RETENTION_MS,
				current: generation(0),
				previous: generation(0),
			} satisfies MemoryStore;
		}
		// Read back: in n8n the assignment went through static data's change-tracking proxy
		this.store = staticData[key] as MemoryStore;
		for (const g of [this.store.current, this.store.previous]) {
			if (typeof g.cartCount !== 'number') g.cartCount = countKeys(g.carts);
			if (typeof g.emailCount !== 'number') g.emailCount = countKeys(g.emails);
			if (typeof g.recovered !== 'object' || g.recovered === null) g.recovered = {};
			if (typeof g.recoveredCount !== 'number') g.recoveredCount = countKeys(g.recovered);
		}
		if (limits.retentionMs !== undefined && this.store.retentionMs !== limits.retentionMs) {
			this.store.retentionMs = limits.retentionMs;
		}
	}

	get size(): { carts: number; emails: number } {
		const { current, previous } = this.store;
		return { carts: current.cartCount + previous.cartCount, emails: current.emailCount + previous.emailCount };
	}

	private hashed(email: string): string {
		let key = this.emailKeys.get(email);
		if (key === undefined) {
			key = emailKey(email);
			this.emailKeys.set(email, key);
		}
		return key;
	}

	private lookup(map: MapName, key: string): string | undefined {
		const count = COUNT_OF[map];
		const { current, previous } = this.store;
		const value = ((current[count] ?? 0) > 0 ? current[map]?.[key] : undefined) ?? ((previous[count] ?? 0) > 0 ? previous[map]?.[key] : undefined);
		return typeof value === 'string' ? value : undefined;
	}

	/** Writes to the current generation, taking the key out of the previous one. */
	private write(map: MapName, key: string, value: string): void {
		const count = COUNT_OF[map];
		const { current, previous } = this.store;
		const older = previous[map] ?? {};
		const newer = (current[map] ??= {});
		if (older[key] !== undefined) {
			delete older[key];
			previous[count] = (previous[count] ?? 1) - 1;
		}
		if (newer[key] === undefined) current[count] = (current[count] ?? 0) + 1;
		newer[key] = value;
	}

	cartState(cart: Cart): CartState | undefined {
		return this.cartStateById(cart.id);
	}

	cartStateById(cartId: string): CartState | undefined {
		const value = this.lookup('carts', `c:${cartId}`);
		if (value === undefined) return undefined;
		const [sentText, lastSentText, sequenceText, , handledText] = value.split('|', 5);
		const sent = Number(sentText);
		const lastSentAt = parseInt(lastSentText, 36);
		const sequence = Number(sequenceText);
		if (!Number.isFinite(sent) || !Number.isFinite(lastSentAt)) return undefined;
		const state: CartState = { sent, lastSentAt, sequence: Number.isFinite(sequence) ? sequence : 0 };
		if (handledText) state.handledWithoutReminder = handledText;
		return state;
	}

	/** When an order of this cart was counted as recovered (Record Order), or undefined. */
	recoveredAt(cartId: string): number | undefined {
		const value = this.lookup('recovered', `r:${cartId}`);
		const at = value === undefined ? NaN : parseInt(value, 36);
		return Number.isFinite(at) ? at : undefined;
	}

	/** Remembers that an order of the cart, placed at `at`, was counted as recovered; it lives as long as reminders do. */
	recordRecovered(cartId: string, at: number): void {
		this.rotateIfDue(at);
		this.write('recovered', `r:${cartId}`, Math.round(at).toString(36));
		this.enforceCap();
	}

	emailState(email: string): EmailState | undefined {
		if (this.size.emails === 0) return undefined;
		const value = this.lookup('emails', `e:${this.hashed(email)}`);
		if (value === undefined) return undefined;
		const bar = value.indexOf('|');
		const lastSentAt = parseInt(value.slice(0, bar), 36);
		return Number.isFinite(lastSentAt) ? { lastSentAt, cartId: value.slice(bar + 1) } : undefined;
	}

	/**
	 * Records that reminder `step` of sequence `sequence` reached the shopper, or, with `handledWithoutReminder`
	 * (the reason Add to Autoresponder List skipped them for good), that the step was handled without one: the cart
	 * is then not tried again, and the shopper's other carts keep no cooldown from it. Returns false when it was
	 * already known (the same step or a later one of the same sequence, or an older sequence).
	 */
	recordSent(cartId: string, email: string | null, step: number, sequence: number, at: number, handledWithoutReminder?: string): boolean {
		const cartKey = `c:${cartId}`;
		const known = this.cartStateById(cartId);
		if (known && (sequence < known.sequence || (sequence === known.sequence && step <= known.sent))) return false;
		const previous = this.lookup('carts', cartKey);
		const emailPart = email ? this.hashed(email) : previous !== undefined ? (previous.split('|')[3] ?? '') : '';
		this.rotateIfDue(at);
		const stamp = Math.round(at).toString(36);
		const handled = handledWithoutReminder ? `|${handledWithoutReminder.replace(/\|/g, ' ')}` : '';
		this.write('carts', cartKey, `${step}|${stamp}|${sequence}|${emailPart}${handled}`);
		if (emailPart && !handled) this.write('emails', `e:${emailPart}`, `${stamp}|${cartId}`);
		this.enforceCap();
		return true;
	}

	/**
	 * Erases shoppers (privacy requests): their email entry and every cart that carried their address. `onCart` hears
	 * of each erased cart, so the caller can erase what it keeps elsewhere about it (n8n's deduplication store).
	 */
	forgetEmails(emails: string[], onCart?: (cartId: string, stepsSent: number, sequence: number) => void): Map<string, number> {
		const byKey = new Map<string, string>();
		for (const email of emails) byKey.set(this.hashed(normalizeEmail(email)), email);
		const forgotten = new Map<string, number>(emails.map((e) => [e, 0]));
		if (byKey.size === 0) return forgotten;
		for (const g of [this.store.current, this.store.previous]) {
			for (const key in g.carts) {
				const value = g.carts[key];
				if (typeof value !== 'string') continue;
				// The email key is the fourth field: a cart handled without a reminder carries its reason after it.
				const [steps, , sequence, emailPart] = value.split('|', 4);
				const email = byKey.get(emailPart ?? '');
				if (email === undefined) continue;
				onCart?.(key.slice(2), Number(steps) || 0, Number(sequence) || 0);
				delete g.carts[key];
				g.cartCount--;
				this.forgetRecovered(key.slice(2));
				forgotten.set(email, (forgotten.get(email) ?? 0) + 1);
			}
			for (const key of byKey.keys()) {
				if (g.emails[`e:${key}`] === undefined) continue;
				delete g.emails[`e:${key}`];
				g.emailCount--;
			}
		}
		return forgotten;
	}

	private forgetRecovered(cartId: string): void {
		for (const g of [this.store.current, this.store.previous]) {
			if (g.recovered?.[`r:${cartId}`] === undefined) continue;
			delete g.recovered[`r:${cartId}`];
			g.recoveredCount = (g.recoveredCount ?? 1) - 1;
		}
	}

	/** Drops what can no longer change a decision: the generation older than the retention. O(1). */
	prune(now: number): void {
		this.rotateIfDue(now);
	}

	private rotateIfDue(now: number): void {
		const retention = this.store.retentionMs || DEFAULT_RETENTION_MS;
		if (this.store.current.startedAt === 0) this.store.current.startedAt = now;
		if (now - this.store.current.startedAt >= retention) this.rotate(now);
	}

	private rotate(now: number): void {
		this.store.previous = this.store.current;
		this.store.current = generation(now);
	}

	/** Over the cap: drop the previous generation whole, then the oldest entries of the current one if still over. */
	private enforceCap(): void {
		const { maxCarts } = this.limits;
		const recovered = (this.store.current.recoveredCount ?? 0) + (this.store.previous.recoveredCount ?? 0);
		if (this.size.carts <= maxCarts && this.size.emails <= maxCarts && recovered <= maxCarts) return;
		if (this.store.previous.cartCount > 0 || this.store.previous.emailCount > 0 || (this.store.previous.recoveredCount ?? 0) > 0) {
			this.store.previous = generation(this.store.current.startedAt);
		}
		const current = this.store.current;
		current.cartCount -= this.dropOldest(current.carts, current.cartCount - maxCarts);
		current.emailCount -= this.dropOldest(current.emails, current.emailCount - maxCarts);
		current.recoveredCount = (current.recoveredCount ?? 0) - this.dropOldest((current.recovered ??= {}), (current.recoveredCount ?? 0) - maxCarts);
	}

	private dropOldest(record: Record<string, string>, excess: number): number {
		if (excess <= 0) return 0;
		// Drop a tenth more than needed, so a full memory does not walk its keys on every single record
		const target = excess + Math.ceil(this.limits.maxCarts / 10);
		let dropped = 0;
		for (const key in record) {
			if (dropped >= target) break;
			if (key === '__dataChanged') continue;
			delete record[key];
			dropped++;
		}
		return dropped;
	}
}

/**
 * Record Order's view of "n8n remembers": a cart's reminders, a shopper's most recently reminded cart, and the carts
 * already counted as recovered. A cart whose last step was handled without a reminder (the shopper unsubscribed)
 * counts as not reminded: no email reached them for that step. `remembered` is undefined when the workflow has none.
 */
export function rememberedRemindersLookup(remembered: RememberedReminders | undefined): ReminderLookup {
	const byCartId = (cartId: string): RemindedCart | undefined => {
		const state = remembered?.cartStateById(cartId);
		if (!state || state.lastSentAt === null || state.handledWithoutReminder) return undefined;
		return { cartId, steps: state.sent, lastSentAt: state.lastSentAt, recoveredAt: remembered?.recoveredAt(cartId) ?? null };
	};
	return {
		byCartId,
		byEmail(email) {
			const state = remembered?.emailState(email);
			return state ? byCartId(state.cartId) : undefined;
		},
		markRecovered: (cartId, at) => remembered?.recordRecovered(cartId, at),
	};
}

/**
 * Record Order's view of "my data source tracks it": each order row carries its cart's reminder columns (the
 * workflow joins orders with the cart table, by cart id or email). A cart recovered earlier in the run counts once.
 */
export function dataSourceRemindersLookup(rows: OrderRow[]): ReminderLookup {
	const byCart = new Map<string, RemindedCart>();
	for (const { reminded } of rows) {
		const known = reminded && byCart.get(reminded.cartId);
		if (reminded && (!known || known.lastSentAt < reminded.lastSentAt)) byCart.set(reminded.cartId, { ...reminded });
	}
	return {
		byCartId: (cartId) => byCart.get(cartId),
		byEmail: () => undefined,
		markRecovered(cartId, at) {
			const cart = byCart.get(cartId);
			if (cart) cart.recoveredAt = at;
		},
	};
}
