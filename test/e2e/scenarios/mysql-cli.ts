/**
 * The shipped MySQL / MariaDB template, run by `n8n execute` against carts in a real MariaDB table (127.0.0.1:3306,
 * database `test`, a table of the test's own, dropped after): n8n's own MySQL node reads and updates them, the
 * package's nodes decide and put shoppers on the stand-in's list. A second run sends nothing again.
 */
import type mysql from 'mysql2/promise';

import { connectMariaDb, MARIADB, ownTableName } from '../../support/mariadb';
import { pointSqlAt, schemaOf, shippedSql } from '../../support/sqlFiles';
import { assertCouponsInConstantContact, assertDailyFigures, COUPON_CODES, SEEN_ON_FIRST_RUN, sumDailyFigures, withCouponsOn, type DailyFigures } from '../coupons';
import { assertReminderListState, recoveryUrl, rowAsExpected, seedConstantContact, SHOP_CARTS, type ShopCart } from '../carts';
import { nodeOutputs, type CredentialEntry, type WorkflowJson } from '../n8n';
import { expect, type Scenario, type ScenarioContext } from '../scenario';
import { template, useCredentials, withManualTrigger } from '../workflows';
import { connectedN8n } from './credential';

export const MYSQL_TEMPLATE = 'abandoned-cart-reminders-mysql.json';

interface CartRow {
	id: string;
	reminders_sent: number;
	last_reminded_at: string | null;
	reminder_claim_token: string | null;
	cc_contact_id: string | null;
}

/** The template's tables under names of the scenario's own in database `test`, made from the shipped schema files. */
export class MysqlCarts {
	private constructor(
		/** Template table name → the scenario's own. */
		private readonly tables: Record<string, string>,
		private readonly connection: mysql.Connection,
	) {}

	get table(): string {
		return this.tables.abandoned_carts;
	}

	static async create(label: string): Promise<MysqlCarts> {
		const tables = {
			// The index named after the template's table keeps a short name of its own (64 characters at most)
			abandoned_carts_open_idx: 'carts_open_idx',
			abandoned_carts: ownTableName(`e2e_${label}`),
			cart_coupons: ownTableName(`e2e_${label}_coupons`),
			recovery_daily: ownTableName(`e2e_${label}_daily`),
			recovery_counted: ownTableName(`e2e_${label}_counted`),
		};
		const connection = await connectMariaDb();
		await connection.query(shippedSql('abandoned_carts.mysql.sql', tables));
		await connection.query(shippedSql('cart_coupons.mysql.sql', tables));
		await connection.query(schemaOf('recovery_daily.mysql.sql', tables));
		return new MysqlCarts(tables, connection);
	}

	async seedCouponPool(codes: string[]): Promise<void> {
		await this.connection.query(`INSERT INTO ${this.tables.cart_coupons} (code, expires_at) VALUES ?`, [codes.map((code) => [code, new Date(Date.now() + 30 * 86_400_000)])]);
	}

	/** The pool's claimed codes: code → shopper (lower-case email). */
	async claimedCoupons(): Promise<Map<string, string>> {
		const [rows] = await this.connection.query(`SELECT code, claimed_by FROM ${this.tables.cart_coupons} WHERE claimed_by IS NOT NULL`);
		return new Map((rows as Array<{ code: string; claimed_by: string }>).map((r) => [r.code, r.claimed_by]));
	}

	async dailyFigures(): Promise<DailyFigures> {
		const [rows] = await this.connection.query(`SELECT * FROM ${this.tables.recovery_daily}`);
		return sumDailyFigures(rows as Array<Record<string, unknown>>);
	}

	async seed(carts: ShopCart[]): Promise<void> {
		for (const cart of carts) {
			await this.connection.execute(
				`INSERT INTO ${this.table} (id, email, first_name, marketing_consent, status, item_count, total, recovery_url, timezone,
				   created_at, updated_at, completed_at, order_id)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3) - INTERVAL ? MINUTE, UTC_TIMESTAMP(3) - INTERVAL ? MINUTE,
				   IF(?, UTC_TIMESTAMP(3) - INTERVAL ? MINUTE, NULL), IF(?, CONCAT('order-', ?), NULL))`,
				[cart.id, cart.email, cart.first_name, cart.marketing_consent ? 1 : 0, cart.status, cart.item_count, cart.total, recoveryUrl(cart.id),
					cart.timezone ?? null, cart.idleMinutes + 30, cart.idleMinutes, cart.completed === true, cart.idleMinutes, cart.completed === true, cart.id],
			);
		}
	}

	async rows(): Promise<Map<string, CartRow>> {
		const [rows] = await this.connection.query(
			`SELECT id, reminders_sent, CAST(last_reminded_at AS CHAR) AS last_reminded_at, reminder_claim_token, cc_contact_id FROM ${this.table}`,
		);
		return new Map((rows as CartRow[]).map((r) => [r.id, r]));
	}

	credential(id = 'e2eMysqlCarts1', name = 'Shop database (MariaDB, e2e)'): CredentialEntry {
		return { id, name, type: 'mySql', data: { host: MARIADB.host, port: MARIADB.port, database: MARIADB.database, user: MARIADB.user, password: MARIADB.password, ssl: false } };
	}

	/** The template's SQL pointed at this table. */
	pointAt(workflow: WorkflowJson): WorkflowJson {
		const copy = structuredClone(workflow);
		for (const node of copy.nodes) {
			if (node.type === 'n8n-nodes-base.mySql' && typeof node.parameters?.query === 'string') {
				node.parameters.query = pointSqlAt(node.parameters.query, this.tables);
			}
		}
		return copy;
	}

	async drop(): Promise<void> {
		try {
			const own = Object.entries(this.tables).filter(([template]) => !template.endsWith('_idx'));
			await this.connection.query(`DROP TABLE IF EXISTS ${own.map(([, table]) => table).join(', ')}`);
		} finally {
			await this.connection.end();
		}
	}
}

async function assertMysqlRows(carts: MysqlCarts): Promise<Map<string, CartRow>> {
	const rows = await carts.rows();
	for (const cart of SHOP_CARTS) {
		const row = rows.get(cart.id);
		expect(row, `cart ${cart.id} vanished from the MariaDB table`);
		expect(row.reminder_claim_token === null, `cart ${cart.id} is still claimed after the run (Record Reminder releases every claim)`);
		expect(rowAsExpected(cart, row), `cart ${cart.id} row has reminders_sent=${row.reminders_sent}, last_reminded_at=${row.last_reminded_at}, cc_contact_id=${row.cc_contact_id}`);
	}
	return rows;
}

export const mysqlTemplateCli: Scenario = {
	name: 'mysql-template-cli',
	async run(context: ScenarioContext) {
		const [connected, carts] = await Promise.all([connectedN8n(context), MysqlCarts.create(`${context.major}_mysql`)]);
		context.onCleanup(() => carts.drop());
		const mysqlCredential = carts.credential();
		await connected.n8n.importCredentials([mysqlCredential]);
		await carts.seed(SHOP_CARTS);
		await carts.seedCouponPool(COUPON_CODES);
		const account = seedConstantContact(connected.standIn);
		const credentials = { constantContactOAuth2Api: connected.credential, mySql: { id: mysqlCredential.id, name: mysqlCredential.name } };
		const id = 'e2eMysqlTmpl0001';
		const workflow = carts.pointAt(withCouponsOn(useCredentials(template(MYSQL_TEMPLATE), credentials)));
		await connected.n8n.importWorkflow({ ...withManualTrigger(workflow, 'Every 15 Minutes'), id });

		const kinds = ['send', 'wait', 'skip'];
		const decide = async () => {
			const byCart: Record<string, string> = {};
			nodeOutputs(await connected.n8n.execute(id), 'Abandoned Cart Filter').forEach((items, output) =>
				items.forEach((item) => (byCart[item.id] = `${kinds[output]}:${item.decision?.reason}`)),
			);
			return byCart;
		};
		const first = await decide();
		for (const cart of SHOP_CARTS) {
			const got = first[cart.id]?.split(':')[0] ?? 'not selected';
			expect(got === cart.expected, `cart ${cart.id} was decided "${first[cart.id] ?? 'not selected'}", expected ${cart.expected}`);
		}
		assertReminderListState(connected.standIn, account);
		const before = await assertMysqlRows(carts);
		const onList = SHOP_CARTS.filter((c) => c.reachesList).map((c) => c.email);
		const codes = assertCouponsInConstantContact(connected.standIn, onList, await carts.claimedCoupons());
		const figures: DailyFigures = { carts_seen: SEEN_ON_FIRST_RUN.length, reminded: [onList.length, 0, 0], recovered: [0, 0, 0], recovered_revenue: '0.00' };
		assertDailyFigures(await carts.dailyFigures(), figures, 'after run 1');

		const second = await decide();
		const reached = new Set(SHOP_CARTS.filter((c) => c.reachesList || c.handledWithoutReminder).map((c) => c.id));
		const resent = Object.entries(second).filter(([cart, d]) => d.startsWith('send') && reached.has(cart));
		expect(resent.length === 0, `the second run decided to send again: ${JSON.stringify(resent)}`);
		assertReminderListState(connected.standIn, account);
		const after = await assertMysqlRows(carts);
		const codesAfterSecond = assertCouponsInConstantContact(connected.standIn, onList, await carts.claimedCoupons());
		expect(JSON.stringify([...codesAfterSecond]) === JSON.stringify([...codes]), `the second run changed the shoppers' codes: ${JSON.stringify([...codesAfterSecond])}`);
		assertDailyFigures(await carts.dailyFigures(), figures, 'after run 2 (nothing new to count)');
		for (const [cartId, row] of before) {
			expect(row.last_reminded_at === after.get(cartId)?.last_reminded_at, `cart ${cartId}'s last_reminded_at changed on the second run`);
		}
		const summary = Object.entries(first)
			.map(([cart, d]) => `${cart.replace('cart-', '')}=${d}`)
			.join(' ');
		return `MariaDB table ${carts.table}: run 1: ${summary}; coupons ${JSON.stringify([...codes])}; recovery_daily ${JSON.stringify(figures)}; run 2 sent and counted nothing twice; list, custom fields, automation entries and rows as expected`;
	},
};
