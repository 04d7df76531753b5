/**
 * The MySQL / MariaDB template's Claim Reminders and Record Reminder queries, run as shipped (n8n's `$1` given to
 * the driver as `?`) against the shipped schema on the MariaDB of this machine: each (cart, step) is claimed by
 * exactly one execution, also while another execution's claim is not yet committed (InnoDB makes the second wait
 * for the first, then sees its claim); a released claim (failed add) is claimed again, a recorded step never; a
 * claim whose execution never finished can be taken after the 10-minute lease. The Select Open Carts query returns
 * the open carts and the same shoppers' carts reminded in the last day.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type mysql from 'mysql2/promise';

import { connectMariaDb, ownTableName, withDriverPlaceholders } from '../support/mariadb';
import { pointSqlAt, shippedSql } from '../support/sqlFiles';

interface Node {
	name: string;
	parameters: { query?: string };
}

const TABLE = ownTableName('jest_claim');
const OWN_TABLES = { abandoned_carts: TABLE };

const template = JSON.parse(readFileSync(join(__dirname, '../../workflows/abandoned-cart-reminders-mysql.json'), 'utf8')) as { nodes: Node[] };
/** A template query for the driver: n8n's `$1` becomes `?`, and it reads this test's own table. */
const queryOf = (name: string) => pointSqlAt(withDriverPlaceholders(String(template.nodes.find((n) => n.name === name)?.parameters.query)), OWN_TABLES);
const SELECT = queryOf('Select Open Carts');
const CLAIM = queryOf('Claim Reminders');
const RECORD = queryOf('Record Reminder');

const CARTS = Array.from({ length: 40 }, (_, i) => `cart-${String(i + 1).padStart(2, '0')}`);
const due = (ids: string[], step = 1) => JSON.stringify(ids.map((id) => ({ id, step })));

/** Two connections, as two executions of the workflow would hold. */
let one: mysql.Connection;
let other: mysql.Connection;

/** Runs Claim Reminders as the template does and returns the ids the last statement (the SELECT) gave back. */
async function claim(connection: mysql.Connection, ids: string[], step = 1): Promise<string[]> {
	const [results] = await connection.query(CLAIM, [due(ids, step)]);
	const rows = (results as unknown[]).filter(Array.isArray).pop() as Array<{ id: string }>;
	return rows.map((row) => row.id).sort();
}

async function record(results: Array<{ id: string; step: number; recorded: boolean }>): Promise<void> {
	await one.query(RECORD, [JSON.stringify(results.map((r) => ({ ...r, recorded: r.recorded ? 1 : 0 })))]);
}

beforeAll(async () => {
	[one, other] = await Promise.all([connectMariaDb(), connectMariaDb()]);
	await one.query(shippedSql('abandoned_carts.mysql.sql', OWN_TABLES));
});

afterEach(async () => {
	// A failed test must not leave its transaction holding the rows
	await other.query('ROLLBACK');
});

afterAll(async () => {
	await one?.query(`DROP TABLE IF EXISTS ${TABLE}`);
	await one?.end();
	await other?.end();
});

beforeEach(async () => {
	await one.query(`DELETE FROM ${TABLE}`);
	await one.query(`INSERT INTO ${TABLE} (id, email, marketing_consent, updated_at) VALUES ?`, [
		CARTS.map((id) => [id, `${id}@example.com`, 1, new Date(Date.now() - 2 * 3600_000)]),
	]);
});

describe('Claim Reminders (MySQL / MariaDB template)', () => {
	it('gives every cart to exactly one of two executions, also while the first claim is not yet committed', async () => {
		await other.query('BEGIN');
		const first = await claim(other, CARTS.slice(0, 30));
		// The second execution waits for the first one's rows, then sees them claimed and takes only the rest
		const second = claim(one, CARTS);
		await new Promise((resolve) => setTimeout(resolve, 300));
		await other.query('COMMIT');
		const third = await claim(one, CARTS);
		expect(first).toEqual(CARTS.slice(0, 30));
		expect(await second).toEqual(CARTS.slice(30));
		expect(third).toEqual([]);
	});

	it('leaves the carts to the next execution when the claiming one rolled back', async () => {
		await other.query('BEGIN');
		expect(await claim(other, CARTS)).toHaveLength(CARTS.length);
		const waiting = claim(one, CARTS);
		await new Promise((resolve) => setTimeout(resolve, 300));
		await other.query('ROLLBACK');
		expect(await waiting).toEqual(CARTS);
	});

	it('claims again a cart whose add failed (released by Record Reminder), never one whose step was recorded', async () => {
		expect(await claim(one, CARTS.slice(0, 2))).toHaveLength(2);
		await record([
			{ id: CARTS[0], step: 1, recorded: true },
			{ id: CARTS[1], step: 1, recorded: false },
		]);
		const [rows] = await one.query(`SELECT id, reminders_sent, last_reminded_at, reminder_claimed_at, reminder_claim_token FROM ${TABLE} WHERE id IN (?) ORDER BY id`, [CARTS.slice(0, 2)]);
		expect((rows as Array<Record<string, unknown>>).map((r) => [r.id, r.reminders_sent, r.last_reminded_at !== null, r.reminder_claimed_at, r.reminder_claim_token])).toEqual([
			[CARTS[0], 1, true, null, null],
			[CARTS[1], 0, false, null, null],
		]);
		expect(await claim(one, CARTS.slice(0, 2))).toEqual([CARTS[1]]);
		// The recorded cart's next step is a new claim
		expect(await claim(one, [CARTS[0]], 2)).toEqual([CARTS[0]]);
	});

	it('lets another execution take a claim only after the 10-minute lease', async () => {
		expect(await claim(one, [CARTS[0]])).toEqual([CARTS[0]]);
		await one.query(`UPDATE ${TABLE} SET reminder_claimed_at = UTC_TIMESTAMP(3) - INTERVAL 9 MINUTE WHERE id = ?`, [CARTS[0]]);
		expect(await claim(one, [CARTS[0]])).toEqual([]);
		await one.query(`UPDATE ${TABLE} SET reminder_claimed_at = UTC_TIMESTAMP(3) - INTERVAL 11 MINUTE WHERE id = ?`, [CARTS[0]]);
		expect(await claim(one, [CARTS[0]])).toEqual([CARTS[0]]);
	});
});

describe('Select Open Carts (MySQL / MariaDB template)', () => {
	it('reads the open carts not yet reminded, and the same shoppers\' carts reminded in the last day', async () => {
		await one.query(`INSERT INTO ${TABLE} (id, email, marketing_consent, updated_at, last_reminded_at, reminders_sent) VALUES ?`, [
			[
				['earlier-cart', `${CARTS[0]}@example.com`, 1, new Date(Date.now() - 5 * 3600_000), new Date(Date.now() - 3 * 3600_000), 1],
				['other-shopper', 'someone.else@example.com', 1, new Date(Date.now() - 5 * 3600_000), new Date(Date.now() - 3 * 3600_000), 1],
			],
		]);
		const [rows] = await one.query(SELECT);
		const byId = new Map((rows as Array<Record<string, unknown>>).map((r) => [String(r.id), r]));
		expect([...byId.keys()].sort()).toEqual([...CARTS, 'earlier-cart'].sort());
		expect(byId.get('earlier-cart')).toMatchObject({ reminders_sent: 1, last_reminded_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/) });
		expect(byId.get(CARTS[0])).toMatchObject({ reminders_sent: 0, last_reminded_at: null });
	});
});
