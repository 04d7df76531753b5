-- "Claim Coupons" (MySQL / MariaDB). Its query parameters, in order: the due carts as JSON [{id, email, step,
-- total}], the first step that carries a coupon, the smallest cart total that earns one, the most codes this run may
-- take (the number of due carts). No dollar signs or apostrophes in these comments: n8n would read them as
-- parameters or quotes. One row per shopper who gets a code: their own unexpired one, else a free code that nobody else holds.
-- FOR UPDATE SKIP LOCKED: a code another execution is claiming right now is skipped, not handed out twice; and the
-- UPDATE only takes a code still unclaimed when it writes it. Codes that expire within a day are not handed out.
SET @due = $1, @from_step = $2, @minimum_total = $3;
-- The eligible shoppers, once each (lower-case email, their first due cart)
SELECT COALESCE(JSON_ARRAYAGG(JSON_OBJECT('id', due.id, 'email', due.email)), '[]') INTO @eligible
FROM (
  SELECT LOWER(d.email) AS email, MIN(d.id) AS id
  FROM JSON_TABLE(@due, '$[*]' COLUMNS (id VARCHAR(255) PATH '$.id', email VARCHAR(320) PATH '$.email', step INT PATH '$.step', total DECIMAL(12, 2) PATH '$.total')) AS d
  WHERE d.email IS NOT NULL AND d.step >= @from_step AND COALESCE(d.total, 0) >= @minimum_total
  GROUP BY LOWER(d.email)
) AS due;
-- Those who hold no unexpired code yet. A plain read, before the UPDATE: read inside it, these rows would be
-- locked and two executions would deadlock on the new codes of each other.
SELECT COALESCE(JSON_ARRAYAGG(JSON_OBJECT('id', e.id, 'email', e.email)), '[]') INTO @wanting
FROM JSON_TABLE(@eligible, '$[*]' COLUMNS (id VARCHAR(255) PATH '$.id', email VARCHAR(320) PATH '$.email')) AS e
WHERE NOT EXISTS (
  SELECT 1 FROM cart_coupons held
  WHERE held.claimed_by = e.email AND (held.expires_at IS NULL OR held.expires_at > UTC_TIMESTAMP(3))
);
-- The picked codes drive the join and each is read by its key, so the UPDATE locks only those rows
UPDATE (
  SELECT wanting.id, wanting.email, free.code
  FROM (
    SELECT w.id, w.email, ROW_NUMBER() OVER (ORDER BY w.email) AS n
    FROM JSON_TABLE(@wanting, '$[*]' COLUMNS (id VARCHAR(255) PATH '$.id', email VARCHAR(320) PATH '$.email')) AS w
  ) AS wanting
  JOIN (
    SELECT code, ROW_NUMBER() OVER (ORDER BY code) AS n
    FROM (
      -- Through the index, so only the codes taken are locked (a table scan would lock every free code)
      SELECT code FROM cart_coupons FORCE INDEX (coupons_by_shopper_idx)
      WHERE claimed_by IS NULL AND (expires_at IS NULL OR expires_at > UTC_TIMESTAMP(3) + INTERVAL 1 DAY)
      ORDER BY code
      LIMIT $4
      FOR UPDATE SKIP LOCKED
    ) AS unclaimed
  ) AS free ON free.n = wanting.n
) AS pick
STRAIGHT_JOIN cart_coupons c FORCE INDEX (PRIMARY) ON c.code = pick.code
SET c.claimed_by = pick.email, c.claimed_for_cart = pick.id, c.claimed_at = UTC_TIMESTAMP(3)
WHERE c.claimed_by IS NULL;
-- The unexpired code of every eligible shopper: the one just claimed, or the one they held already
SELECT id, email, code AS coupon_code, DATE_FORMAT(expires_at, '%Y-%m-%dT%H:%i:%s.%fZ') AS coupon_expires
FROM (
  SELECT e.id, e.email, c.code, c.expires_at,
         ROW_NUMBER() OVER (PARTITION BY e.email ORDER BY c.claimed_at DESC, c.code) AS latest
  FROM JSON_TABLE(@eligible, '$[*]' COLUMNS (id VARCHAR(255) PATH '$.id', email VARCHAR(320) PATH '$.email')) AS e
  JOIN cart_coupons c ON c.claimed_by = e.email
  WHERE c.expires_at IS NULL OR c.expires_at > UTC_TIMESTAMP(3)
) AS codes
WHERE latest = 1
ORDER BY email;
