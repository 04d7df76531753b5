/**
 * The coupon claim tests of both SQL templates (PostgreSQL and MySQL / MariaDB) share their shoppers and their
 * check of the claim under two executions claiming at once; only how a claim reaches its database differs.
 */
export interface DueCart {
	id: string;
	email: string;
	step: number;
	total: number;
}

export interface ClaimedCoupon {
	id: string;
	email: string;
	coupon_code: string;
	coupon_expires: unknown;
}

/** Shopper i's cart, due its `step`, worth `total`; the email in mixed case as shops store it. */
export const dueShopper = (i: number, step = 2, total = 80): DueCart => ({ id: `cart-${i}`, email: `Shopper${i}@Example.com`, step, total });

/** How one execution claims: a transaction on its own connection (from step 2 on, carts of 50 or more). */
export interface ClaimingExecution {
	begin(): Promise<unknown>;
	claim(due: DueCart[], fromStep?: number, minimumTotal?: number): Promise<ClaimedCoupon[]>;
	commit(): Promise<unknown>;
}

/** One template's pool and claim query, on a real database. */
export interface CouponPoolUnderTest {
	/** Empties the pool and loads `codes` codes SAVE10-00001…, expiring in `expiresInDays` (null: never). */
	load(codes: number, expiresInDays?: number | null): Promise<void>;
	/** The two executions, each on its own connection (known once the connections are open). */
	executions(): [ClaimingExecution, ClaimingExecution];
	/** The pool's claimed codes: code → shopper. */
	claimedCodes(): Promise<Map<string, string>>;
}

/**
 * Two executions claim for 1,000 different shoppers (as Claim Reminders gives each cart to one execution), 50 per
 * claim, each holding its claim open a moment before committing so the other runs into its locked codes.
 */
export async function twoExecutionsClaim(one: ClaimingExecution, other: ClaimingExecution): Promise<[ClaimedCoupon[], ClaimedCoupon[]]> {
	const shoppers = Array.from({ length: 1000 }, (_, i) => dueShopper(i + 1));
	const batches = (from: number, to: number) => Array.from({ length: (to - from) / 50 }, (_, b) => shoppers.slice(from + b * 50, from + (b + 1) * 50));
	const run = async (execution: ClaimingExecution, work: DueCart[][]) => {
		const got: ClaimedCoupon[] = [];
		for (const batch of work) {
			await execution.begin();
			got.push(...(await execution.claim(batch)));
			await new Promise((resolve) => setTimeout(resolve, 5));
			await execution.commit();
		}
		return got;
	};
	return Promise.all([run(one, batches(0, 500)), run(other, batches(500, 1000))]);
}

/** Codes handed to more than one shopper, with those shoppers (empty when every code went to one shopper). */
export function codesGivenTwice(handedOut: ClaimedCoupon[]): Array<[string, string[]]> {
	const shoppersByCode = new Map<string, Set<string>>();
	for (const row of handedOut) shoppersByCode.set(row.coupon_code, (shoppersByCode.get(row.coupon_code) ?? new Set()).add(row.email));
	return [...shoppersByCode].filter(([, emails]) => emails.size > 1).map(([code, emails]) => [code, [...emails]]);
}

/** The behaviour both templates' Claim Coupons promise, as tests. */
export function specifyCouponClaim(pool: CouponPoolUnderTest): void {
	const shopper = dueShopper;
	it('gives each eligible shopper one code, from the chosen step on and above the chosen total', async () => {
		await pool.load(10);
		const rows = await pool.executions()[0].claim([shopper(1), shopper(2, 1), shopper(3, 2, 20), shopper(4, 3)]);
		expect(rows.map((r) => [r.id, r.email, r.coupon_code])).toEqual([
			['cart-1', 'shopper1@example.com', 'SAVE10-00001'],
			['cart-4', 'shopper4@example.com', 'SAVE10-00002'],
		]);
		expect(new Date(rows[0].coupon_expires as string).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
	});

	it('gives a shopper who holds an unexpired code the same code again, for any of their carts', async () => {
		await pool.load(10);
		const [one] = pool.executions();
		const [first] = await one.claim([shopper(1)]);
		const again = await one.claim([{ ...shopper(1), id: 'cart-1b', step: 3 }]);
		expect(again.map((r) => [r.id, r.coupon_code])).toEqual([['cart-1b', first.coupon_code]]);
		expect((await pool.claimedCodes()).size).toBe(1);
	});

	it('hands out no code that expires within a day, and returns no row (no error) when the pool is empty', async () => {
		await pool.load(3, 0);
		expect(await pool.executions()[0].claim([shopper(1)])).toEqual([]);
		await pool.load(0);
		expect(await pool.executions()[0].claim([shopper(1), shopper(2)])).toEqual([]);
	});

	it('never hands one code to two shoppers: 1,000 shoppers, a pool of 800, two executions claiming at once', async () => {
		await pool.load(800);
		const [a, b] = await twoExecutionsClaim(...pool.executions());
		const handedOut = [...a, ...b];
		expect(codesGivenTwice(handedOut)).toEqual([]);
		expect(handedOut).toHaveLength(800);
		expect(new Set(handedOut.map((r) => r.email)).size).toBe(800);
		expect(a.length).toBeGreaterThan(0);
		expect(b.length).toBeGreaterThan(0);
		// What the table says matches what the executions handed out.
		expect(await pool.claimedCodes()).toEqual(new Map(handedOut.map((r) => [r.coupon_code, r.email])));
	});

	it('skips the codes another execution is claiming right now instead of waiting for them or handing them out twice', async () => {
		await pool.load(4);
		const [one, other] = pool.executions();
		await other.begin();
		const first = await other.claim([shopper(1), shopper(2)]);
		const second = await one.claim([shopper(3), shopper(4)]);
		await other.commit();
		expect(first.map((r) => r.coupon_code)).toEqual(['SAVE10-00001', 'SAVE10-00002']);
		expect(second.map((r) => r.coupon_code)).toEqual(['SAVE10-00003', 'SAVE10-00004']);
	});
}
