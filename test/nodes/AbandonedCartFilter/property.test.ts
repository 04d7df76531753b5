import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { REASONS } from '../../../nodes/AbandonedCartFilter/reasons';
import { DAY, HOUR, NOW, NOW_MS } from '../../support/carts';
import { runFilter } from './filterRun';

const timestamp = fc.oneof(
	fc.integer({ min: NOW_MS - 10 * DAY, max: NOW_MS + 2 * DAY }).map((ms) => new Date(ms).toISOString()),
	fc.integer({ min: NOW_MS - 10 * DAY, max: NOW_MS }).map((ms) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19)),
	fc.integer({ min: NOW_MS - 10 * DAY, max: NOW_MS }).map((ms) => Math.floor(ms / 1000)),
	fc.integer({ min: NOW_MS - 10 * DAY, max: NOW_MS }),
	fc.constantFrom('', null, 'soon', '2026-02-30 10:00:00', '0000-00-00 00:00:00', 'Tue, 10 Mar 2026 10:00:00 +0000', -1, 1e20),
	fc.anything(),
);

const email = fc.oneof(
	fc.emailAddress(),
	fc.constantFrom('same@example.com', 'SAME@example.com', '', '  ', 'no-domain@', 'a b@example.com', 'josé@exämple.de'),
	fc.string(),
	fc.anything(),
);

const cart = fc.record(
	{
		id: fc.oneof(fc.integer({ min: 1, max: 400 }), fc.constantFrom('__proto__', 'constructor', '', 'x'.repeat(300)), fc.string(), fc.anything()),
		email,
		updated_at: timestamp,
		created_at: timestamp,
		completed_at: fc.oneof(fc.constant(null), timestamp),
		order_id: fc.oneof(fc.constant(null), fc.constantFrom(0, '', 'ORD-1'), fc.anything()),
		status: fc.oneof(fc.constantFrom('open', 'pending', 'failed', 'paid', 'completed', 'PAID'), fc.anything()),
		total: fc.oneof(fc.double(), fc.constantFrom('59.90', 'NaN', '-1', 'fifty'), fc.anything()),
		items: fc.oneof(fc.array(fc.object(), { maxLength: 3 }), fc.integer({ min: -2, max: 5 }), fc.constantFrom('[1,2', '[]'), fc.anything()),
		marketing_consent: fc.oneof(fc.boolean(), fc.constantFrom('yes', 'unsubscribed', 'maybe', 1, 0), fc.anything()),
		timezone: fc.oneof(fc.constantFrom('Europe/Berlin', 'America/New_York', 'Mars/Olympus', 'local', '', null), fc.anything()),
		__proto__: fc.option(fc.object(), { nil: undefined }),
		constructor: fc.option(fc.object(), { nil: undefined }),
	},
	{ requiredKeys: [] },
) as unknown as fc.Arbitrary<IDataObject>;

describe('Abandoned Cart Filter under 10,000 generated carts', () => {
	it('brings every item out of exactly one output, paired with its input, without an exception', async () => {
		let carts = 0;
		await fc.assert(
			fc.asyncProperty(
				fc.array(cart, { minLength: 100, maxLength: 120 }),
				fc.constantFrom('n8n', 'dataSource'),
				fc.constantFrom('', '21:00'),
				async (rows, memoryMode, quietHoursStart) => {
					carts += rows.length;
					const staticData: IDataObject = {};
					const outputs = await runFilter({
						items: rows,
						staticData,
						parameters: {
							memoryMode,
							consentMode: 'everyone',
							steps: '1h, 24h, 72h',
							options: { evaluateAt: NOW, quietHoursStart, quietHoursEnd: quietHoursStart ? '08:00' : '' },
						},
					});
					expect(outputs).toHaveLength(3);
					const seen = new Array<number>(rows.length).fill(0);
					const kinds = ['send', 'wait', 'skip'];
					const sendsPerEmail = new Map<string, number>();
					outputs.forEach((output, o) => {
						for (const item of output) {
							const index = (item.pairedItem as { item: number }).item;
							seen[index]++;
							const decision = item.json.decision as IDataObject;
							expect(decision.decision).toBe(kinds[o]);
							expect(REASONS[decision.reason as keyof typeof REASONS].decision).toBe(kinds[o]);
							expect(typeof decision.message).toBe('string');
							const { decision: _ignored, ...rest } = item.json;
							const { decision: _original, ...input } = rows[index];
							expect(Object.keys(rest).sort()).toEqual(Object.keys(input).sort());
							if (o === 0) {
								const key = String(rows[index].email).trim().toLowerCase();
								sendsPerEmail.set(key, (sendsPerEmail.get(key) ?? 0) + 1);
								expect(rows[index].order_id === null || rows[index].order_id === undefined || rows[index].order_id === 0 || rows[index].order_id === '').toBe(true);
							}
							if (o === 1) expect(decision.nextCheckAt).toEqual(expect.any(String));
						}
					});
					expect(seen.every((count) => count === 1)).toBe(true);
					expect([...sendsPerEmail.values()].every((count) => count === 1)).toBe(true);
				},
			),
			{ numRuns: 100, seed: 20260310 },
		);
		expect(carts).toBeGreaterThanOrEqual(10_000);
	});

	it('still decides every cart when evaluated at a different hour of a DST day', async () => {
		const rows = [0, 1, 2, 3].map((i) => ({
			id: `dst-${i}`,
			email: `dst${i}@example.com`,
			updated_at: new Date(Date.parse('2026-03-08T05:00:00Z') - i * HOUR).toISOString(),
			items: 1,
			marketing_consent: true,
			timezone: 'America/New_York',
		}));
		const outputs = await runFilter({
			items: rows,
			parameters: { options: { evaluateAt: '2026-03-08T07:30:00Z', quietHoursStart: '21:00', quietHoursEnd: '08:00' } },
		});
		// 02:30 EST does not exist that night; the shoppers are in quiet hours until 08:00 EDT = 12:00 UTC
		expect(outputs[1].map((item) => (item.json.decision as IDataObject).nextCheckAt)).toEqual(
			Array(4).fill('2026-03-08T12:00:00.000Z'),
		);
	});
});
