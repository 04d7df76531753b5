/**
 * The shipped PostgreSQL template, run by `n8n execute` against carts in a real PostgreSQL schema: n8n's own
 * Postgres node reads and updates them, the package's nodes decide and put shoppers on the stand-in's list.
 * A second run sends nothing again (the reminder memory persists across CLI executions).
 */
import type { FakeConstantContactOptions } from '../../fake-constant-contact';
import { seedConstantContact, seedShopDatabase, assertReminderListState, assertReminderRows, SHOP_CARTS } from '../carts';
import { assertCouponsInConstantContact, assertDailyFigures, COUPON_CODES, SEEN_ON_FIRST_RUN, sumDailyFigures, withCouponsOn, type DailyFigures } from '../coupons';
import { nodeOutputs, type N8nInstance, type WorkflowJson } from '../n8n';
import type { TestDatabase } from '../postgres';
import { expect, type Scenario, type ScenarioContext } from '../scenario';
import { template, useCredentials, withManualTrigger } from '../workflows';
import { connectedN8n } from './credential';

export const POSTGRES_TEMPLATE = 'abandoned-cart-reminders-postgres.json';
export const POSTGRES_TEMPLATE_TRIGGER = 'Every 15 Minutes';

/** The template pointed at the test's credentials, with a stable id. */
export function postgresTemplate(id: string, credentials: Parameters<typeof useCredentials>[1]): WorkflowJson {
	return { ...useCredentials(template(POSTGRES_TEMPLATE), credentials), id };
}

export async function shopWithConnectedN8n(
	context: ScenarioContext,
	extraEnv: Record<string, string> = {},
	standInOptions?: FakeConstantContactOptions,
) {
	const [connected, db] = await Promise.all([connectedN8n(context, extraEnv, standInOptions), context.database()]);
	const postgres = db.credential();
	await connected.n8n.importCredentials([postgres]);
	await seedShopDatabase(db);
	const account = seedConstantContact(connected.standIn);
	return { ...connected, db, account, credentials: { constantContactOAuth2Api: connected.credential, postgres: { id: postgres.id, name: postgres.name } } };
}

function decisions(outputs: Array<Array<Record<string, any>>>): Record<string, string> {
	const kinds = ['send', 'wait', 'skip'];
	const byCart: Record<string, string> = {};
	outputs.forEach((items, output) => items.forEach((item) => (byCart[item.id] = `${kinds[output]}:${item.decision?.reason}`)));
	return byCart;
}

async function executeTemplate(n8n: N8nInstance, id: string): Promise<Record<string, string>> {
	const run = await n8n.execute(id);
	return decisions(nodeOutputs(run, 'Abandoned Cart Filter'));
}

/** The shop's coupon pool, six codes valid for 30 days. */
export async function seedCouponPool(db: TestDatabase): Promise<void> {
	await db.query(`INSERT INTO cart_coupons (code, expires_at) SELECT unnest($1::text[]), now() + interval '30 days'`, [COUPON_CODES]);
}

/** The pool's claimed codes: code → shopper (lower-case email). */
export async function claimedCoupons(db: TestDatabase): Promise<Map<string, string>> {
	const rows = await db.query<{ code: string; claimed_by: string }>('SELECT code, claimed_by FROM cart_coupons WHERE claimed_by IS NOT NULL');
	return new Map(rows.map((r) => [r.code, r.claimed_by]));
}

export async function dailyFigures(db: TestDatabase): Promise<DailyFigures> {
	return sumDailyFigures(await db.query('SELECT * FROM recovery_daily'));
}

export const postgresTemplateCli: Scenario = {
	name: 'postgres-template-cli',
	async run(context) {
		const shop = await shopWithConnectedN8n(context);
		await seedCouponPool(shop.db);
		const id = 'e2ePgTemplate001';
		await shop.n8n.importWorkflow(withManualTrigger(withCouponsOn(postgresTemplate(id, shop.credentials)), POSTGRES_TEMPLATE_TRIGGER));

		const first = await executeTemplate(shop.n8n, id);
		for (const cart of SHOP_CARTS) {
			const got = first[cart.id]?.split(':')[0] ?? 'not selected';
			expect(got === cart.expected, `cart ${cart.id} was decided "${first[cart.id] ?? 'not selected'}", expected ${cart.expected}`);
		}
		assertReminderListState(shop.standIn, shop.account);
		const rowsAfterFirst = await assertReminderRows(shop.db);
		const onList = SHOP_CARTS.filter((c) => c.reachesList).map((c) => c.email);
		const codes = assertCouponsInConstantContact(shop.standIn, onList, await claimedCoupons(shop.db));
		const figures: DailyFigures = { carts_seen: SEEN_ON_FIRST_RUN.length, reminded: [onList.length, 0, 0], recovered: [0, 0, 0], recovered_revenue: '0.00' };
		assertDailyFigures(await dailyFigures(shop.db), figures, 'after run 1');

		// Carts whose shopper reached the list are remembered, and so is the step of the unsubscribed shopper (handled
		// without a reminder): the second run hands neither to Add to Autoresponder List again.
		const second = await executeTemplate(shop.n8n, id);
		const reached = new Set(SHOP_CARTS.filter((c) => c.reachesList || c.handledWithoutReminder).map((c) => c.id));
		const resent = Object.entries(second).filter(([cart, d]) => d.startsWith('send') && reached.has(cart));
		expect(resent.length === 0, `the second run decided to send again: ${JSON.stringify(resent)}`);
		assertReminderListState(shop.standIn, shop.account);
		const rowsAfterSecond = await assertReminderRows(shop.db);
		const codesAfterSecond = assertCouponsInConstantContact(shop.standIn, onList, await claimedCoupons(shop.db));
		expect(JSON.stringify([...codesAfterSecond]) === JSON.stringify([...codes]), `the second run changed the shoppers' codes: ${JSON.stringify([...codesAfterSecond])}`);
		assertDailyFigures(await dailyFigures(shop.db), figures, 'after run 2 (nothing new to count)');
		for (const [cartId, row] of rowsAfterFirst) {
			expect(
				String(row.last_reminded_at) === String(rowsAfterSecond.get(cartId)?.last_reminded_at),
				`cart ${cartId}'s last_reminded_at changed on the second run`,
			);
		}
		const summary = Object.entries(first)
			.map(([cart, d]) => `${cart.replace('cart-', '')}=${d}`)
			.join(' ');
		return `run 1: ${summary}; coupons ${JSON.stringify([...codes])}; recovery_daily ${JSON.stringify(figures)}; run 2 sent and counted nothing twice; list, custom fields, automation entries and DB rows as expected`;
	},
};
