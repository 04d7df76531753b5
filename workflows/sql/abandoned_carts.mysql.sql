-- The table the MySQL / MariaDB template reads and updates. One row per shopping cart.
-- Column names match the Abandoned Cart Filter's default field names, so no mapping is needed.
-- Store every time in UTC (UTC_TIMESTAMP(), or your shop's UTC clock): DATETIME carries no time zone, and the
-- template's SELECT hands the times to the filter as UTC.
CREATE TABLE IF NOT EXISTS abandoned_carts (
	id                VARCHAR(255) NOT NULL PRIMARY KEY,            -- your shop's cart id
	email             VARCHAR(320),                                 -- the shopper's email address
	first_name        VARCHAR(255),
	last_name         VARCHAR(255),
	marketing_consent TINYINT(1) NOT NULL DEFAULT 0,                -- 1 when the shopper opted in to marketing email
	status            VARCHAR(64) NOT NULL DEFAULT 'open',          -- open, or a purchase status such as paid / completed
	item_count        INT NOT NULL DEFAULT 0,
	total             DECIMAL(12, 2) NOT NULL DEFAULT 0,
	currency          CHAR(3) NOT NULL DEFAULT 'USD',
	recovery_url      VARCHAR(2048),                                -- link that restores the cart, shown in the email
	timezone          VARCHAR(64),                                  -- the shopper's IANA time zone, e.g. Europe/Berlin
	created_at        DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),  -- UTC
	updated_at        DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),  -- UTC; the shopper's last activity on the cart
	completed_at      DATETIME(3) NULL,                             -- UTC; set when the cart became an order
	order_id          VARCHAR(255) NULL,
	last_reminded_at  DATETIME(3) NULL,                             -- UTC; written by the workflow's "Record Reminder" step
	reminders_sent    INT NOT NULL DEFAULT 0,                       -- the highest reminder step sent
	reminder_claimed_at  DATETIME(3) NULL,                          -- UTC; set by "Claim Reminders" just before the send, cleared by "Record Reminder"
	reminder_claim_step  INT NULL,                                  -- the step that claim is for
	reminder_claim_token VARCHAR(64) NULL,                          -- which execution holds the claim
	cc_contact_id     VARCHAR(64) NULL,                             -- the shopper's Constant Contact contact ID, written by "Record Reminder"
	KEY abandoned_carts_open_idx (completed_at, updated_at),
	-- "Select Open Carts" reads the open carts not yet reminded: found without reading the carts already reminded
	KEY carts_unreminded_idx (completed_at, order_id, reminders_sent, updated_at),
	-- the same shoppers' recently reminded carts (the per-shopper cooldown), and the claims of one execution
	KEY carts_email_idx (email),
	KEY carts_claim_idx (reminder_claim_token)
);
-- A table made by an older version of this file: add the claim columns and indexes once (MySQL 8 has no
-- ADD COLUMN IF NOT EXISTS, so these lines are commented out; run them by hand):
-- ALTER TABLE abandoned_carts
--   ADD COLUMN reminder_claimed_at DATETIME(3) NULL, ADD COLUMN reminder_claim_step INT NULL,
--   ADD COLUMN reminder_claim_token VARCHAR(64) NULL,
--   ADD KEY carts_unreminded_idx (completed_at, order_id, reminders_sent, updated_at),
--   ADD KEY carts_email_idx (email), ADD KEY carts_claim_idx (reminder_claim_token);
-- and the contact ID column (Remove Contact from List → Contact ID removes by it, no look-up):
-- ALTER TABLE abandoned_carts ADD COLUMN cc_contact_id VARCHAR(64) NULL;
