/**
 * The shop the end-to-end scenarios run against: realistic carts in the templates' PostgreSQL table and the
 * matching Constant Contact account in the stand-in (the reminder list with its automation, an unsubscribed
 * shopper, an existing customer), plus the checks on both afterwards.
 */
import type { FakeConstantContact } from '../fake-constant-contact';
import { recoveryUrl, type CartRow as ShopRow } from '../support/carts';
import type { TestDatabase } from './postgres';
import { expect } from './scenario';

export const REMINDER_LIST = 'Abandoned cart reminders';

/** A cart row of the e2e shop (test/support/carts.ts's columns; times relative to the database's now()). */
export interface ShopCart extends Pick<ShopRow, 'id' | 'email' | 'first_name' | 'marketing_consent' | 'status' | 'item_count' | 'total'> {
	/** Minutes since the shopper's last activity. */
	idleMinutes: number;
	timezone?: string;
	completed?: boolean;
	/** What the Abandoned Cart Filter decides on the first run. */
	expected: 'send' | 'wait' | 'skip' | 'not selected';
	/** Whether the shopper ends on the reminder list (and in its automation) after the first run. */
	reachesList: boolean;
	/**
	 * Skipped by Add to Autoresponder List for a reason the next run would find again (unsubscribed): Mark Reminders
	 * Sent records the step as handled without a reminder, so the row records it although the shopper is not on the list.
	 */
	handledWithoutReminder?: boolean;
}

export const SHOP_CARTS: ShopCart[] = [
	{ id: 'cart-1001', email: 'alice.shopper@example.com', first_name: 'Alice', marketing_consent: true, status: 'open', item_count: 2, total: '89.90', idleMinutes: 120, expected: 'send', reachesList: true },
	{ id: 'cart-1002', email: 'bob.browser@example.com', first_name: 'Bob', marketing_consent: true, status: 'open', item_count: 1, total: '19.00', idleMinutes: 10, expected: 'wait', reachesList: false },
	{ id: 'cart-1003', email: 'carol.buyer@example.com', first_name: 'Carol', marketing_consent: true, status: 'paid', item_count: 3, total: '240.00', idleMinutes: 180, expected: 'skip', reachesList: false },
	{ id: 'cart-1004', email: 'dave.noconsent@example.com', first_name: 'Dave', marketing_consent: false, status: 'open', item_count: 1, total: '35.50', idleMinutes: 180, expected: 'skip', reachesList: false },
	// Unsubscribed in Constant Contact: the filter lets the cart through, Add to Autoresponder List must not touch the
	// contact, and the step is recorded as handled so no later run looks her up again.
	{ id: 'cart-1005', email: 'erin.unsubscribed@example.com', first_name: 'Erin', marketing_consent: true, status: 'open', item_count: 1, total: '59.00', idleMinutes: 150, expected: 'send', reachesList: false, handledWithoutReminder: true },
	{ id: 'cart-1006', email: 'not-an-email', first_name: 'Typo', marketing_consent: true, status: 'open', item_count: 1, total: '12.00', idleMinutes: 200, expected: 'skip', reachesList: false },
	{ id: 'cart-1007', email: 'frank.empty@example.com', first_name: 'Frank', marketing_consent: true, status: 'open', item_count: 0, total: '0', idleMinutes: 240, expected: 'skip', reachesList: false },
	// An existing customer already on another list, shopping from Tokyo.
	{ id: 'cart-1008', email: 'grace.customer@example.com', first_name: 'Grace', marketing_consent: true, status: 'open', item_count: 4, total: '129.99', idleMinutes: 300, timezone: 'Asia/Tokyo', expected: 'send', reachesList: true },
	{ id: 'cart-1009', email: 'heidi.ordered@example.com', first_name: 'Heidi', marketing_consent: true, status: 'completed', item_count: 2, total: '74.00', idleMinutes: 400, completed: true, expected: 'not selected', reachesList: false },
];

export { recoveryUrl };

export async function seedShopDatabase(db: TestDatabase, carts: ShopCart[] = SHOP_CARTS): Promise<void> {
	for (const cart of carts) {
		await db.query(
			`INSERT INTO abandoned_carts (id, email, first_name, marketing_consent, status, item_count, total, recovery_url, timezone,
			   created_at, updated_at, completed_at, order_id)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now() - make_interval(mins => $10 + 30), now() - make_interval(mins => $10),
			   CASE WHEN $11 THEN now() - make_interval(mins => $10) END, CASE WHEN $11 THEN 'order-' || $1 END)`,
			[cart.id, cart.email, cart.first_name, cart.marketing_consent, cart.status, cart.item_count, cart.total, recoveryUrl(cart.id), cart.timezone ?? null, cart.idleMinutes, cart.completed === true],
		);
	}
}

export interface SeededAccount {
	reminderListId: string;
	customersListId: string;
}

/** The Constant Contact side: the reminder list with its automation, an unsubscribed shopper, an existing customer. */
export function seedConstantContact(standIn: FakeConstantContact): SeededAccount {
	const reminders = standIn.control.seedList({ name: REMINDER_LIST, automation: { name: 'Abandoned cart reminder email' } });
	const customers = standIn.control.seedList({ name: 'Customers' });
	standIn.control.seedContact({ email: 'erin.unsubscribed@example.com', firstName: 'Erin', permission: 'unsubscribed' });
	standIn.control.seedContact({ email: 'grace.customer@example.com', firstName: 'Grace', permission: 'implicit', listIds: [String(customers.list_id)] });
	return { reminderListId: String(reminders.list_id), customersListId: String(customers.list_id) };
}

/** Custom field values of a contact, by label. */
export function customFieldsOf(standIn: FakeConstantContact, email: string): Record<string, string> {
	const contact = standIn.control.findContactByEmail(email) as { custom_fields?: Array<{ custom_field_id: string; value: string }> } | undefined;
	const labels = new Map(standIn.control.snapshot().customFields.map((f) => [String(f.custom_field_id), String(f.label ?? f.name)]));
	return Object.fromEntries((contact?.custom_fields ?? []).map((f) => [labels.get(f.custom_field_id) ?? f.custom_field_id, f.value]));
}

export function listMemberships(standIn: FakeConstantContact, email: string): string[] {
	const contact = standIn.control.findContactByEmail(email) as { list_memberships?: string[] } | undefined;
	return contact?.list_memberships ?? [];
}

export function permissionOf(standIn: FakeConstantContact, email: string): string | undefined {
	const contact = standIn.control.findContactByEmail(email) as { email_address?: { permission_to_send?: string } } | undefined;
	return contact?.email_address?.permission_to_send;
}

/** Exactly the shoppers who should be on the list are, with their cart details; the unsubscribed one is untouched. */
export function assertReminderListState(standIn: FakeConstantContact, account: SeededAccount, carts: ShopCart[] = SHOP_CARTS): void {
	for (const cart of carts) {
		const onList = listMemberships(standIn, cart.email).includes(account.reminderListId);
		expect(onList === cart.reachesList, `${cart.email} (${cart.id}) is ${onList ? '' : 'not '}on the reminder list; expected ${cart.reachesList ? 'on' : 'off'}`);
		if (!cart.reachesList) continue;
		const fields = customFieldsOf(standIn, cart.email);
		expect(fields.ac_recovery_url === recoveryUrl(cart.id), `${cart.email} has ac_recovery_url ${JSON.stringify(fields.ac_recovery_url)}, expected ${recoveryUrl(cart.id)}`);
		expect(String(fields.ac_item_count) === String(cart.item_count), `${cart.email} has ac_item_count ${JSON.stringify(fields.ac_item_count)}`);
		expect(String(fields.ac_cart_total ?? '').startsWith(cart.total), `${cart.email} has ac_cart_total ${JSON.stringify(fields.ac_cart_total)}, expected ${cart.total} ...`);
		const entries = standIn.control.automationEntries({ listId: account.reminderListId, email: cart.email });
		expect(entries.length === 1, `${cart.email} entered the reminder automation ${entries.length} times instead of once`);
	}
	const shoppers = new Set(carts.map((c) => c.email));
	const entries = standIn.control.automationEntries({ listId: account.reminderListId }).filter((e) => shoppers.has(e.email));
	const expectedEntries = carts.filter((c) => c.reachesList).length;
	expect(entries.length === expectedEntries, `the reminder automation has ${entries.length} entries of these shoppers instead of ${expectedEntries}`);

	const erin = 'erin.unsubscribed@example.com';
	expect(permissionOf(standIn, erin) === 'unsubscribed', `the unsubscribed shopper's permission became ${permissionOf(standIn, erin)}`);
	const erinChanges = standIn.control.permissionChanges().filter((c) => c.email === erin);
	expect(erinChanges.length === 0, `the unsubscribed shopper's permission was changed: ${JSON.stringify(erinChanges)}`);
	expect(permissionOf(standIn, 'grace.customer@example.com') === 'implicit', "the existing customer's permission was changed");
	expect(listMemberships(standIn, 'grace.customer@example.com').includes(account.customersListId), 'the existing customer lost their other list');
	const violations = standIn.control.contractViolations();
	expect(violations.length === 0, `requests that break Constant Contact's API contract: ${JSON.stringify(violations).slice(0, 400)}`);
}

export interface CartRow {
	id: string;
	reminders_sent: number;
	last_reminded_at: Date | null;
	cc_contact_id: string | null;
}

export async function cartRows(db: TestDatabase): Promise<Map<string, CartRow>> {
	const rows = await db.query<CartRow>('SELECT id, reminders_sent, last_reminded_at, cc_contact_id FROM abandoned_carts ORDER BY id');
	return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Lets the claims of an execution that never finished (stopped, killed) expire, as 10 minutes would: the template's
 * Claim Reminders holds a cart for that long before another execution may take it. Returns how many were held.
 */
export async function expireClaims(db: TestDatabase): Promise<number> {
	const rows = await db.query(
		`UPDATE abandoned_carts SET reminder_claimed_at = reminder_claimed_at - interval '10 minutes'
		 WHERE reminder_claimed_at IS NOT NULL RETURNING id`,
	);
	return rows.length;
}

/** Rows of carts that reached the list record one reminder; every other row is untouched. */
/** After the first run, a cart's row records step 1 when its shopper reached the list or was handled without a reminder. */
const CONTACT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A cart on the list is recorded with the contact ID Add output (the order flow can remove by it); one skipped for good
 * is recorded as handled; any other is untouched.
 */
export function rowAsExpected(cart: ShopCart, row: { reminders_sent: number; last_reminded_at: unknown; cc_contact_id: string | null }): boolean {
	const recorded = row.reminders_sent === 1 && row.last_reminded_at !== null;
	const untouched = row.reminders_sent === 0 && row.last_reminded_at === null && row.cc_contact_id === null;
	if (cart.reachesList) return recorded && CONTACT_ID.test(row.cc_contact_id ?? '');
	return cart.handledWithoutReminder ? recorded : untouched;
}

export async function assertReminderRows(db: TestDatabase, carts: ShopCart[] = SHOP_CARTS): Promise<Map<string, CartRow>> {
	const rows = await cartRows(db);
	for (const cart of carts) {
		const row = rows.get(cart.id);
		expect(row, `cart ${cart.id} vanished from the database`);
		expect(rowAsExpected(cart, row), `cart ${cart.id} row has reminders_sent=${row.reminders_sent}, last_reminded_at=${row.last_reminded_at?.toISOString() ?? null}, cc_contact_id=${row.cc_contact_id}`);
	}
	return rows;
}
