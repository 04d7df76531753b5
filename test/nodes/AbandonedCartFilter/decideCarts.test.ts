/** Decide through n8n's engine: what needs more than one cart, a run's settings, or memory across runs. */
import type { IDataObject } from 'n8n-workflow';

import { memoryKey, RememberedReminders, type MemoryStore } from '../../../nodes/AbandonedCartFilter/memory';
import { deduplicator } from '../../harness/engine';
import { cartRow, DAY, HOUR, iso, MINUTE, NOW, NOW_MS } from '../../support/carts';
import { added, decideAt, decideCarts, decisionOf, DeduplicationTable, markDataSource, markSent } from './filterRun';

afterEach(() => jest.restoreAllMocks());

describe('Abandoned Cart Filter rules, one cart at a time', () => {
	it('fails the run with a clear message when reminder steps are unreadable', async () => {
		await expect(decideCarts({ items: [cartRow()], parameters: { steps: '1h, soon' } })).rejects.toThrow(/not a duration/);
	});

	it('refuses a field path that would reach the prototype chain', async () => {
		await expect(
			decideCarts({ items: [cartRow()], parameters: { fields: { total: '__proto__.total' } } }),
		).rejects.toThrow(/not a field name/);
	});

	it('fails the run when Abandoned After is under a minute, as the editor\'s minimum says', async () => {
		await expect(decideCarts({ items: [cartRow()], parameters: { inactivityMinutes: 0 } })).rejects.toThrow('Abandoned After must be 1 minute or more.');
	});
});

describe('Abandoned Cart Filter rules across carts and runs', () => {
	it('sends one reminder when two carts of one email are due in the same run', async () => {
		const older = cartRow({ email: 'Twin@Example.com', updated_at: iso(NOW_MS - 3 * HOUR) });
		const newer = cartRow({ email: 'twin@example.com', updated_at: iso(NOW_MS - 2 * HOUR) });
		const routed = await decideCarts({ items: [older, newer], parameters: { options: { evaluateAt: NOW } } });
		expect(routed.send.map((j) => j.id)).toEqual([newer.id]);
		expect(decisionOf(routed.wait[0])).toMatchObject({ reason: 'same_shopper_in_batch', nextCheckAt: iso(NOW_MS + DAY) });
	});

	it('holds the second cart of a shopper reminded within the cooldown (data source memory)', async () => {
		const reminded = cartRow({ email: 'pat@example.com', reminders_sent: 1, last_reminded_at: iso(NOW_MS - 3 * HOUR) });
		const fresh = cartRow({ email: 'pat@example.com' });
		const routed = await decideCarts({
			items: [reminded, fresh],
			parameters: { memoryMode: 'dataSource', options: { evaluateAt: NOW } },
		});
		expect(decisionOf(routed.wait[0])).toMatchObject({
			reason: 'email_cooldown',
			nextCheckAt: iso(NOW_MS - 3 * HOUR + DAY),
		});
		expect(routed.skip.map((j) => j.id)).toEqual([reminded.id]);
	});

	it('routes duplicate cart ids: the first row decides, the second is skipped', async () => {
		const row = cartRow();
		const routed = await decideCarts({ items: [row, { ...row }], parameters: { options: { evaluateAt: NOW } } });
		expect(routed.send).toHaveLength(1);
		expect(decisionOf(routed.skip[0]).reason).toBe('duplicate_cart');
	});

	it('keeps every item paired with its input', async () => {
		const rows = [cartRow(), cartRow({ email: '' }), cartRow({ updated_at: iso(NOW_MS) })];
		const routed = await decideCarts({ items: rows, parameters: { options: { evaluateAt: NOW } } });
		const paired = routed.all.flat().map((item) => [item.pairedItem, item.json.id]);
		expect(paired).toEqual(
			expect.arrayContaining(rows.map((row, i) => [{ item: i }, row.id])),
		);
		expect(paired).toHaveLength(3);
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
		const deduplication = new DeduplicationTable();
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
		// n8n's engine always offers the helpers; in an unsaved workflow they fail, which is what the node meets here
		const unavailable = () => Promise.reject(new Error('This workflow has not been saved'));
		jest.spyOn(deduplicator, 'checkProcessedAndRecord').mockImplementation(unavailable);
		jest.spyOn(deduplicator, 'removeProcessed').mockImplementation(unavailable);
		const staticData: IDataObject = {};
		const routed = await decideAt(NOW_MS, [cartRow()], staticData);
		const marks = await markSent(NOW_MS, added(routed.send, 'added'), staticData);
		expect(marks[0].recorded).toBe(true);
	});
});

describe('The reminder memory itself', () => {
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
});
