/**
 * The MySQL / MariaDB coupon pool (workflows/sql/cart_coupons.mysql.sql) and its claim query
 * (workflows/sql/claim_coupons.mysql.sql), run as shipped (n8n's `$1` given to the driver as `?`) against the
 * MariaDB of this machine: the same behaviour as the PostgreSQL pool (test/support/couponClaims.ts).
 */
import type mysql from 'mysql2/promise';

import { specifyCouponClaim, type ClaimedCoupon, type ClaimingExecution, type DueCart } from '../support/couponClaims';
import { connectMariaDb, ownTableName, withDriverPlaceholders } from '../support/mariadb';
import { shippedSql } from '../support/sqlFiles';

const POOL = ownTableName('jest_coupons');
const OWN_TABLES = { cart_coupons: POOL };
const CLAIM = withDriverPlaceholders(shippedSql('claim_coupons.mysql.sql', OWN_TABLES));

/** Two connections, as two executions of the workflow hold them. */
let one: mysql.Connection;
let other: mysql.Connection;

/** Claim Coupons as the template runs it: the rows of its last statement (the SELECT). */
const execution = (connection: mysql.Connection): ClaimingExecution => ({
	begin: () => connection.query('BEGIN'),
	async claim(due: DueCart[], fromStep = 2, minimumTotal = 50) {
		const [results] = await connection.query(CLAIM, [JSON.stringify(due), fromStep, minimumTotal, due.length]);
		return (results as unknown[]).filter(Array.isArray).pop() as ClaimedCoupon[];
	},
	commit: () => connection.query('COMMIT'),
});

beforeAll(async () => {
	[one, other] = await Promise.all([connectMariaDb(), connectMariaDb()]);
	await one.query(shippedSql('cart_coupons.mysql.sql', OWN_TABLES));
});

afterEach(async () => {
	// A failed test must not leave its transaction holding the codes
	await other.query('ROLLBACK');
});

afterAll(async () => {
	await one?.query(`DROP TABLE IF EXISTS ${POOL}`);
	await one?.end();
	await other?.end();
});

describe('Claim Coupons (MySQL / MariaDB)', () => {
	specifyCouponClaim({
		async load(codes, expiresInDays = 30) {
			await one.query(`DELETE FROM ${POOL}`);
			if (codes === 0) return;
			const expiresAt = expiresInDays === null ? null : new Date(Date.now() + expiresInDays * 86_400_000);
			await one.query(`INSERT INTO ${POOL} (code, expires_at) VALUES ?`, [Array.from({ length: codes }, (_, i) => [`SAVE10-${String(i + 1).padStart(5, '0')}`, expiresAt])]);
		},
		executions: () => [execution(one), execution(other)],
		async claimedCodes() {
			const [stored] = await one.query(`SELECT code, claimed_by FROM ${POOL} WHERE claimed_by IS NOT NULL`);
			return new Map((stored as Array<{ code: string; claimed_by: string }>).map((r) => [r.code, r.claimed_by]));
		},
	});
});
