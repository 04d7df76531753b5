-- The daily figures of the recovery report (MySQL / MariaDB): one row per day in the shop's time zone. The reminder
-- template adds to it (Count Carts Seen, Count Reminders); the order flow (Count Recovered Orders) too.
-- Steps 1 to 3 have their own columns: the shipped templates send at most three reminders.
CREATE TABLE IF NOT EXISTS recovery_daily (
	day                DATE NOT NULL PRIMARY KEY,
	carts_seen         INT NOT NULL DEFAULT 0,             -- abandoned carts the reminder flow saw for the first time that day
	reminded_step_1    INT NOT NULL DEFAULT 0,             -- first reminders that reached the automation's list
	reminded_step_2    INT NOT NULL DEFAULT 0,
	reminded_step_3    INT NOT NULL DEFAULT 0,
	recovered_step_1   INT NOT NULL DEFAULT 0,             -- orders credited to a reminder step (Record Order)
	recovered_step_2   INT NOT NULL DEFAULT 0,
	recovered_step_3   INT NOT NULL DEFAULT 0,
	recovered_revenue  DECIMAL(14, 2) NOT NULL DEFAULT 0   -- the recovered orders' totals
);

-- What the counting steps have counted: each cart once as seen, each (cart, step) once as reminded and once as
-- recovered. A retried execution, or a cart met again in a later run, adds nothing twice. Count Carts Seen deletes
-- what was counted more than 60 days ago (the templates look back 8 days at most).
CREATE TABLE IF NOT EXISTS recovery_counted (
	counted     VARCHAR(16) NOT NULL,                      -- seen, reminded or recovered
	cart_id     VARCHAR(255) NOT NULL,
	step        INT NOT NULL DEFAULT 0,                    -- the reminder step (0 for seen)
	day         DATE NOT NULL,                             -- the day of recovery_daily it was added to
	revenue     DECIMAL(14, 2) NOT NULL DEFAULT 0,         -- recovered: the order's total
	counted_by  VARCHAR(64) NOT NULL,                      -- which count added it
	PRIMARY KEY (counted, cart_id, step),
	KEY counted_by_idx (counted_by),
	KEY counted_day_idx (day)
);
