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
	KEY abandoned_carts_open_idx (completed_at, updated_at)
);
