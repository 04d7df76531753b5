/** What the reminders earned: orders matched to the reminders sent for their cart or shopper. */
import { attributeOrder, attributeOrders, type Order, type RemindedCart, type ReminderLookup } from '../../../nodes/AbandonedCartFilter/attribution';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);

/** Reminder memory as the node keeps it: per cart, steps sent and the last time; shoppers by email. */
function memory(carts: Array<RemindedCart & { email: string }>): ReminderLookup & { recovered: Map<string, number> } {
	const byId = new Map(carts.map((cart) => [cart.cartId, { ...cart }]));
	const recovered = new Map<string, number>();
	return {
		recovered,
		byCartId: (cartId) => {
			const cart = byId.get(cartId);
			return cart && { ...cart, recoveredAt: recovered.get(cartId) ?? null };
		},
		byEmail: (email) => {
			const latest = [...byId.values()].filter((c) => c.email === email).sort((a, b) => b.lastSentAt - a.lastSentAt)[0];
			return latest && { ...latest, recoveredAt: recovered.get(latest.cartId) ?? null };
		},
		markRecovered: (cartId, at) => recovered.set(cartId, at),
	};
}

const order = (cartId: string | null, email: string | null, total: number | null, orderedAt: number): Order => ({ cartId, email, total, orderedAt });

describe('attributeOrders on a seeded set of carts, reminders and orders', () => {
	const reminded = memory([
		{ cartId: 'c1', email: 'ana@example.com', steps: 1, lastSentAt: T0 },
		{ cartId: 'c2', email: 'ben@example.com', steps: 2, lastSentAt: T0 + DAY },
		{ cartId: 'c3', email: 'cleo@example.com', steps: 3, lastSentAt: T0 + 2 * DAY },
		{ cartId: 'c4', email: 'dev@example.com', steps: 1, lastSentAt: T0 },
		{ cartId: 'c5', email: 'eve@example.com', steps: 1, lastSentAt: T0 },
		{ cartId: 'c6', email: 'eve@example.com', steps: 2, lastSentAt: T0 + 3 * DAY },
	]);
	const orders = [
		order('c1', 'ana@example.com', 49.9, T0 - 2 * HOUR), // paid before the reminder went out
		order('c2', 'ben@example.com', 120, T0 + DAY + 5 * HOUR), // 5 h after step 2
		order('c2', 'ben@example.com', 80, T0 + DAY + 30 * HOUR), // the same cart again: counted once
		order('c3', 'cleo@example.com', 15, T0 + 2 * DAY + 7 * DAY + HOUR), // an hour past the 7-day window
		order('c4', 'dev@example.com', 60, T0 + 7 * DAY), // exactly at the end of the window: still counted
		order(null, 'eve@example.com', 33.3, T0 + 3 * DAY + 90 * 60 * 1000), // no cart id: her latest reminded cart (c6)
		order('c9', 'fay@example.com', 10, T0), // never reminded
		order(null, null, 5, T0), // neither cart nor shopper
	];
	const results = attributeOrders(orders, reminded);

	it('gives each order the outcome, step and hours its reminders earned', () => {
		expect(results.map((r) => [r.cartId, r.recovered, r.reason, r.step, r.hoursSinceReminder, r.orderTotal])).toEqual([
			['c1', false, 'ordered_before_reminder', 1, -2, 49.9],
			['c2', true, 'recovered', 2, 5, 120],
			['c2', false, 'already_recovered', 2, 30, 80],
			['c3', false, 'outside_window', 3, 169, 15],
			['c4', true, 'recovered', 1, 168, 60],
			['c6', true, 'recovered', 2, 1.5, 33.3],
			['c9', false, 'no_reminder', null, null, 10],
			[null, false, 'no_reminder', null, null, 5],
		]);
	});

	it('adds up to the recovered revenue and carts per step exactly', () => {
		const recovered = results.filter((r) => r.recovered);
		expect(recovered.reduce((sum, r) => sum + (r.orderTotal ?? 0), 0)).toBeCloseTo(213.3, 10);
		const perStep = new Map<number, number>();
		for (const r of recovered) perStep.set(r.step!, (perStep.get(r.step!) ?? 0) + 1);
		expect(Object.fromEntries(perStep)).toEqual({ 1: 1, 2: 2 });
		expect([...reminded.recovered.keys()].sort()).toEqual(['c2', 'c4', 'c6']);
	});

	it('takes another window length', () => {
		const short = attributeOrders([order('c2', null, 120, T0 + DAY + 5 * HOUR)], memory([{ cartId: 'c2', email: 'b@example.com', steps: 2, lastSentAt: T0 + DAY }]), 0.1);
		expect(short[0].reason).toBe('outside_window');
	});
});

describe('attributeOrder on one cart', () => {
	it('credits a new order again once a new reminder went out after the recovery', () => {
		const cart = { cartId: 'c1', steps: 1, lastSentAt: T0 + 3 * DAY, recoveredAt: T0 + HOUR };
		expect(attributeOrder(order('c1', null, 20, T0 + 3 * DAY + HOUR), cart)).toMatchObject({ recovered: true, reason: 'recovered' });
		expect(attributeOrder(order('c1', null, 20, T0 + 3 * DAY + HOUR), { ...cart, recoveredAt: T0 + 3 * DAY })).toMatchObject({ reason: 'already_recovered' });
	});
});
