/**
 * The PostgreSQL coupon pool (workflows/sql/cart_coupons.postgres.sql) and its claim query
 * (workflows/sql/claim_coupons.postgres.sql), run as shipped against a real PostgreSQL: no code reaches two
 * shoppers, also with two executions claiming at the same time; a shopper keeps their code; an empty pool gives no
 * row and no error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Client } from 'pg';

import { TestDatabase } from '../e2e/postgres';

const SQL_DIR = join(__dirname, '..', '..', 'workflows', 'sql');
const POOL_SCHEMA = readFileSync(join(SQL_DIR, 'cart_coupons.postgres.sql'), 'utf8');
const CLAIM = readFileSync(join(SQL_DIR, 'claim_coupons.postgres.sql'), 'utf8');

interface Due {
	id: string;
	email: string;
	step: number;
	total: number;
}
interface Claimed {
	id: string;
	email: string;
	coupon_code: string;
	coupon_expires: Date | null;
}

const shopper = (i: number, step = 2, total = 80): Due => ({ id: `cart-${i}`, email: `Shopper${i}@Example.com`, step, total });

let db: TestDatabase;
/** Two connections, as two executions of the workflow hold them. */
let one: Client;
let other: Client;

async function loadPool(codes: number, expiresInDays: number | null = 30): Promise<void> {
	await db.query('TRUNCATE cart_coupons');
	await db.query(
		`INSERT INTO cart_coupons (code, expires_at) SELECT 'SAVE10-' || lpad(g::text, 5, '0'), CASE WHEN $2::int IS NULL THEN NULL ELSE now() + make_interval(days => $2::int) END FROM generate_series(1, $1::int) AS g`,
		[codes, expiresInDays],
	);
}

async function claim(client: Client, due: Due[], fromStep = 2, minTotal = 50): Promise<Claimed[]> {
	return (await client.query(CLAIM, [JSON.stringify(due), fromStep, minTotal])).rows as Claimed[];
}

beforeAll(async () => {
	db = await TestDatabase.create('jest_coupons', false);
	await db.query(POOL_SCHEMA);
	[one, other] = [0, 1].map(() => new Client({ host: '127.0.0.1', port: 5432, database: 'test', user: db.name }));
	await Promise.all([one.connect(), other.connect()]);
});

afterAll(async () => {
	await one?.end();
	await other?.end();
	await db?.drop();
});

describe('Claim Coupons (PostgreSQL)', () => {
	it('gives each eligible shopper one code, from the chosen step on and above the chosen total', async () => {
		await loadPool(10);
		const rows = await claim(one, [shopper(1), shopper(2, 1), shopper(3, 2, 20), shopper(4, 3)]);
		expect(rows.map((r) => [r.id, r.email, r.coupon_code])).toEqual([
			['cart-1', 'shopper1@example.com', 'SAVE10-00001'],
			['cart-4', 'shopper4@example.com', 'SAVE10-00002'],
		]);
		expect(rows[0].coupon_expires).toBeInstanceOf(Date);
	});

	it('gives a shopper who holds an unexpired code the same code again, for any of their carts', async () => {
		await loadPool(10);
		const [first] = await claim(one, [shopper(1)]);
		const again = await claim(one, [{ ...shopper(1), id: 'cart-1b', step: 3 }]);
		expect(again.map((r) => [r.id, r.coupon_code])).toEqual([['cart-1b', first.coupon_code]]);
		expect((await db.query('SELECT count(*)::int AS n FROM cart_coupons WHERE claimed_by IS NOT NULL'))[0].n).toBe(1);
	});

	it('hands out no code that expires within a day, and returns no row (no error) when the pool is empty', async () => {
		await loadPool(3, 0);
		expect(await claim(one, [shopper(1)])).toEqual([]);
		await loadPool(0);
		expect(await claim(one, [shopper(1), shopper(2)])).toEqual([]);
	});

	it('never hands one code to two shoppers: 1,000 shoppers, a pool of 800, two executions claiming at once', async () => {
		await loadPool(800);
		const shoppers = Array.from({ length: 1000 }, (_, i) => shopper(i + 1));
		const batches = (from: number, to: number) => Array.from({ length: (to - from) / 50 }, (_, b) => shoppers.slice(from + b * 50, from + (b + 1) * 50));
		// Each execution holds its claim open a moment before committing, so the other runs into its locked codes.
		const execution = async (client: Client, work: Due[][]) => {
			const got: Claimed[] = [];
			for (const batch of work) {
				await client.query('BEGIN');
				got.push(...(await claim(client, batch)));
				await new Promise((r) => setTimeout(r, 5));
				await client.query('COMMIT');
			}
			return got;
		};
		// Different shoppers, as Claim Reminders gives each cart to one execution.
		const [a, b] = await Promise.all([execution(one, batches(0, 500)), execution(other, batches(500, 1000))]);
		const handedOut = [...a, ...b];
		const shoppersByCode = new Map<string, Set<string>>();
		for (const row of handedOut) shoppersByCode.set(row.coupon_code, (shoppersByCode.get(row.coupon_code) ?? new Set()).add(row.email));
		expect([...shoppersByCode.values()].filter((emails) => emails.size > 1)).toEqual([]);
		expect(handedOut).toHaveLength(800);
		expect(new Set(handedOut.map((r) => r.email)).size).toBe(800);
		expect(a.length).toBeGreaterThan(0);
		expect(b.length).toBeGreaterThan(0);
		// What the table says matches what the executions handed out.
		const stored = await db.query<{ code: string; claimed_by: string }>('SELECT code, claimed_by FROM cart_coupons WHERE claimed_by IS NOT NULL');
		expect(new Map(stored.map((r) => [r.code, r.claimed_by]))).toEqual(new Map(handedOut.map((r) => [r.coupon_code, r.email])));
	});
});
