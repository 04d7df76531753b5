import type { IDataObject } from 'n8n-workflow';

import { memoryKey, RememberedReminders, type MemoryStore } from '../../../nodes/AbandonedCartFilter/memory';
import { cartRow, DAY, HOUR, iso, MINUTE, NOW_MS } from './carts';
import { decideCarts, decisionOf, FakeDeduplicationStore, runFilter } from './fakeExecute';

const decideAt = (at: number, items: IDataObject[], staticData: IDataObject, parameters: IDataObject = {}, deduplication?: FakeDeduplicationStore) =>
	decideCarts({
		items,
		staticData,
		deduplication,
		parameters: { ...parameters, options: { evaluateAt: iso(at), ...((parameters.options as IDataObject) ?? {}) } },
	});

/** What Add to Autoresponder List hands on: the filter's item plus its own status. */
const added = (items: IDataObject[], status: string) => items.map((json) => ({ ...json, status }));

async function markSent(at: number, items: IDataObject[], staticData: IDataObject, deduplication?: FakeDeduplicationStore) {
	const [out] = await runFilter({
		items,
		staticData,
		deduplication,
		parameters: { operation: 'markSent', recordAt: iso(at) },
	});
	return out.map((item) => item.json.reminder as IDataObject);
}

describe('Mark Reminders Sent', () => {
	it('leaves a cart whose add failed due on the next run', async () => {
		const staticData: IDataObject = {};
		const row = cartRow();
		const first = await decideAt(NOW_MS, [row], staticData);
		expect(first.send).toHaveLength(1);
		const marks = await markSent(NOW_MS, added(first.send, 'failed'), staticData);
		expect(marks[0]).toMatchObject({ recorded: false, reason: 'not_on_list' });
		const next = await decideAt(NOW_MS + 15 * MINUTE, [row], staticData);
		expect(next.send.map((j) => j.id)).toEqual([row.id]);
	});

	it('does not send again a cart whose add succeeded', async () => {
		const staticData: IDataObject = {};
		const row = cartRow();
		const first = await decideAt(NOW_MS, [row], staticData);
		const marks = await markSent(NOW_MS, added(first.send, 'added'), staticData);
		expect(marks[0]).toMatchObject({ recorded: true, reason: 'recorded', cartId: row.id, step: 1 });
		const next = await decideAt(NOW_MS + 15 * MINUTE, [row], staticData);
		expect(next.send).toHaveLength(0);
		expect(decisionOf(next.skip[0]).reason).toBe('sequence_complete');
	});

	describe('a step handled without a reminder (Add skipped the shopper for a final reason)', () => {
		const threeSteps = { steps: '1h, 24h, 72h' };
		const unsubscribed = (items: IDataObject[]) => items.map((json) => ({ ...json, status: 'skipped', reason: 'unsubscribed' }));

		it('skips the cart for good with a reason of its own, later steps included, and puts no cooldown on the shopper', async () => {
			const staticData: IDataObject = {};
			const row = cartRow();
			const first = await decideAt(NOW_MS, [row], staticData, threeSteps);
			expect(first.send).toHaveLength(1);
			const marks = await markSent(NOW_MS, unsubscribed(first.send), staticData);
			expect(marks[0]).toMatchObject({ recorded: true, reminderSent: false, reason: 'handled_without_reminder' });

			// Step 2 would be due a day later: the cart is not handed to Add again, so nobody asks Constant Contact
			const later = await decideAt(NOW_MS + 2 * DAY, [row], staticData, threeSteps);
			expect(later.send).toHaveLength(0);
			expect(decisionOf(later.skip[0])).toMatchObject({ decision: 'skip', reason: 'not_reachable' });
			expect(decisionOf(later.skip[0]).message).toContain('step 1 (unsubscribed)');

			// No reminder went out, so the shopper's other cart is not held back by the per-shopper cooldown
			const other = cartRow({ email: row.email });
			const otherRun = await decideAt(NOW_MS + MINUTE, [other], staticData, threeSteps);
			expect(otherRun.send.map((json) => json.id)).toEqual([other.id]);
		});

		it('tries the shopper once more when the cart changes and its sequence restarts', async () => {
			const staticData: IDataObject = {};
			const row = cartRow();
			const restarting = { ...threeSteps, options: { restartOnUpdate: true } };
			const first = await decideAt(NOW_MS, [row], staticData, restarting);
			await markSent(NOW_MS, unsubscribed(first.send), staticData);
			const changed = { ...row, updated_at: iso(NOW_MS + HOUR) };
			const again = await decideAt(NOW_MS + 3 * HOUR, [changed], staticData, restarting);
			expect(again.send.map((json) => decisionOf(json))).toEqual([expect.objectContaining({ reason: 'step_due', step: 1, sequence: 1 })]);
		});
	});

	it.each(['created', 'updated', 'added', 're-added', 'already-on-list'])('records a shopper whose add status is %s', async (status) => {
		const staticData: IDataObject = {};
		const first = await decideAt(NOW_MS, [cartRow()], staticData);
		expect((await markSent(NOW_MS, added(first.send, status), staticData))[0].recorded).toBe(true);
	});

	it('leaves due, by default, a shopper on the list whose cart details Constant Contact did not store; records them when told to', async () => {
		const staticData: IDataObject = {};
		const first = await decideAt(NOW_MS, [cartRow()], staticData);
		const lacking = first.send.map((json) => ({ ...json, status: 'added', cartFieldsNotWritten: ['ac_recovery_url'] }));
		expect((await markSent(NOW_MS, lacking, staticData))[0]).toMatchObject({
			recorded: false,
			reason: 'cart_details_missing',
			message: expect.stringContaining('(ac_recovery_url)'),
		});
		const [out] = await runFilter({ items: lacking, staticData, parameters: { operation: 'markSent', recordAt: iso(NOW_MS), missingCartDetails: 'reached' } });
		expect(out[0].json.reminder).toMatchObject({ recorded: true, reason: 'recorded' });
	});

	it.each(['skipped', 'removed'])('does not record a shopper whose add status is %s', async (status) => {
		const staticData: IDataObject = {};
		const first = await decideAt(NOW_MS, [cartRow()], staticData);
		expect((await markSent(NOW_MS, added(first.send, status), staticData))[0]).toMatchObject({ recorded: false, reason: 'not_on_list' });
	});

	it('does not record an item that carries an error (Continue On Fail)', async () => {
		const staticData: IDataObject = {};
		const first = await decideAt(NOW_MS, [cartRow()], staticData);
		const failed = first.send.map((json) => ({ ...json, error: 'Constant Contact\'s daily limit is used up' }));
		expect((await markSent(NOW_MS, failed, staticData))[0].recorded).toBe(false);
	});

	it('takes a cart\'s own status ("open") for no add status, and records the item', async () => {
		const staticData: IDataObject = {};
		const first = await decideAt(NOW_MS, [cartRow({ status: 'open' })], staticData);
		expect((await markSent(NOW_MS, first.send, staticData))[0].reason).toBe('recorded');
	});

	it('records every item when the add node gave no status field', async () => {
		const staticData: IDataObject = {};
		const first = await decideAt(NOW_MS, [cartRow({ status: undefined })], staticData);
		expect((await markSent(NOW_MS, first.send, staticData))[0].reason).toBe('recorded');
	});

	it('records nothing for an item without the filter\'s decision', async () => {
		const marks = await markSent(NOW_MS, [{ id: 'c-1', email: 'a@example.com', status: 'added' }], {});
		expect(marks[0]).toMatchObject({ recorded: false, reason: 'missing_step' });
	});

	it('marks a repeated item as already recorded', async () => {
		const staticData: IDataObject = {};
		const first = await decideAt(NOW_MS, [cartRow()], staticData);
		await markSent(NOW_MS, added(first.send, 'added'), staticData);
		expect((await markSent(NOW_MS, added(first.send, 'added'), staticData))[0].reason).toBe('already_recorded');
	});
});

describe('Reminder sequences with n8n remembering', () => {
	it('advances a 1 h / 24 h / 72 h sequence run by run, one step per run, never twice', async () => {
		const staticData: IDataObject = {};
		const lastActivity = NOW_MS - 2 * HOUR;
		const row = cartRow({ updated_at: iso(lastActivity) });
		const parameters = { steps: '1h, 24h, 72h' };
		const sent: Array<[number, unknown]> = [];
		// a schedule every 30 minutes for four days
		for (let at = NOW_MS; at < NOW_MS + 4 * DAY; at += 30 * MINUTE) {
			const routed = await decideAt(at, [row], staticData, parameters);
			if (routed.send.length > 0) {
				sent.push([at, decisionOf(routed.send[0]).step]);
				await markSent(at, added(routed.send, 'added'), staticData);
			}
		}
		// step 1 went out an hour late (first run at NOW); each later step keeps its spacing from the previous send
		expect(sent).toEqual([
			[NOW_MS, 1],
			[NOW_MS + 23 * HOUR, 2],
			[NOW_MS + 23 * HOUR + 48 * HOUR, 3],
		]);
		const after = await decideAt(NOW_MS + 4 * DAY, [row], staticData, parameters);
		expect(decisionOf(after.skip[0]).reason).toBe('sequence_complete');
	});

	it('sends one step after an outage, not every missed step at once', async () => {
		const staticData: IDataObject = {};
		const lastActivity = NOW_MS - 2 * HOUR;
		const row = cartRow({ updated_at: iso(lastActivity) });
		const parameters = { steps: '1h, 24h, 72h' };
		const first = await decideAt(NOW_MS, [row], staticData, parameters);
		await markSent(NOW_MS, added(first.send, 'added'), staticData);
		// n8n is down for two days; steps 2 is overdue when it comes back
		const back = NOW_MS + 2 * DAY;
		const afterOutage = await decideAt(back, [row], staticData, parameters);
		expect(decisionOf(afterOutage.send[0]).step).toBe(2);
		await markSent(back, added(afterOutage.send, 'added'), staticData);
		const soonAfter = await decideAt(back + HOUR, [row], staticData, parameters);
		expect(decisionOf(soonAfter.wait[0])).toMatchObject({ reason: 'step_not_due', step: 3 });
	});

	it('restarts the sequence when the cart changes after its last reminder, if asked to', async () => {
		const staticData: IDataObject = {};
		const row = cartRow();
		const first = await decideAt(NOW_MS, [row], staticData);
		await markSent(NOW_MS, added(first.send, 'added'), staticData);
		const touched = { ...row, updated_at: iso(NOW_MS + HOUR) };
		const later = NOW_MS + 3 * HOUR;
		const without = await decideAt(later, [touched], staticData);
		expect(decisionOf(without.skip[0]).reason).toBe('sequence_complete');
		const withRestart = await decideAt(later, [touched], staticData, { options: { restartOnUpdate: true } });
		expect(decisionOf(withRestart.send[0])).toMatchObject({ step: 1, sequence: 1 });
		await markSent(later, added(withRestart.send, 'added'), staticData);
		const again = await decideAt(later + HOUR, [touched], staticData, { options: { restartOnUpdate: true } });
		expect(decisionOf(again.skip[0]).reason).toBe('sequence_complete');
	});

	it('keeps one shopper\'s second cart waiting for the cooldown across runs', async () => {
		const staticData: IDataObject = {};
		const first = cartRow({ email: 'sam@example.com' });
		const routed = await decideAt(NOW_MS, [first], staticData);
		await markSent(NOW_MS, added(routed.send, 'added'), staticData);
		const second = cartRow({ email: 'SAM@example.com', updated_at: iso(NOW_MS) });
		const later = await decideAt(NOW_MS + 2 * HOUR, [second], staticData);
		expect(decisionOf(later.wait[0])).toMatchObject({ reason: 'email_cooldown', nextCheckAt: iso(NOW_MS + DAY) });
		const afterCooldown = await decideAt(NOW_MS + DAY + MINUTE, [second], staticData);
		expect(afterCooldown.send).toHaveLength(1);
	});

	it('does not send a step another execution already recorded in n8n\'s database', async () => {
		const deduplication = new FakeDeduplicationStore();
		const row = cartRow();
		// two overlapping executions each load their own copy of the workflow's static data
		const executionA: IDataObject = {};
		const executionB: IDataObject = {};
		const a = await decideAt(NOW_MS, [row], executionA, {}, deduplication);
		await markSent(NOW_MS, added(a.send, 'added'), executionA, deduplication);
		const b = await decideAt(NOW_MS + MINUTE, [row], executionB, {}, deduplication);
		expect(b.send).toHaveLength(0);
		expect(decisionOf(b.wait[0]).reason).toBe('step_already_sent');
		// execution B learnt it: its next run moves on instead of asking the database again
		const bLater = await decideAt(NOW_MS + HOUR, [row], executionB, {}, deduplication);
		expect(decisionOf(bLater.skip[0]).reason).toBe('sequence_complete');
		// the probe left no trace: a cart nobody recorded stays unrecorded
		const other = cartRow();
		await decideAt(NOW_MS, [other], executionB, {}, deduplication);
		expect([...deduplication.recorded].some((key) => key.includes(String(other.id)))).toBe(false);
	});

	it('works without n8n\'s deduplication helpers (older n8n, unsaved workflows)', async () => {
		const staticData: IDataObject = {};
		const routed = await decideAt(NOW_MS, [cartRow()], staticData);
		const marks = await markSent(NOW_MS, added(routed.send, 'added'), staticData);
		expect(marks[0].recorded).toBe(true);
	});
});

describe('The reminder memory itself', () => {
	it('shares one memory between the Decide node and the Mark node by name, in global static data', async () => {
		const staticData: IDataObject = {};
		const routed = await decideAt(NOW_MS, [cartRow()], staticData);
		await markSent(NOW_MS, added(routed.send, 'added'), staticData);
		const store = staticData[memoryKey('abandoned-cart-reminders')] as MemoryStore;
		expect(store.current.cartCount).toBe(1);
		expect(store.current.emailCount).toBe(1);
	});

	it('keeps no email address in clear text', async () => {
		const staticData: IDataObject = {};
		const routed = await decideAt(NOW_MS, [cartRow({ email: 'private.person@example.com' })], staticData);
		await markSent(NOW_MS, added(routed.send, 'added'), staticData);
		expect(JSON.stringify(staticData)).not.toContain('private.person');
	});

	it('forgets a shopper on request, and the shopper\'s carts with them', async () => {
		const staticData: IDataObject = {};
		const rows = [cartRow({ email: 'erase.me@example.com' }), cartRow({ email: 'keep.me@example.com' })];
		const routed = await decideAt(NOW_MS, rows, staticData);
		await markSent(NOW_MS, added(routed.send, 'added'), staticData);
		const [out] = await runFilter({
			items: [{ email: 'Erase.Me@example.com' }],
			staticData,
			parameters: { operation: 'forget', forgetEmail: 'Erase.Me@example.com' },
		});
		expect(out[0].json.forgotten).toMatchObject({ email: 'erase.me@example.com', carts: 1, reason: 'forgotten' });
		const store = staticData[memoryKey('abandoned-cart-reminders')] as MemoryStore;
		expect(store.current.cartCount).toBe(1);
		const next = await decideAt(NOW_MS + MINUTE, rows, staticData);
		expect(next.send.map((j) => j.id)).toEqual([rows[0].id]);
	});

	it('drops entries one to two retention windows (give-up window plus cooldown) after they were written', () => {
		const memory = new RememberedReminders({}, 'm', { maxCarts: 1000, retentionMs: 8 * DAY });
		memory.recordSent('old', 'old@example.com', 1, 0, NOW_MS);
		memory.prune(NOW_MS + 8 * DAY);
		expect(memory.cartStateById('old')).toMatchObject({ sent: 1 });
		memory.recordSent('new', 'new@example.com', 1, 0, NOW_MS + 8 * DAY);
		memory.prune(NOW_MS + 16 * DAY);
		expect(memory.cartStateById('old')).toBeUndefined();
		expect(memory.cartStateById('new')).toMatchObject({ sent: 1 });
		expect(memory.size).toEqual({ carts: 1, emails: 1 });
	});

	it('never holds more carts than its cap, dropping the oldest first', () => {
		const memory = new RememberedReminders({}, 'm', { maxCarts: 1000 });
		for (let i = 0; i < 1500; i++) memory.recordSent(`cart-${i}`, `s${i}@example.com`, 1, 0, NOW_MS + i);
		expect(memory.size.carts).toBeLessThanOrEqual(1000);
		expect(memory.size.carts).toBeGreaterThanOrEqual(900);
		expect(memory.cartStateById('cart-0')).toBeUndefined();
		expect(memory.cartStateById('cart-1499')).toBeDefined();
	});

	it('stores cart ids that look like numbers or like "__proto__" safely', () => {
		const memory = new RememberedReminders({}, 'm', { maxCarts: 1000 });
		memory.recordSent('__proto__', null, 1, 0, NOW_MS);
		memory.recordSent('42', null, 1, 0, NOW_MS);
		expect(memory.cartStateById('__proto__')).toMatchObject({ sent: 1 });
		expect(memory.cartStateById('constructor')).toBeUndefined();
		expect(({} as IDataObject).sent).toBeUndefined();
	});

	it('decides correctly with a million remembered carts', async () => {
		const staticData: IDataObject = {};
		const memory = new RememberedReminders(staticData, 'abandoned-cart-reminders', { maxCarts: 1_000_000 });
		for (let i = 0; i < 1_000_000; i++) memory.recordSent(`old-${i}`, null, 1, 0, NOW_MS - HOUR);
		const remembered = cartRow({ id: 'old-999999' });
		const fresh = cartRow();
		const routed = await decideAt(NOW_MS, [remembered, fresh], staticData, { options: { maxRememberedCarts: 1_000_000 } });
		expect(routed.send.map((j) => j.id)).toEqual([fresh.id]);
		expect(decisionOf(routed.skip[0]).reason).toBe('sequence_complete');
	});
});

describe('Switching a workflow from "n8n Remembers" to "My Data Source Tracks It"', () => {
	const dataSource = { memoryMode: 'dataSource' };
	const markDataSource = async (at: number, items: IDataObject[], staticData: IDataObject, deduplication?: FakeDeduplicationStore) => {
		const [out] = await runFilter({ items, staticData, deduplication, parameters: { operation: 'markSent', memoryMode: 'dataSource', recordAt: iso(at) } });
		return out.map((item) => item.json.reminder as IDataObject);
	};

	it('sends nothing twice that only the old static-data memory knew', async () => {
		const staticData: IDataObject = {};
		const reminded = cartRow();
		const other = cartRow({ email: reminded.email, id: 'same-shopper-other-cart' });
		const first = await decideAt(NOW_MS, [reminded], staticData);
		await markSent(NOW_MS, added(first.send, 'added'), staticData);
		// The table never learned it (say Record Reminder was added later): only static data knows
		const after = await decideAt(NOW_MS + 15 * MINUTE, [{ ...reminded, reminders_sent: 0, last_reminded_at: null }, other], staticData, dataSource);
		expect(after.send).toHaveLength(0);
		expect(decisionOf(after.skip[0]).reason).toBe('sequence_complete');
		// The shopper's cooldown across carts, too
		expect(decisionOf(after.wait[0]).reason).toBe('email_cooldown');
	});

	it('drops the old memory once it can no longer change a decision, and never writes to it', async () => {
		const staticData: IDataObject = {};
		const first = await decideAt(NOW_MS, [cartRow()], staticData);
		await markSent(NOW_MS, added(first.send, 'added'), staticData);
		const key = memoryKey('abandoned-cart-reminders');
		const before = JSON.stringify((staticData[key] as MemoryStore).current.carts);

		const fresh = await decideAt(NOW_MS + HOUR, [cartRow()], staticData, dataSource);
		const marks = await markDataSource(NOW_MS + HOUR, added(fresh.send, 'added'), staticData);
		expect(marks[0]).toMatchObject({ recorded: true, reason: 'recorded' });
		expect(JSON.stringify((staticData[key] as MemoryStore).current.carts)).toBe(before);
		expect((staticData[key] as MemoryStore).migratingSince).toBe(NOW_MS + HOUR);

		// Retention is Give Up After (7d) + Shopper Cooldown (24h): one retention after the switch it is gone
		await decideAt(NOW_MS + HOUR + 8 * DAY - MINUTE, [cartRow()], staticData, dataSource);
		expect(staticData[key]).toBeDefined();
		await decideAt(NOW_MS + HOUR + 8 * DAY, [cartRow()], staticData, dataSource);
		expect(staticData[key]).toBeUndefined();
	});

	it('Mark Reminders Sent with "My Data Source Tracks It" writes neither static data nor n8n\'s deduplication store', async () => {
		const staticData: IDataObject = {};
		const deduplication = new FakeDeduplicationStore();
		const first = await decideAt(NOW_MS, [cartRow(), cartRow()], staticData, dataSource, deduplication);
		expect(first.send).toHaveLength(2);
		const marks = await markDataSource(NOW_MS, [...added(first.send.slice(0, 1), 'created'), ...added(first.send.slice(1), 'failed')], staticData, deduplication);
		expect(marks.map((m) => m.reason)).toEqual(['recorded', 'not_on_list']);
		expect(staticData).toEqual({});
		expect(deduplication.recorded.size).toBe(0);
	});
});

describe('Forget Shopper without a static-data memory', () => {
	it('erases nothing and creates no memory in static data', async () => {
		const staticData: IDataObject = {};
		const [out] = await runFilter({ items: [{ email: 'someone@example.com' }], staticData, parameters: { operation: 'forget' } });
		expect(out[0].json.forgotten).toMatchObject({ email: 'someone@example.com', carts: 0, reason: 'forgotten' });
		expect(staticData).toEqual({});
	});
});
