/**
 * The rules for one cart, on the pure decide(): the row is read and the parameters become a policy as the node does
 * it (readCart.ts, settings.ts), then decide() rules with nothing remembered yet or with the row's own reminder
 * columns ("My Data Source Tracks It"). What needs a run of several carts or memory across runs: decideCarts.test.ts.
 */
import type { IDataObject } from 'n8n-workflow';

import { decide, unreadableDecision, type Decision, type MemoryView } from '../../../nodes/AbandonedCartFilter/decide';
import { dataSourceMemory } from '../../../nodes/AbandonedCartFilter/memory';
import { isCart, readCart } from '../../../nodes/AbandonedCartFilter/readCart';
import { REASONS } from '../../../nodes/AbandonedCartFilter/reasons';
import {
	decideSettingsOf,
	DEFAULT_ABANDONED_AFTER_MINUTES,
	DEFAULT_CONSENT_MODE,
	DEFAULT_GIVE_UP_AFTER,
	DEFAULT_MEMORY_MODE,
	DEFAULT_MEMORY_NAME,
	DEFAULT_REMINDER_STEPS,
	type FieldNames,
} from '../../../nodes/AbandonedCartFilter/settings';
import { cartRow, DAY, HOUR, iso, MINUTE, NOW, NOW_MS } from '../../support/carts';

/** "n8n Remembers" before any reminder was recorded. */
const NOTHING_REMEMBERED: MemoryView = { cartState: () => undefined, emailState: () => undefined };

/** The decision the Decide operation gives one row with these parameters (Evaluate At defaults to NOW). */
function decideOne(row: IDataObject, parameters: IDataObject = {}): Decision {
	const settings = decideSettingsOf(
		{
			fields: (parameters.fields ?? {}) as FieldNames,
			steps: String(parameters.steps ?? DEFAULT_REMINDER_STEPS),
			inactivityMinutes: parameters.inactivityMinutes ?? DEFAULT_ABANDONED_AFTER_MINUTES,
			giveUpAfter: String(parameters.giveUpAfter ?? DEFAULT_GIVE_UP_AFTER),
			consentMode: parameters.consentMode ?? DEFAULT_CONSENT_MODE,
			options: { evaluateAt: NOW, ...((parameters.options as IDataObject) ?? {}) },
			memoryMode: parameters.memoryMode ?? DEFAULT_MEMORY_MODE,
			memoryName: DEFAULT_MEMORY_NAME,
		},
		[row],
	);
	const cart = readCart(row, settings.paths, settings.sourceZone);
	if (!isCart(cart)) return unreadableDecision(cart.reason, cart.facts, settings.policy);
	const memory = settings.memoryMode === 'dataSource' ? dataSourceMemory([cart]) : NOTHING_REMEMBERED;
	return decide(cart, settings.policy, settings.now, memory);
}

describe('Abandoned Cart Filter rules, one cart at a time', () => {
	const table: Array<[string, IDataObject, IDataObject, string, string]> = [
		['an opted-in cart idle for two hours gets its first reminder', {}, {}, 'send', 'step_due'],
		['a cart active ten minutes ago is not abandoned yet', { updated_at: iso(NOW_MS - 10 * MINUTE) }, {}, 'wait', 'not_abandoned_yet'],
		['a cart idle 30 minutes waits for the 1 h step when inactivity is 20 minutes', { updated_at: iso(NOW_MS - 30 * MINUTE) }, { inactivityMinutes: 20 }, 'wait', 'step_not_due'],
		['a cart with a completion time is never reminded', { completed_at: iso(NOW_MS - HOUR) }, {}, 'skip', 'purchase_completed'],
		['a cart with an order id is never reminded', { order_id: 'ORD-1001' }, {}, 'skip', 'order_placed'],
		['a paid status is a purchase', { status: 'paid' }, {}, 'skip', 'purchase_status'],
		['a completed status is a purchase', { status: 'Completed' }, {}, 'skip', 'purchase_status'],
		['a pending order is not a purchase', { status: 'pending' }, {}, 'send', 'step_due'],
		['a failed order is not a purchase', { status: 'failed' }, {}, 'send', 'step_due'],
		['a shopper without consent is skipped in opted-in mode', { marketing_consent: false }, {}, 'skip', 'no_consent'],
		['a shopper without consent is reminded in everyone mode', { marketing_consent: false }, { consentMode: 'everyone' }, 'send', 'step_due'],
		['a shopper who unsubscribed is skipped even in everyone mode', { marketing_consent: 'unsubscribed' }, { consentMode: 'everyone' }, 'skip', 'opted_out'],
		['an empty cart is skipped', { items: [] }, {}, 'skip', 'no_items'],
		['an item count of zero is an empty cart', { items: undefined, item_count: 0 }, {}, 'skip', 'no_items'],
		['a cart without any items field is skipped while items are required', { items: undefined, item_count: undefined }, {}, 'skip', 'missing_items'],
		['a cart without any items field is reminded when items are not required', { items: undefined, item_count: undefined }, { options: { requireItems: false } }, 'send', 'step_due'],
		['a cart below the minimum value is skipped', { total: '19.99' }, { options: { minCartValue: 20 } }, 'skip', 'below_minimum_value'],
		['a cart without a total is skipped when a minimum is set', { total: undefined }, { options: { minCartValue: 20 } }, 'skip', 'missing_total'],
		['a cart idle for longer than the give-up window is skipped', { updated_at: iso(NOW_MS - 8 * DAY) }, {}, 'skip', 'gave_up'],
		['a cart with no email is skipped', { email: '' }, {}, 'skip', 'missing_email'],
		['an email without a domain is skipped', { email: 'ada@' }, {}, 'skip', 'invalid_email'],
		['an email with spaces is skipped', { email: 'ada lovelace@example.com' }, {}, 'skip', 'invalid_email'],
		['an email over 80 characters is skipped', { email: `${'a'.repeat(75)}@example.com` }, {}, 'skip', 'email_too_long'],
		['a cart without an id is skipped', { id: undefined }, {}, 'skip', 'missing_cart_id'],
		['an object as cart id is skipped', { id: { nested: 1 } }, {}, 'skip', 'invalid_cart_id'],
		['an unparseable last-activity time is skipped', { updated_at: 'yesterday-ish' }, {}, 'skip', 'invalid_timestamp'],
		['a cart with no activity time at all is skipped', { updated_at: null, created_at: null }, {}, 'skip', 'missing_activity_time'],
		['a last-activity time in the next year is skipped', { updated_at: '2027-03-10T12:00:00Z' }, {}, 'skip', 'future_timestamp'],
		['a negative total is skipped', { total: -5 }, {}, 'skip', 'invalid_total'],
		['a non-numeric total is skipped', { total: 'fifty' }, {}, 'skip', 'invalid_total'],
		['an unknown time zone is skipped', { timezone: 'Mars/Olympus_Mons' }, {}, 'skip', 'unknown_time_zone'],
		['an items value that is neither list nor count is skipped', { items: 'three mugs' }, {}, 'skip', 'invalid_items'],
		['a non-numeric reminder count is skipped', { reminders_sent: 'twice' }, { memoryMode: 'dataSource' }, 'skip', 'invalid_reminder_count'],
		['a data-source cart that had every step is complete', { reminders_sent: 1, last_reminded_at: iso(NOW_MS - HOUR) }, { memoryMode: 'dataSource' }, 'skip', 'sequence_complete'],
		['a data-source cart with one of three steps sent waits for step 2', { reminders_sent: 1, last_reminded_at: iso(NOW_MS - HOUR) }, { memoryMode: 'dataSource', steps: '1h, 24h, 72h' }, 'wait', 'step_not_due'],
		['a due cart in quiet hours waits (23:00 in Berlin)', { updated_at: iso(NOW_MS - 2 * HOUR) }, { options: { evaluateAt: '2026-03-10T22:00:00Z', quietHoursStart: '21:00', quietHoursEnd: '08:00' } }, 'wait', 'quiet_hours'],
	];

	it.each(table)('%s', async (_name, overrides, parameters, decision, reason) => {
		const row = cartRow(overrides);
		const result = await decideOne(row, parameters);
		expect({ decision: result.decision, reason: result.reason }).toEqual({ decision, reason });
		expect(result.message).toEqual(expect.any(String));
	});

	it('covers every reason code that one cart alone can produce', () => {
		const batchOnly = ['same_shopper_in_batch', 'step_already_sent', 'email_cooldown', 'duplicate_cart', 'not_an_object', 'internal_error'];
		// Needs a step recorded as handled without a reminder first: memory.test.ts
		const afterMarkOnly = ['not_reachable'];
		const covered = new Set([...table.map((row) => row[4]), ...batchOnly, ...afterMarkOnly]);
		expect(Object.keys(REASONS).filter((code) => !covered.has(code))).toEqual([]);
	});

	it('says which step is due and when the cart was abandoned', async () => {
		const result = await decideOne(cartRow({ updated_at: iso(NOW_MS - 25 * HOUR) }), { steps: '1h, 24h, 72h' });
		expect(result).toMatchObject({
			decision: 'send',
			step: 1,
			stepCount: 3,
			dueAt: iso(NOW_MS - 24 * HOUR),
			abandonedAt: iso(NOW_MS - 24 * HOUR),
			cartAgeMinutes: 25 * 60,
		});
	});

	it('skips a cart purchased one second before the evaluation time', async () => {
		const result = await decideOne(cartRow({ completed_at: iso(NOW_MS - 1000) }));
		expect(result.reason).toBe('purchase_completed');
	});

	it('still reminds a cart whose completion lies after the evaluation time (dry run on history)', async () => {
		const result = await decideOne(cartRow({ completed_at: iso(NOW_MS + 1000) }));
		expect(result.decision).toBe('send');
	});

	it('gives a waiting cart the time it becomes due', async () => {
		const result = await decideOne(cartRow({ updated_at: iso(NOW_MS - 10 * MINUTE) }));
		expect(result.nextCheckAt).toBe(iso(NOW_MS + 50 * MINUTE));
	});

	it('holds a due cart through quiet hours across midnight until 08:00 in the shopper\'s zone', async () => {
		const result = await decideOne(cartRow({ timezone: 'America/New_York' }), {
			options: { evaluateAt: '2026-03-11T03:30:00Z', quietHoursStart: '21:00', quietHoursEnd: '08:00' },
		});
		// 23:30 EDT on 10 March -> quiet until 08:00 EDT on 11 March = 12:00 UTC
		expect(result).toMatchObject({ decision: 'wait', reason: 'quiet_hours', nextCheckAt: '2026-03-11T12:00:00.000Z' });
	});

	it('uses the default time zone for quiet hours when the cart has none', async () => {
		const row = cartRow({ timezone: null, updated_at: '2026-03-10T01:00:00Z' });
		const parameters = { options: { evaluateAt: '2026-03-10T06:00:00Z', quietHoursStart: '22:00', quietHoursEnd: '07:00' } };
		expect((await decideOne(row, parameters)).reason).toBe('quiet_hours');
		const tokyo = { options: { ...parameters.options, defaultTimeZone: 'Asia/Tokyo' } };
		expect((await decideOne(row, tokyo)).reason).toBe('step_due');
	});

	it('reads offset-less timestamps in the configured source time zone', async () => {
		// 11:30 in New York is 15:30 UTC on 10 March 2026 (EDT): at 16:00 UTC it has been idle 30 minutes only
		const row = cartRow({ updated_at: '2026-03-10 11:30:00', created_at: '2026-03-10 11:00:00' });
		const inNewYork = { options: { evaluateAt: '2026-03-10T16:00:00Z', sourceTimeZone: 'America/New_York' } };
		expect((await decideOne(row, inNewYork)).reason).toBe('not_abandoned_yet');
		const inUtc = { options: { evaluateAt: '2026-03-10T16:00:00Z' } };
		expect((await decideOne(row, inUtc)).reason).toBe('step_due');
	});

	it('reads epoch seconds and epoch milliseconds as the same instant', async () => {
		const seconds = await decideOne(cartRow({ updated_at: Math.floor((NOW_MS - 2 * HOUR) / 1000) }));
		const millis = await decideOne(cartRow({ updated_at: NOW_MS - 2 * HOUR }));
		expect(seconds.abandonedAt).toBe(millis.abandonedAt);
		expect(seconds.abandonedAt).toBe(iso(NOW_MS - HOUR));
	});
});

describe('Abandoned Cart Filter rules across carts and runs', () => {
	it('gives up after a two-day outage when the give-up window is one day, and not before', async () => {
		const row = cartRow({ updated_at: iso(NOW_MS - 50 * HOUR) });
		expect((await decideOne(row, { giveUpAfter: '1d' })).reason).toBe('gave_up');
		expect((await decideOne(row, { giveUpAfter: '3d' })).reason).toBe('step_due');
	});

	it('skips a step that would only fall due after the give-up window', async () => {
		const result = await decideOne(cartRow({ updated_at: iso(NOW_MS - 2 * HOUR) }), {
			steps: '1h, 72h',
			giveUpAfter: '2d',
			memoryMode: 'dataSource',
		});
		expect(result.decision).toBe('send');
		const second = await decideOne(
			cartRow({ updated_at: iso(NOW_MS - 2 * HOUR), reminders_sent: 1, last_reminded_at: iso(NOW_MS - HOUR) }),
			{ steps: '1h, 72h', giveUpAfter: '2d', memoryMode: 'dataSource' },
		);
		expect(second.reason).toBe('gave_up');
	});
});

describe('Reminder timing across daylight-saving changes', () => {
	const table: Array<[string, string, string, string, string]> = [
		['New York spring-forward: 61 real minutes after 01:30 EST is due although the clock shows 03:31', 'America/New_York', '2026-03-08 01:30:00', '2026-03-08T07:31:00Z', 'step_due'],
		['New York spring-forward: 59 real minutes is not yet abandoned', 'America/New_York', '2026-03-08 01:30:00', '2026-03-08T07:29:00Z', 'not_abandoned_yet'],
		['New York fall-back: 59 real minutes after 00:30 EDT is not yet abandoned (clock shows 01:29 EDT)', 'America/New_York', '2026-11-01 00:30:00', '2026-11-01T05:29:00Z', 'not_abandoned_yet'],
		['New York fall-back: due 61 real minutes later, while the clock shows 01:31 for the first time', 'America/New_York', '2026-11-01 00:30:00', '2026-11-01T05:31:00Z', 'step_due'],
		['Berlin spring-forward: 61 real minutes after 01:30 CET is due (clock shows 03:31 CEST)', 'Europe/Berlin', '2026-03-29 01:30:00', '2026-03-29T01:31:00Z', 'step_due'],
		['Berlin spring-forward: 59 real minutes is not yet abandoned', 'Europe/Berlin', '2026-03-29 01:30:00', '2026-03-29T01:29:00Z', 'not_abandoned_yet'],
	];

	it.each(table)('%s', async (_name, zone, updatedAt, evaluateAt, reason) => {
		const decision = await decideOne(cartRow({ updated_at: updatedAt, created_at: updatedAt, timezone: zone }), {
			options: { evaluateAt, sourceTimeZone: zone },
		});
		expect(decision.reason).toBe(reason);
	});
});
