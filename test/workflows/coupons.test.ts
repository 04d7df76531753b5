/**
 * The PostgreSQL coupon pool (workflows/sql/cart_coupons.postgres.sql) and its claim query
 * (workflows/sql/claim_coupons.postgres.sql), run as shipped against a real PostgreSQL: no code reaches two
 * shoppers, also with two executions claiming at the same time; a shopper keeps their code; an empty pool gives no
 * row and no error. The behaviour is test/support/couponClaims.ts's, shared with the MySQL / MariaDB pool.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Client } from 'pg';

import { TestDatabase } from '../e2e/postgres';
import { specifyCouponClaim, type ClaimedCoupon, type ClaimingExecution, type DueCart } from '../support/couponClaims';

const SQL_DIR = join(__dirname, '..', '..', 'workflows', 'sql');
const POOL_SCHEMA = readFileSync(join(SQL_DIR, 'cart_coupons.postgres.sql'), 'utf8');
const CLAIM = readFileSync(join(SQL_DIR, 'claim_coupons.postgres.sql'), 'utf8');

let db: TestDatabase;
/** Two connections, as two executions of the workflow hold them. */
let one: Client;
let other: Client;

const execution = (client: Client): ClaimingExecution => ({
	begin: () => client.query('BEGIN'),
	claim: async (due: DueCart[], fromStep = 2, minimumTotal = 50) =>
		(await client.query(CLAIM, [JSON.stringify(due), fromStep, minimumTotal])).rows as ClaimedCoupon[],
	commit: () => client.query('COMMIT'),
});

beforeAll(async () => {
	db = await TestDatabase.create('jest_coupons', false);
	await db.query(POOL_SCHEMA);
	[one, other] = [0, 1].map(() => new Client({ host: '127.0.0.1', port: 5432, database: 'test', user: db.name }));
	await Promise.all([one.connect(), other.connect()]);
});

afterEach(async () => {
	// A failed test must not leave its transaction holding the codes
	await other.query('ROLLBACK');
});

afterAll(async () => {
	await one?.end();
	await other?.end();
	await db?.drop();
});

describe('Claim Coupons (PostgreSQL)', () => {
	specifyCouponClaim({
		async load(codes, expiresInDays = 30) {
			await db.query('TRUNCATE cart_coupons');
			await db.query(
				`INSERT INTO cart_coupons (code, expires_at) SELECT 'SAVE10-' || lpad(g::text, 5, '0'), CASE WHEN $2::int IS NULL THEN NULL ELSE now() + make_interval(days => $2::int) END FROM generate_series(1, $1::int) AS g`,
				[codes, expiresInDays],
			);
		},
		executions: () => [execution(one), execution(other)],
		async claimedCodes() {
			const stored = await db.query<{ code: string; claimed_by: string }>('SELECT code, claimed_by FROM cart_coupons WHERE claimed_by IS NOT NULL');
			return new Map(stored.map((r) => [r.code, r.claimed_by]));
		},
	});
});
