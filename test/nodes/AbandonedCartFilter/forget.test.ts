/** Forget Shopper through n8n's engine: privacy requests erase the shopper from the reminder memory. */
import type { IDataObject } from 'n8n-workflow';

import { memoryKey, type MemoryStore } from '../../../nodes/AbandonedCartFilter/memory';
import { cartRow, MINUTE, NOW_MS } from '../../support/carts';
import { added, decideAt, markSent, runFilter } from './filterRun';

describe('The reminder memory itself', () => {
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
});

describe('Forget Shopper without a static-data memory', () => {
	it('erases nothing and creates no memory in static data', async () => {
		const staticData: IDataObject = {};
		const [out] = await runFilter({ items: [{ email: 'someone@example.com' }], staticData, parameters: { operation: 'forget' } });
		expect(out[0].json.forgotten).toMatchObject({ email: 'someone@example.com', carts: 0, reason: 'forgotten' });
		expect(staticData).toEqual({});
	});
});
