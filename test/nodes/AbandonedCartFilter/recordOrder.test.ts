/**
 * Record Order through n8n's engine: the reminders are sent as a user's workflow sends them (Decide, the list add,
 * Mark Reminders Sent), then the shop's orders come in and each is credited to the reminder that earned it, or not.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { emailKey, memoryKey } from '../../../nodes/AbandonedCartFilter/memory';
import { DAY, HOUR, iso, MINUTE, NOW_MS, shopperCart, type CartRow } from '../../support/carts';
import { added, decideAt, markSent, recordOrders, runFilter } from './filterRun';

const threeSteps = { steps: '1h, 24h, 72h' };

let orderNumber = 0;
/** An order as the shop's order webhook or table hands it over: its own id, the cart it came from, the shopper. */
function orderOf(cart: Pick<CartRow, 'id' | 'email'>, at: number, total: string, overrides: IDataObject = {}): IDataObject {
	orderNumber++;
	return { order_id: `order-${orderNumber}`, cart_id: cart.id, email: cart.email, total, currency: 'EUR', ordered_at: iso(at), ...overrides };
}

const recoveryOf = (item: INodeExecutionData) => item.json.recovery as IDataObject;
const outcome = (item: INodeExecutionData) => {
	const r = recoveryOf(item);
	return [r.cartId, r.recovered, r.reason, r.step, r.hoursSinceReminder, r.orderTotal];
};

/**
 * Five shoppers reminded at NOW (step 1) with "n8n Remembers"; shopper 2 also got step 2 a day later.
 * Returns the workflow's static data and the time of shopper 2's second reminder.
 */
async function remindedWorkflow() {
	const carts = [1, 2, 3, 4, 5].map((n) => shopperCart(n));
	const staticData: IDataObject = {};
	const first = await decideAt(NOW_MS, carts, staticData, threeSteps);
	expect(first.send).toHaveLength(5);
	await markSent(NOW_MS, added(first.send, 'added'), staticData);
	const stepTwoAt = NOW_MS + DAY + HOUR;
	const second = await decideAt(stepTwoAt, [carts[1]], staticData, threeSteps);
	expect(second.send.map((json) => (json.decision as IDataObject).step)).toEqual([2]);
	await markSent(stepTwoAt, added(second.send, 'added'), staticData);
	return { carts, staticData, stepTwoAt };
}

describe('Record Order (n8n Remembers)', () => {
	it('credits each order to the reminder that earned it, exactly, and passes the others through as not recovered', async () => {
		const { carts, staticData, stepTwoAt } = await remindedWorkflow();
		const [ana, ben, cleo, dev, eve] = carts;
		const never = shopperCart(6);
		const orders = [
			orderOf(ana, NOW_MS - 30 * MINUTE, '49.90'), // paid before the first reminder went out
			orderOf(ben, stepTwoAt + 5 * HOUR, '120.00'), // 5 h after step 2
			orderOf(cleo, NOW_MS + 7 * DAY + HOUR, '15.00'), // an hour past the 7-day window
			// the shop made a new cart at checkout: the order matches the shopper's reminded cart by email
			orderOf({ id: 'checkout-77', email: dev.email.toUpperCase() }, NOW_MS + 3 * HOUR, '60.00'),
			orderOf(eve, NOW_MS + 7 * DAY, '33.30'), // exactly at the end of the window: still counted
			orderOf(never, NOW_MS + HOUR, '10.00'), // never reminded
		];
		const out = await recordOrders(orders, staticData);
		expect(out.map(outcome)).toEqual([
			[ana.id, false, 'ordered_before_reminder', 1, -0.5, 49.9],
			[ben.id, true, 'recovered', 2, 5, 120],
			[cleo.id, false, 'outside_window', 1, 169, 15],
			[dev.id, true, 'recovered', 1, 3, 60],
			[eve.id, true, 'recovered', 1, 168, 33.3],
			[never.id, false, 'no_reminder', null, null, 10],
		]);
		expect(out.map((item) => item.pairedItem)).toEqual(orders.map((_, i) => ({ item: i })));
		// Every order keeps its own fields for the rest of the workflow
		expect(out[1].json).toMatchObject({ order_id: orders[1].order_id, currency: 'EUR' });
		expect(recoveryOf(out[1])).toMatchObject({
			message: 'Recovered: the order came 5 hour(s) after reminder step 2, within the attribution window of 7 day(s).',
			orderedAt: orders[1].ordered_at,
			recoveredAt: orders[1].ordered_at,
		});
		expect(recoveryOf(out[0]).message).toBe('Not recovered: the order came 0.5 hour(s) before reminder step 1 went out.');
		expect(recoveryOf(out[5]).recoveredAt).toBeNull();
		const revenue = out.filter((item) => recoveryOf(item).recovered).reduce((sum, item) => sum + (recoveryOf(item).orderTotal as number), 0);
		expect(revenue).toBeCloseTo(213.3, 10);
	});

	it('counts an order recorded twice for one cart once: in the same run and in a later execution', async () => {
		const { carts, staticData, stepTwoAt } = await remindedWorkflow();
		const ben = carts[1];
		const order = orderOf(ben, stepTwoAt + 5 * HOUR, '120.00');
		const second = orderOf(ben, stepTwoAt + 6 * HOUR, '80.00');
		const first = await recordOrders([order, second], staticData);
		expect(first.map(outcome)).toEqual([
			[ben.id, true, 'recovered', 2, 5, 120],
			[ben.id, false, 'already_recovered', 2, 6, 80],
		]);
		expect(recoveryOf(first[1]).message).toBe(`Not counted again: an earlier order of cart ${ben.id} was already counted as recovered for reminder step 2.`);
		// The shop's webhook delivers the first order again in another execution
		const again = await recordOrders([order], staticData);
		expect(again.map(outcome)).toEqual([[ben.id, false, 'already_recovered', 2, 5, 120]]);
	});

	it('credits the earlier of two orders of one cart, whatever order they arrive in', async () => {
		const { carts, staticData } = await remindedWorkflow();
		const cleo = carts[2];
		const later = orderOf(cleo, NOW_MS + 10 * HOUR, '20.00');
		const earlier = orderOf(cleo, NOW_MS + 2 * HOUR, '70.00');
		const out = await recordOrders([later, earlier], staticData);
		expect(out.map(outcome)).toEqual([
			[cleo.id, false, 'already_recovered', 1, 10, 20],
			[cleo.id, true, 'recovered', 1, 2, 70],
		]);
	});

	it('takes the attribution window from its parameter', async () => {
		const { carts, staticData } = await remindedWorkflow();
		const out = await recordOrders([orderOf(carts[0], NOW_MS + 3 * DAY, '10.00')], staticData, { attributionWindowDays: 2 });
		expect(recoveryOf(out[0])).toMatchObject({ recovered: false, reason: 'outside_window', hoursSinceReminder: 72 });
		expect(recoveryOf(out[0]).message).toContain('attribution window of 2 day(s)');
	});

	it('reads the memory under another Memory Name only when told to', async () => {
		const { carts, staticData } = await remindedWorkflow();
		const order = orderOf(carts[0], NOW_MS + HOUR, '10.00');
		expect(recoveryOf((await recordOrders([order], staticData, { memoryName: 'other-flow' }))[0]).reason).toBe('no_reminder');
		expect(staticData[memoryKey('other-flow')]).toBeUndefined();
		expect(recoveryOf((await recordOrders([order], staticData))[0]).reason).toBe('recovered');
	});

	it('keeps no email address in clear text, and Forget Shopper erases the recovered cart too', async () => {
		const { carts, staticData } = await remindedWorkflow();
		const dev = carts[3];
		await recordOrders([orderOf({ id: 'checkout-9', email: dev.email }, NOW_MS + HOUR, '60.00')], staticData);
		expect(JSON.stringify(staticData)).not.toContain(dev.email);
		expect(JSON.stringify(staticData)).toContain(`r:${dev.id}`);
		await runFilter({ items: [{ email: dev.email }], staticData, parameters: { operation: 'forget' } });
		expect(JSON.stringify(staticData)).not.toContain(`r:${dev.id}`);
	});

	it('reads a memory stored before Record Order existed, and Decide still reads it afterwards', async () => {
		const email = 'old.shopper@example.com';
		const sentAt = NOW_MS - HOUR;
		const stamp = sentAt.toString(36);
		const generation = (startedAt: number, carts: Record<string, string>, emails: Record<string, string>) => ({
			startedAt,
			carts,
			emails,
			cartCount: Object.keys(carts).length,
			emailCount: Object.keys(emails).length,
		});
		// The stored shape of version 2 as Mark Reminders Sent wrote it before: no recovered carts in it
		const staticData: IDataObject = {
			[memoryKey('abandoned-cart-reminders')]: {
				version: 2,
				retentionMs: 8 * DAY,
				current: generation(sentAt, { 'c:cart-old': `1|${stamp}|0|${emailKey(email)}` }, { [`e:${emailKey(email)}`]: `${stamp}|cart-old` }),
				previous: generation(0, {}, {}),
			},
		};
		const order = orderOf({ id: 'cart-old', email }, NOW_MS + 2 * HOUR, '42.00');
		expect((await recordOrders([order], staticData)).map(outcome)).toEqual([['cart-old', true, 'recovered', 1, 3, 42]]);
		expect((await recordOrders([order], staticData)).map(outcome)).toEqual([['cart-old', false, 'already_recovered', 1, 3, 42]]);
		const cart = shopperCart(7, { id: 'cart-old', email, updated_at: iso(NOW_MS - 3 * HOUR) });
		const decided = await decideAt(NOW_MS + 3 * HOUR, [cart], staticData);
		expect((decided.skip[0].decision as IDataObject).reason).toBe('sequence_complete');
	});
});

describe('Record Order (My Data Source Tracks It)', () => {
	const dataSource = { memoryMode: 'dataSource' };
	/** The order joined with its cart row, as the workflow's SQL selects it. */
	const joined = (cart: CartRow, at: number, total: string, columns: IDataObject) => orderOf(cart, at, total, columns);

	it('credits each order from its cart row\'s reminder columns, and counts a cart once', async () => {
		const [ana, ben, cleo, dev] = [1, 2, 3, 4].map((n) => shopperCart(n));
		const reminded = { last_reminded_at: iso(NOW_MS), reminders_sent: 2, recovered_at: null };
		const orders = [
			joined(ana, NOW_MS + 4 * HOUR, '30.00', reminded),
			joined(ana, NOW_MS + 5 * HOUR, '12.00', reminded),
			joined(ben, NOW_MS + 4 * HOUR, '30.00', { ...reminded, recovered_at: iso(NOW_MS + HOUR) }),
			joined(cleo, NOW_MS + 4 * HOUR, '30.00', { last_reminded_at: null, reminders_sent: 0 }),
			joined(dev, NOW_MS - HOUR, '30.00', reminded),
		];
		const out = await recordOrders(orders, {}, dataSource);
		expect(out.map(outcome)).toEqual([
			[ana.id, true, 'recovered', 2, 4, 30],
			[ana.id, false, 'already_recovered', 2, 5, 12],
			[ben.id, false, 'already_recovered', 2, 4, 30],
			[cleo.id, false, 'no_reminder', null, null, 30],
			[dev.id, false, 'ordered_before_reminder', 2, -1, 30],
		]);
		expect(recoveryOf(out[0]).recoveredAt).toBe(orders[0].ordered_at);
	});

	it('reads order fields at the paths given, with the same rules as the filter\'s Field Names', async () => {
		const cart = shopperCart(1);
		const order = { cart: { id: cart.id }, customer: { email: cart.email }, amount: 99, placed: iso(NOW_MS + HOUR), reminder: { at: iso(NOW_MS), n: 1 } };
		const out = await recordOrders([order], {}, {
			...dataSource,
			orderFields: { cartId: 'cart.id', email: 'customer.email', total: 'amount', orderedAt: 'placed', lastRemindedAt: 'reminder.at', remindersSent: 'reminder.n' },
		});
		expect(out.map(outcome)).toEqual([[cart.id, true, 'recovered', 1, 1, 99]]);
		await expect(recordOrders([order], {}, { orderFields: { orderedAt: `${order.placed}` } })).rejects.toThrow(
			`Order Fields → Ordered At holds "${order.placed}", which is the value of the input field "placed", not a field name.`,
		);
	});

	it('refuses an order without a cart id, which the join needs, with a sentence', async () => {
		const cart = shopperCart(1);
		await expect(recordOrders([orderOf(cart, NOW_MS, '1.00', { cart_id: null, last_reminded_at: iso(NOW_MS) })], {}, dataSource)).rejects.toThrow(
			'With "My Data Source Tracks It" each order must carry its cart id (field "cart_id")',
		);
	});
});

describe('Record Order on bad input', () => {
	const cart = shopperCart(1);
	const bad: Array<[string, IDataObject, string]> = [
		['no cart id and no email', { order_id: 'o-1', total: '5.00', ordered_at: iso(NOW_MS) }, 'The order has neither a cart id (field "cart_id") nor an email (field "email")'],
		['an order time it cannot read', orderOf(cart, NOW_MS, '5.00', { ordered_at: 'yesterday' }), 'The order time "yesterday" in "ordered_at, created_at" is not in a date format the node reads.'],
		['no order time', orderOf(cart, NOW_MS, '5.00', { ordered_at: null }), 'The order has no time (field "ordered_at, created_at")'],
		['a total it cannot read', orderOf(cart, NOW_MS, '12,50'), 'The order total "12,50" in "total" is not a number.'],
	];

	it.each(bad)('stops at an order with %s, naming the item', async (_, order, sentence) => {
		const good = orderOf(cart, NOW_MS, '5.00');
		const failure = await recordOrders([good, order], {}).then(
			() => undefined,
			(error: Error & { context?: IDataObject }) => error,
		);
		expect(failure).toMatchObject({ name: 'NodeOperationError', context: { itemIndex: 1 } });
		expect(failure?.message).toContain(sentence);
	});

	it('with Continue On Fail, passes the bad order on with its error and attributes the others', async () => {
		const { carts, staticData } = await remindedWorkflow();
		const orders = [bad[0][1], orderOf(carts[0], NOW_MS + HOUR, '5.00'), bad[3][1]];
		const [out] = await runFilter({ items: orders, staticData, continueOnFail: true, parameters: { operation: 'recordOrder' } });
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[0].json.error).toContain('neither a cart id');
		expect(out[0].json.recovery).toBeUndefined();
		expect(recoveryOf(out[1])).toMatchObject({ recovered: true, reason: 'recovered' });
		expect(out[2].json.error).toContain('"12,50"');
	});

	it('with On Error: Continue (using error output), sends the bad order to the error output', async () => {
		const { carts, staticData } = await remindedWorkflow();
		const orders = [orderOf(carts[0], NOW_MS + HOUR, '5.00'), bad[1][1]];
		const [ok, failed] = await runFilter({ items: orders, staticData, onError: 'continueErrorOutput', parameters: { operation: 'recordOrder' } });
		expect(ok.map((item) => recoveryOf(item).reason)).toEqual(['recovered']);
		expect(failed).toHaveLength(1);
		// n8n shapes the error output's item itself: the sentence, and the input item it belongs to
		expect(failed[0].json.error).toContain('The order time "yesterday" in "ordered_at, created_at"');
		expect(failed[0].pairedItem).toEqual({ item: 1 });
	});

	it('stops before any order with a window that is not a number of days', async () => {
		await expect(recordOrders([orderOf(cart, NOW_MS, '5.00')], {}, { attributionWindowDays: 0 })).rejects.toThrow(
			'Attribution Window (Days) must be a number of days above 0',
		);
	});
});
