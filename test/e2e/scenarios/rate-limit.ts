/**
 * Constant Contact's rate limit in real n8n: the stand-in keeps 4 requests/s and answers some requests with
 * 429 `throttled`, as Constant Contact does under load. The PostgreSQL template must still put every due
 * shopper on the list: the node retries a throttled request instead of failing the item or the execution.
 */
import { assertReminderListState, assertReminderRows } from '../carts';
import { expect, type Scenario } from '../scenario';
import { withManualTrigger } from '../workflows';
import { POSTGRES_TEMPLATE_TRIGGER, postgresTemplate, shopWithConnectedN8n } from './postgres-cli';

export const rateLimitRetry: Scenario = {
	name: 'rate-limit-429-retry',
	async run(context) {
		const shop = await shopWithConnectedN8n(context, {}, { requestsPerSecond: 4 });
		const id = 'e2eRateLimit01';
		await shop.n8n.importWorkflow(withManualTrigger(postgresTemplate(id, shop.credentials), POSTGRES_TEMPLATE_TRIGGER));
		shop.standIn.control.injectFaults([
			{ kind: 'throttled', count: 1, match: { method: 'GET', path: '/v3/contact_lists' } },
			{ kind: 'throttled', count: 2, match: { method: 'PUT', path: /^\/v3\/contacts\// } },
		]);
		await shop.n8n.execute(id);

		const log = shop.standIn.control.requestLog();
		const throttled = log.filter((r) => r.status === 429);
		expect(throttled.length >= 3, `the stand-in answered only ${throttled.length} requests with 429; the faults did not fire`);
		for (const refused of throttled) {
			const retried = log.some((r) => r.method === refused.method && r.path === refused.path && r.status < 300 && r.at >= refused.at);
			expect(retried, `${refused.method} ${refused.path} got 429 and was never retried successfully`);
		}
		assertReminderListState(shop.standIn, shop.account);
		await assertReminderRows(shop.db);
		return `${throttled.length} throttled answers (429), each retried to success; list, automation entries and rows as expected`;
	},
};
