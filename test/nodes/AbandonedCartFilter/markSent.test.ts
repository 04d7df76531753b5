/** Mark Reminders Sent through n8n's engine, after Decide and the list add (played by the items the add hands on). */
import type { IDataObject } from 'n8n-workflow';

import { memoryKey, type MemoryStore } from '../../../nodes/AbandonedCartFilter/memory';
import { cartRow, DAY, HOUR, iso, MINUTE, NOW_MS } from '../../support/carts';
import { added, decideAt, decisionOf, DeduplicationTable, markDataSource, markSent, runFilter } from './filterRun';

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

	it.each(['created', 'added', 're-added', 'already-on-list'])('records a shopper whose add status is %s', async (status) => {
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
});

describe('Switching a workflow from "n8n Remembers" to "My Data Source Tracks It"', () => {
	const dataSource = { memoryMode: 'dataSource' };

	it('Mark Reminders Sent with "My Data Source Tracks It" writes neither static data nor n8n\'s deduplication store', async () => {
		const staticData: IDataObject = {};
		const deduplication = new DeduplicationTable();
		const first = await decideAt(NOW_MS, [cartRow(), cartRow()], staticData, dataSource, deduplication);
		expect(first.send).toHaveLength(2);
		const marks = await markDataSource(NOW_MS, [...added(first.send.slice(0, 1), 'created'), ...added(first.send.slice(1), 'failed')], staticData, deduplication);
		expect(marks.map((m) => m.reason)).toEqual(['recorded', 'not_on_list']);
		expect(staticData).toEqual({});
		expect(deduplication.recorded.size).toBe(0);
	});
});
