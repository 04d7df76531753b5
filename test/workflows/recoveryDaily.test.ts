/**
 * The counting steps of the templates (workflows/sql/recovery_counts.postgres.sql and .mysql.sql: Count Carts Seen,
 * Count Reminders, Count Recovered Orders), run as shipped against a real PostgreSQL and the MariaDB of this
 * machine: exact daily figures for a seeded set of decisions, reminders and orders, and nothing counted twice when
 * an execution is retried or a cart comes back in a later run.
 */
import type mysql from 'mysql2/promise';

import { TestDatabase } from '../e2e/postgres';
import { connectMariaDb, ownTableName, withDriverPlaceholders } from '../support/mariadb';
import { schemaOf, sqlSteps } from '../support/sqlFiles';

type Row = Record<string, string | number | boolean | null>;

interface DailyRow {
	day: string;
	carts_seen: number;
	reminded: [number, number, number];
	recovered: [number, number, number];
	recovered_revenue: string;
}

/** One database's counting steps, and what recovery_daily holds. */
interface CountingUnderTest {
	run(step: 'Count Carts Seen' | 'Count Reminders' | 'Count Recovered Orders', rows: Row[]): Promise<void>;
	daily(): Promise<DailyRow[]>;
	reset(): Promise<void>;
}

const DAILY_COLUMNS = 'carts_seen, reminded_step_1, reminded_step_2, reminded_step_3, recovered_step_1, recovered_step_2, recovered_step_3, recovered_revenue';

function dailyRow(row: Record<string, unknown>): DailyRow {
	const n = (key: string) => Number(row[key]);
	return {
		day: String(row.day),
		carts_seen: n('carts_seen'),
		reminded: [n('reminded_step_1'), n('reminded_step_2'), n('reminded_step_3')],
		recovered: [n('recovered_step_1'), n('recovered_step_2'), n('recovered_step_3')],
		recovered_revenue: Number(row.recovered_revenue).toFixed(2),
	};
}

const MONDAY = '2026-11-30';
const TUESDAY = '2026-12-01';

function specifyCounting(db: () => CountingUnderTest): void {
	beforeEach(() => db().reset());

	it('counts each abandoned cart once, on the first day the flow saw it, not while the shopper is active nor once bought', async () => {
		const decisions = [
			{ id: 'cart-1', reason: 'step_due' },
			{ id: 'cart-2', reason: 'not_abandoned_yet' },
			{ id: 'cart-3', reason: 'purchase_status' },
			{ id: 'cart-4', reason: 'no_consent' },
			{ id: 'cart-5', reason: 'quiet_hours' },
			{ id: null, reason: 'missing_cart_id' },
		];
		await db().run('Count Carts Seen', decisions.map((d) => ({ ...d, day: MONDAY })));
		// The same execution retried, then the next run on Tuesday: cart-2 is abandoned now, the others were counted
		await db().run('Count Carts Seen', decisions.map((d) => ({ ...d, day: MONDAY })));
		await db().run('Count Carts Seen', [
			{ id: 'cart-1', reason: 'sequence_complete', day: TUESDAY },
			{ id: 'cart-2', reason: 'step_due', day: TUESDAY },
		]);
		expect((await db().daily()).map((r) => [r.day, r.carts_seen])).toEqual([
			[MONDAY, 3],
			[TUESDAY, 1],
		]);
	});

	it('counts the reminders that reached the list, per step, once per cart and step', async () => {
		const marked = [
			{ id: 'cart-1', step: 1, sent: true },
			{ id: 'cart-2', step: 1, sent: true },
			{ id: 'cart-3', step: 1, sent: false }, // unsubscribed: handled without a reminder
			{ id: 'cart-4', step: 2, sent: true },
			{ id: 'cart-5', step: 3, sent: true },
			{ id: 'cart-6', step: 4, sent: true }, // beyond the table's three steps
		];
		await db().run('Count Reminders', marked.map((m) => ({ ...m, day: MONDAY })));
		await db().run('Count Reminders', marked.map((m) => ({ ...m, day: MONDAY })));
		await db().run('Count Reminders', [{ id: 'cart-1', step: 2, sent: true, day: TUESDAY }]);
		expect(await db().daily()).toEqual([
			{ day: MONDAY, carts_seen: 0, reminded: [2, 1, 1], recovered: [0, 0, 0], recovered_revenue: '0.00' },
			{ day: TUESDAY, carts_seen: 0, reminded: [0, 1, 0], recovered: [0, 0, 0], recovered_revenue: '0.00' },
		]);
	});

	it('counts recovered orders per step and their revenue on the order\'s day, a cart\'s step once', async () => {
		const orders = [
			{ cart_id: 'cart-1', step: 1, recovered: true, total: 89.9, day: MONDAY },
			{ cart_id: 'cart-2', step: 2, recovered: true, total: 120.05, day: MONDAY },
			{ cart_id: 'cart-3', step: 1, recovered: false, total: 40, day: MONDAY }, // ordered before any reminder
			{ cart_id: 'cart-4', step: 1, recovered: true, total: 19, day: TUESDAY },
			{ cart_id: null, step: null, recovered: false, total: 12, day: TUESDAY }, // unmatched order
		];
		await db().run('Count Recovered Orders', orders);
		// Retried, and a second order of cart-1 that Record Order credited again: nothing counted twice
		await db().run('Count Recovered Orders', [...orders, { cart_id: 'cart-1', step: 1, recovered: true, total: 15, day: TUESDAY }]);
		expect(await db().daily()).toEqual([
			{ day: MONDAY, carts_seen: 0, reminded: [0, 0, 0], recovered: [1, 1, 0], recovered_revenue: '209.95' },
			{ day: TUESDAY, carts_seen: 0, reminded: [0, 0, 0], recovered: [1, 0, 0], recovered_revenue: '19.00' },
		]);
	});

	it('adds the three steps\' figures into one row per day', async () => {
		await db().run('Count Carts Seen', [{ id: 'cart-1', reason: 'step_due', day: MONDAY }]);
		await db().run('Count Reminders', [{ id: 'cart-1', step: 1, sent: true, day: MONDAY }]);
		await db().run('Count Recovered Orders', [{ cart_id: 'cart-1', step: 1, recovered: true, total: 50, day: MONDAY }]);
		expect(await db().daily()).toEqual([{ day: MONDAY, carts_seen: 1, reminded: [1, 0, 0], recovered: [1, 0, 0], recovered_revenue: '50.00' }]);
	});
}

describe('Counting into recovery_daily (PostgreSQL)', () => {
	const steps = sqlSteps('recovery_counts.postgres.sql');
	let db: TestDatabase;
	beforeAll(async () => {
		db = await TestDatabase.create('jest_recovery', false);
		await db.query(schemaOf('recovery_daily.postgres.sql'));
	});
	afterAll(() => db?.drop());
	specifyCounting(() => ({
		async run(step, rows) {
			await db.query(steps.get(step) as string, [JSON.stringify(rows)]);
		},
		async daily() {
			return (await db.query(`SELECT to_char(day, 'YYYY-MM-DD') AS day, ${DAILY_COLUMNS} FROM recovery_daily ORDER BY day`)).map(dailyRow);
		},
		async reset() {
			await db.query('TRUNCATE recovery_daily, recovery_counted');
		},
	}));
});

describe('Counting into recovery_daily (MySQL / MariaDB)', () => {
	const tables = { recovery_daily: ownTableName('jest_daily'), recovery_counted: ownTableName('jest_counted') };
	const steps = sqlSteps('recovery_counts.mysql.sql', tables);
	let connection: mysql.Connection;
	beforeAll(async () => {
		connection = await connectMariaDb();
		await connection.query(schemaOf('recovery_daily.mysql.sql', tables));
	});
	afterAll(async () => {
		await connection?.query(`DROP TABLE IF EXISTS ${tables.recovery_daily}, ${tables.recovery_counted}`);
		await connection?.end();
	});
	specifyCounting(() => ({
		async run(step, rows) {
			// The template sends yes / no as 1 / 0, as JSON_TABLE reads them
			const asMysql = rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'boolean' ? Number(v) : v])));
			await connection.query(withDriverPlaceholders(steps.get(step) as string), [JSON.stringify(asMysql)]);
		},
		async daily() {
			const [rows] = await connection.query(`SELECT DATE_FORMAT(day, '%Y-%m-%d') AS day, ${DAILY_COLUMNS} FROM ${tables.recovery_daily} ORDER BY day`);
			return (rows as Array<Record<string, unknown>>).map(dailyRow);
		},
		async reset() {
			await connection.query(`DELETE FROM ${tables.recovery_daily}; DELETE FROM ${tables.recovery_counted}`);
		},
	}));
});
