-- The optional coupon pool of the MySQL / MariaDB template: one row per code, loaded by the shop (e.g. LOAD DATA
-- from the codes its shop system generated). "Claim Coupons" hands each code to one shopper only, even when two
-- executions claim at the same time, and gives a shopper who already holds an unexpired code that same code again.
-- Store times in UTC. Needs MySQL 8.0.4+ or MariaDB 10.6+ (JSON_TABLE, SKIP LOCKED).
CREATE TABLE IF NOT EXISTS cart_coupons (
	code             VARCHAR(64) NOT NULL PRIMARY KEY,      -- the code the shopper types at checkout
	expires_at       DATETIME(3) NULL,                      -- UTC; when the shop stops accepting it (NULL: never)
	claimed_by       VARCHAR(320) NULL,                     -- the shopper's email (lower case) it was given to
	claimed_for_cart VARCHAR(255) NULL,                     -- the cart whose reminder carried it
	claimed_at       DATETIME(3) NULL,                      -- UTC
	-- Free codes (claimed_by NULL) are found in code order without reading the claimed ones; a shopper's code by email.
	KEY coupons_by_shopper_idx (claimed_by, code)
);
