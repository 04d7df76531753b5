/**
 * The Recovery Report's figures counted from cart rows (nodes/AbandonedCartFilter/cartRowFigures.ts): a seeded shop
 * whose every cart has a known fate, so each day's figures are exact, attributed by the same rule as Record Order.
 */
import { cartRowFigures } from '../../../nodes/AbandonedCartFilter/cartRowFigures';
import { cartRowSettingsOf, type CartRowFieldPaths } from '../../../nodes/AbandonedCartFilter/settings';

const settings = (fields: Partial<CartRowFieldPaths> = {}, windowDays: unknown = 7, reportTimeZone = 'Europe/Berlin') =>
	cartRowSettingsOf({ fields, windowDays, sourceTimeZone: undefined, reportTimeZone }, []);

/** Rows as the webhook template's Data table returns them (createdAt is the table's own column). */
const shop = [
	// seen on the 1st, reminded once on the 1st, ordered 3 h later: recovered by reminder 1
	{ cart_id: 'c1', createdAt: '2026-12-01T08:00:00.000Z', reminders_sent: 1, last_reminded_at: '2026-12-01T10:00:00.000Z', completed_at: '2026-12-01T13:00:00.000Z', order_total: 89.9 },
	// seen on the 1st, reminded twice (the last on the 2nd), ordered on the 4th: recovered by reminder 2
	{ cart_id: 'c2', createdAt: '2026-12-01T09:00:00.000Z', reminders_sent: 2, last_reminded_at: '2026-12-02T09:00:00.000Z', completed_at: '2026-12-04T12:00:00.000Z', order_total: '120.10' },
	// ordered before its reminder went out: not recovered
	{ cart_id: 'c3', createdAt: '2026-12-01T10:00:00.000Z', reminders_sent: 1, last_reminded_at: '2026-12-02T10:00:00.000Z', completed_at: '2026-12-02T09:00:00.000Z', order_total: 40 },
	// ordered 8 days after the reminder: outside the 7-day window
	{ cart_id: 'c4', createdAt: '2026-12-01T11:00:00.000Z', reminders_sent: 1, last_reminded_at: '2026-12-01T12:00:00.000Z', completed_at: '2026-12-09T13:00:00.000Z', order_total: 55 },
	// never reminded (no consent, say), ordered anyway: not recovered
	{ cart_id: 'c5', createdAt: '2026-12-02T08:00:00.000Z', reminders_sent: 0, last_reminded_at: '', completed_at: '2026-12-02T10:00:00.000Z', order_total: 30 },
	// reminded, still open
	{ cart_id: 'c6', createdAt: '2026-12-02T08:30:00.000Z', reminders_sent: 1, last_reminded_at: '2026-12-02T09:30:00.000Z', completed_at: '', order_total: '' },
	// seen, nothing else yet (no reminder columns written at all)
	{ cart_id: 'c7', createdAt: '2026-12-02T23:30:00.000Z' },
];

describe('Recovery Report figures from cart rows', () => {
	it('counts carts seen, reminders per step, recoveries and revenue per day, exactly', () => {
		const { days, unreadable } = cartRowFigures(shop, settings());
		expect(unreadable).toEqual([]);
		expect(days).toEqual([
			{ day: '2026-12-01', cartsSeen: 4, remindedByStep: { 1: 2 }, recoveredByStep: { 1: 1 }, recoveredRevenue: 89.9 },
			// c7 was seen at 23:30 UTC, which is 00:30 on the 3rd in Berlin
			{ day: '2026-12-02', cartsSeen: 2, remindedByStep: { 1: 3, 2: 1 }, recoveredByStep: {}, recoveredRevenue: 0 },
			{ day: '2026-12-03', cartsSeen: 1, remindedByStep: {}, recoveredByStep: {}, recoveredRevenue: 0 },
			{ day: '2026-12-04', cartsSeen: 0, remindedByStep: {}, recoveredByStep: { 2: 1 }, recoveredRevenue: 120.1 },
		]);
	});

	it('counts in the calendar of the workflow time zone', () => {
		const { days } = cartRowFigures([shop[6]], settings({}, 7, 'UTC'));
		expect(days.map((d) => [d.day, d.cartsSeen])).toEqual([['2026-12-02', 1]]);
	});

	it('takes a longer attribution window into account', () => {
		const { days } = cartRowFigures([shop[3]], settings({}, 10));
		expect(days.find((d) => d.day === '2026-12-09')).toMatchObject({ recoveredByStep: { 1: 1 }, recoveredRevenue: 55 });
	});

	it('adds revenue in cents', () => {
		const rows = Array.from({ length: 100 }, (_, i) => ({ ...shop[0], cart_id: `r${i}`, order_total: 19.99 }));
		expect(cartRowFigures(rows, settings()).days[0].recoveredRevenue).toBe(1999);
	});

	it('reads other column names, and alternatives in order', () => {
		const row = { id: 'x1', first_seen: '2026-12-01T08:00:00Z', sent: 1, reminded: '2026-12-01T09:00:00Z', paid_at: '2026-12-01T10:00:00Z', amount: 12 };
		const fields = { cartId: 'id', firstSeenAt: 'first_seen', remindersSent: 'sent', lastRemindedAt: 'reminded', orderedAt: 'paid_at', orderTotal: 'amount' };
		expect(cartRowFigures([row], settings(fields)).days).toEqual([
			{ day: '2026-12-01', cartsSeen: 1, remindedByStep: { 1: 1 }, recoveredByStep: { 1: 1 }, recoveredRevenue: 12 },
		]);
		const { days } = cartRowFigures([{ cart_id: 'y', created_at: '2026-12-05T08:00:00Z', updated_at: '2026-12-06T08:00:00Z' }], settings());
		expect(days.map((d) => d.day)).toEqual(['2026-12-05']);
	});

	it('names each row it cannot count, with the reason, and counts the others', () => {
		const rows = [
			shop[0],
			{ createdAt: '2026-12-01T08:00:00Z' },
			{ cart_id: 'n1' },
			{ cart_id: 'n2', createdAt: 'yesterday-ish' },
			{ cart_id: 'n3', createdAt: '2026-12-01T08:00:00Z', reminders_sent: 'two' },
			{ cart_id: 'n4', createdAt: '2026-12-01T08:00:00Z', reminders_sent: 2 },
			{ cart_id: 'n5', createdAt: '2026-12-01T08:00:00Z', completed_at: '2026-12-01T09:00:00Z', order_total: '12,50 EUR' },
			'not a row',
		];
		const { days, unreadable } = cartRowFigures(rows, settings());
		expect(days).toEqual([{ day: '2026-12-01', cartsSeen: 1, remindedByStep: { 1: 1 }, recoveredByStep: { 1: 1 }, recoveredRevenue: 89.9 }]);
		expect(unreadable.map(({ index }) => index)).toEqual([1, 2, 3, 4, 5, 6, 7]);
		expect(unreadable.map(({ problem }) => problem)).toEqual([
			'The cart row has no cart ID (field "cart_id").',
			'Cart n1 has no time it was first seen (field "createdAt, created_at, updated_at").',
			'Cart n2\'s first-seen time "yesterday-ish" in "createdAt, created_at, updated_at" is not in a date format the node reads.',
			'Cart n3\'s reminder count "two" in "reminders_sent" is not a whole number of 0 or more.',
			'Cart n4 counts 2 reminder(s) but not when the last went out (field "last_reminded_at").',
			'Cart n5\'s order total "12,50 EUR" in "order_total" is not a number.',
			'The item is not a cart row (its JSON is not an object).',
		]);
	});

	it('refuses an attribution window of 0 and a field name that holds a value', () => {
		expect(() => settings({}, 0)).toThrow('Attribution Window (Days) must be a number of days above 0, such as 7.');
		expect(() => cartRowSettingsOf({ fields: { cartId: 'c1' }, windowDays: 7, sourceTimeZone: undefined, reportTimeZone: 'UTC' }, shop)).toThrow(/Cart Row Fields/);
	});
});
