/**
 * Production mode: `n8n start` with the PostgreSQL template published (2.x `publish:workflow`, 1.x activation)
 * on a fast schedule, the shop's cart events arriving at a webhook, and the "stop reminders" template removing
 * a shopper who ordered. The schedule fires several times and never sends a reminder twice: the reminder
 * memory persists between production executions.
 */
import { listMemberships, REMINDER_LIST, recoveryUrl, SHOP_CARTS, assertReminderListState } from '../carts';
import { delay } from '../n8n';
import { waitUntilReady } from '../readiness';
import { N8nRest } from '../rest';
import { expect, type Scenario } from '../scenario';
import { newShopSecret, postSigned } from '../signing';
import { template, testWorkflow, useCredentials, withScheduleEverySeconds } from '../workflows';
import { dailyFigures, POSTGRES_TEMPLATE_TRIGGER, postgresTemplate, shopWithConnectedN8n } from './postgres-cli';

const SCHEDULE_SECONDS = 10;

export const productionMode: Scenario = {
	name: 'production-schedule-webhooks',
	timeoutSeconds: 420,
	async run(context) {
		const shop = await shopWithConnectedN8n(context);
		const { n8n, standIn, db, account } = shop;
		const ids = { reminders: 'e2eProdRemind001', orders: 'e2eProdOrders001', events: 'e2eProdEvents001' };
		await n8n.importWorkflow(withScheduleEverySeconds(postgresTemplate(ids.reminders, shop.credentials), POSTGRES_TEMPLATE_TRIGGER, SCHEDULE_SECONDS));
		const shopSecret = newShopSecret();
		await n8n.importCredentials([shopSecret.entry]);
		await n8n.importWorkflow({ ...useCredentials(template('stop-reminders-on-order.json'), { ...shop.credentials, shopWebhookSecretApi: shopSecret.credential }), id: ids.orders });
		await n8n.importWorkflow(useCredentials(testWorkflow('cart-events-to-postgres.json', ids.events, { PATH: 'e2e-cart-events' }), shop.credentials));
		for (const id of Object.values(ids)) await n8n.activateWorkflow(id);

		await n8n.start();
		const rest = new N8nRest(n8n);
		await rest.setUpOwner();
		// n8n serves before it has activated the published workflows: wait for both webhooks and the schedule.
		await waitUntilReady(n8n, { webhooks: ['e2e-cart-events', 'order-placed'], workflows: Object.values(ids) }, { rest });
		const scheduled = async () => (await rest.executions(ids.reminders)).filter((e) => e.mode === 'trigger');
		const waitForScheduledRuns = async (count: number) => {
			const deadline = Date.now() + (SCHEDULE_SECONDS * (count + 3) + 30) * 1000;
			for (;;) {
				const runs = await scheduled();
				const finished = runs.filter((e) => e.status !== 'running' && e.status !== 'new');
				if (finished.length >= count) return finished;
				if (Date.now() > deadline) throw new Error(`the schedule produced ${finished.length} finished executions, expected ${count}, within ${(deadline - Date.now()) / 1000 + SCHEDULE_SECONDS * (count + 3) + 30} s`);
				await delay(1000);
			}
		};

		// The first scheduled run handles the seeded carts.
		await waitForScheduledRuns(1);
		assertReminderListState(standIn, account);

		// A new abandoned cart arrives as a cart event, two hours after the shopper's last activity.
		const ivan = { cart_id: 'cart-2001', email: 'ivan.late@example.com', first_name: 'Ivan', accepts_marketing: true, item_count: 1, total: '42.00', currency: 'EUR', recovery_url: recoveryUrl('cart-2001'), timezone: 'Europe/Berlin', updated_at: new Date(Date.now() - 2 * 3600_000).toISOString() };
		const event = await rest.postWebhook('e2e-cart-events', ivan);
		expect(event.status === 200, `the cart event webhook answered ${event.status}: ${JSON.stringify(event.body).slice(0, 200)}`);
		const before = (await waitForScheduledRuns(1)).length;
		const runs = await waitForScheduledRuns(before + 2);
		const failed = runs.filter((e) => e.status !== 'success');
		expect(failed.length === 0, `scheduled executions did not succeed: ${JSON.stringify(failed.map((e) => [e.id, e.status]))}`);
		expect(listMemberships(standIn, ivan.email).includes(account.reminderListId), 'the shopper of the cart that arrived by webhook is not on the reminder list');
		const ivanEntries = standIn.control.automationEntries({ listId: account.reminderListId, email: ivan.email });
		expect(ivanEntries.length === 1, `the webhook cart's shopper entered the automation ${ivanEntries.length} times`);
		assertReminderListState(standIn, account); // still exactly one entry per seeded shopper after several runs
		const [ivanRow] = await db.query('SELECT reminders_sent FROM abandoned_carts WHERE id = $1', [ivan.cart_id]);
		expect(ivanRow?.reminders_sent === 1, `the webhook cart's row records ${ivanRow?.reminders_sent} reminders`);

		// Alice orders: the stop template answers at once (signed request), then takes her off the list.
		const alice = SHOP_CARTS[0];
		const order = await postSigned(rest.baseUrl, 'order-placed', { event: 'order_placed', email: alice.email, order_id: 'order-5001', total: 89.9 }, shopSecret.secret);
		expect(order.status === 202, `the order-placed webhook answered ${order.status}: ${JSON.stringify(order.body).slice(0, 300)}`);
		const removedBy = Date.now() + 30_000;
		while (listMemberships(standIn, alice.email).includes(account.reminderListId) && Date.now() < removedBy) await delay(250);
		expect(!listMemberships(standIn, alice.email).includes(account.reminderListId), `${alice.email} is still on "${REMINDER_LIST}" 30 s after her order`);

		// The order flow credits her order to the first reminder, once, with its total
		const countedBy = Date.now() + 30_000;
		let figures = await dailyFigures(db);
		while (figures.recovered[0] === 0 && Date.now() < countedBy) {
			await delay(250);
			figures = await dailyFigures(db);
		}
		expect(JSON.stringify([figures.recovered, figures.recovered_revenue]) === JSON.stringify([[1, 0, 0], '89.90']), `recovery_daily holds recovered ${JSON.stringify(figures.recovered)} and ${figures.recovered_revenue}, expected Alice's order on step 1 with 89.90`);
		const total = (await scheduled()).length;
		return `${total} scheduled runs (every ${SCHEDULE_SECONDS} s), all success, one automation entry per shopper; cart event -> reminder; signed order placed -> answered 202 at once, then removed from list and counted as recovered (step 1, 89.90)`;
	},
};
