-- The optional coupon pool of the PostgreSQL templates: one row per code, loaded by the shop (e.g. COPY from the
-- codes its shop system generated). "Claim Coupons" hands each code to one shopper only, even when two executions
-- claim at the same time, and gives a shopper who already holds an unexpired code that same code again.
CREATE TABLE IF NOT EXISTS cart_coupons (
	code             text PRIMARY KEY,                      -- the code the shopper types at checkout
	expires_at       timestamptz,                           -- when the shop stops accepting it (NULL: never)
	claimed_by       text,                                  -- the shopper's email (lower case) it was given to
	claimed_for_cart text,                                  -- the cart whose reminder carried it
	claimed_at       timestamptz
);
-- Free codes are found without reading the claimed ones; a shopper's code is found by email.
CREATE INDEX IF NOT EXISTS cart_coupons_free_idx ON cart_coupons (code) WHERE claimed_by IS NULL;
CREATE INDEX IF NOT EXISTS cart_coupons_claimed_by_idx ON cart_coupons (claimed_by) WHERE claimed_by IS NOT NULL;
