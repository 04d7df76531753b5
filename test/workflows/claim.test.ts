/**
 * The PostgreSQL template's Claim Reminders and Record Reminder queries, run as shipped against a real PostgreSQL
 * table (the shipped schema): each (cart, step) is claimed by exactly one execution, also while another execution's
 * claim is still uncommitted; a released claim (failed add) is claimed again, a recorded step never; a claim whose
 * execution never finished can be taken after the lease.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

import { TestDatabase } from '../e2e/postgres';

interface Node {
	name: string;
	parameters: { query?: string };
}

const template = JSON.parse(readFileSync(join(__dirname, '../../workflows/abandoned-cart-reminders-postgres.json'), 'utf8')) as { nodes: Node[] };
const queryOf = (name: string) => String(template.nodes.find((n) => n.name === name)?.parameters.query);
const CLAIM = queryOf('Claim Reminders');
const threeStep = JSON.parse(readFileSync(join(__dirname, '../../workflows/three-step-sequence-postgres.json'), 'utf8')) as { nodes: Node[] };
const RECORD = queryOf('Record Reminder');

const CARTS = Array.from({ length: 40 }, (_, i) => `cart-${i + 1}`);
const due = (ids: string[], step = 1) => JSON.stringify(ids.map((id) => ({ id, step, decision: { decision: 'send', step, sequence: 0 } })));

let db: TestDatabase;
/** Two connections, as two executions of the workflow would hold. */
let one: Client;
let other: Client;

async function claim(client: Client, ids: string[], step = 1): Promise<string[]> {
	const result = await client.query(CLAIM, [due(ids, step)]);
	return (result.rows as Array<{ id: string; decision: { step: number } }>).map((row) => {
		expect(row.decision.step).toBe(step);
		return row.id;
	});
}

async function record(results: Array<{ id: string; step: number; recorded: boolean }>): Promise<void> {
	await one.query(RECORD, [JSON.stringify(results)]);
}

beforeAll(async () => {
	db = await TestDatabase.create('jest_claim');
	[one, other] = [0, 1].map(() => new Client({ host: '127.0.0.1', port: 5432, database: 'test', user: db.name }));
	await Promise.all([one.connect(), other.connect()]);
});

afterEach(async () => {
	// A failed test must not leave its transaction holding the rows
	await other.query('ROLLBACK');
});

afterAll(async () => {
	await one?.end();
	await other?.end();
	await db?.drop();
});

beforeEach(async () => {
	await db.query('DELETE FROM abandoned_carts');
	for (const id of CARTS) await db.query(`INSERT INTO abandoned_carts (id, email, marketing_consent) VALUES ($1, $1 || '@example.com', true)`, [id]);
});

describe('Claim Reminders (PostgreSQL template)', () => {
	it('is the very query the three-step template claims with, so what is proven here holds there', () => {
		expect(threeStep.nodes.find((n) => n.name === 'Claim Reminders')?.parameters.query).toBe(CLAIM);
	});

	it('gives every cart to exactly one of two executions, also while the first claim is not yet committed', async () => {
		await other.query('BEGIN');
		const first = await claim(other, CARTS.slice(0, 30));
		// The second execution does not wait for the first: it skips the carts the first holds and takes the rest
		const second = await claim(one, CARTS);
		await other.query('COMMIT');
		const third = await claim(one, CARTS);
		expect(first.sort()).toEqual(CARTS.slice(0, 30).sort());
		expect(second.sort()).toEqual(CARTS.slice(30).sort());
		expect(third).toEqual([]);
	});

	it('leaves the carts to the next execution when the claiming one rolled back', async () => {
		await other.query('BEGIN');
		expect(await claim(other, CARTS)).toHaveLength(CARTS.length);
		expect(await claim(one, CARTS)).toEqual([]);
		await other.query('ROLLBACK');
		expect(await claim(one, CARTS)).toHaveLength(CARTS.length);
	});

	it('claims again a cart whose add failed (released by Record Reminder), never one whose step was recorded', async () => {
		expect(await claim(one, CARTS.slice(0, 2))).toHaveLength(2);
		await record([
			{ id: CARTS[0], step: 1, recorded: true },
			{ id: CARTS[1], step: 1, recorded: false },
		]);
		expect(await claim(one, CARTS.slice(0, 2))).toEqual([CARTS[1]]);
		const rows = await db.query<{ id: string; reminders_sent: number; reminder_claimed_at: Date | null }>(
			'SELECT id, reminders_sent, reminder_claimed_at FROM abandoned_carts WHERE id = ANY($1) ORDER BY id',
			[CARTS.slice(0, 2)],
		);
		expect(rows.map((r) => [r.id, r.reminders_sent, r.reminder_claimed_at === null])).toEqual([
			[CARTS[0], 1, true],
			[CARTS[1], 0, false],
		]);
		// The recorded cart's next step is a new claim
		expect(await claim(one, [CARTS[0]], 2)).toEqual([CARTS[0]]);
	});

	it('lets another execution take a claim only after the 10-minute lease', async () => {
		expect(await claim(one, [CARTS[0]])).toEqual([CARTS[0]]);
		await one.query(`UPDATE abandoned_carts SET reminder_claimed_at = now() - interval '9 minutes' WHERE id = $1`, [CARTS[0]]);
		expect(await claim(one, [CARTS[0]])).toEqual([]);
		await one.query(`UPDATE abandoned_carts SET reminder_claimed_at = now() - interval '11 minutes' WHERE id = $1`, [CARTS[0]]);
		expect(await claim(one, [CARTS[0]])).toEqual([CARTS[0]]);
	});
});
