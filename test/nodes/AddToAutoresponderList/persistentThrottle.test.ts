/** A 429 that outlasts every retry (on n8n 1.x the daily quota looks exactly like that) ends the run's requests. */
import { ConstantContactApi } from '../../../nodes/ConstantContact/api';
import { ConstantContactClient, type TransportRequest } from '../../../nodes/ConstantContact/httpClient';
import { THROTTLED_MAX_RETRIES } from '../../../nodes/ConstantContact/limits';
import { addShoppersToList } from '../../../nodes/AddToAutoresponderList/addToList';
import { readShopper } from '../../../nodes/AddToAutoresponderList/shopper';

describe('A 429 without a body that never stops', () => {
	it('fails the shopper with the daily-limit-or-throttling sentence and every later shopper without another request', async () => {
		const sent: TransportRequest[] = [];
		const noWait = async () => undefined;
		const client = new ConstantContactClient({
			apiBaseUrl: 'https://api.cc.email/v3',
			sleep: noWait,
			send: async (request) => {
				sent.push(request);
				return { kind: 'response', status: 429, body: undefined };
			},
		});
		const shoppers = [1, 2, 3].map((n) => readShopper({ index: n - 1, email: `shopper${n}@example.com`, consent: true, cartValues: [] }, 'truncate'));
		const results = await addShoppersToList(new ConstantContactApi(client, noWait), shoppers, {
			listId: '6f1c2a10-0000-4000-8000-000000000001',
			consentPolicy: 'consented',
			repeatAbandoners: 'leave',
			cooldownMs: 0,
			reentryFieldLabel: 'ac_list_entries',
			createMissingFields: false,
			bulkThreshold: 50,
			now: Date.now(),
		});
		expect(results.map((result) => result.status)).toEqual(['failed', 'failed', 'failed']);
		expect(results[0].error?.message).toMatch(/daily limit of 10,000 requests is used up .* or other workflows or apps share/);
		expect(results[2].error).toBe(results[0].error);
		// One look-up and its retries; nothing for the second and third shopper.
		expect(sent).toHaveLength(1 + THROTTLED_MAX_RETRIES);
	});
});
