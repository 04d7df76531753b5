-- "Claim Coupons": $1 the due carts as JSON [{id, email, step, total}], $2 the first step that carries a coupon,
-- $3 the smallest cart total that earns one. One row per shopper who gets a code: their own unexpired one, else a
-- free code that nobody else holds. FOR UPDATE SKIP LOCKED: a code another execution is claiming right now is
-- skipped, not waited for and then handed out twice. Codes that expire within a day are not handed out.
WITH due AS (
	SELECT DISTINCT ON (lower(d.email)) d.id, lower(d.email) AS email
	FROM jsonb_to_recordset($1::jsonb) AS d(id text, email text, step integer, total numeric)
	WHERE d.email IS NOT NULL AND d.step >= $2::integer AND coalesce(d.total, 0) >= $3::numeric
	ORDER BY lower(d.email), d.id
),
held AS (
	SELECT DISTINCT ON (c.claimed_by) c.claimed_by AS email, c.code, c.expires_at
	FROM cart_coupons c JOIN due ON c.claimed_by = due.email
	WHERE c.expires_at IS NULL OR c.expires_at > now()
	ORDER BY c.claimed_by, c.claimed_at DESC
),
wanting AS (
	SELECT due.id, due.email, row_number() OVER (ORDER BY due.email) AS n
	FROM due WHERE NOT EXISTS (SELECT 1 FROM held WHERE held.email = due.email)
),
free AS (
	SELECT code, row_number() OVER (ORDER BY code) AS n
	FROM (
		SELECT code FROM cart_coupons
		WHERE claimed_by IS NULL AND (expires_at IS NULL OR expires_at > now() + interval '1 day')
		ORDER BY code
		LIMIT (SELECT count(*) FROM wanting)
		FOR UPDATE SKIP LOCKED
	) AS unclaimed
),
claimed AS (
	UPDATE cart_coupons c
	SET claimed_by = wanting.email, claimed_for_cart = wanting.id, claimed_at = now()
	FROM free JOIN wanting USING (n)
	WHERE c.code = free.code
	RETURNING wanting.id, c.claimed_by AS email, c.code, c.expires_at
)
SELECT id, email, code AS coupon_code, expires_at AS coupon_expires FROM claimed
UNION ALL
SELECT due.id, due.email, held.code, held.expires_at FROM held JOIN due USING (email);
