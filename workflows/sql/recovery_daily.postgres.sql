-- The daily figures of the recovery report (PostgreSQL): one row per day in the shop's time zone. The reminder
-- templates add to it (Count Reminders, Count Recovered Orders); the report template reads it and serves the page.
-- Steps 1 to 3 have their own columns: the shipped templates send at most three reminders.
CREATE TABLE IF NOT EXISTS recovery_daily (
	day                date PRIMARY KEY,
	carts_seen         integer NOT NULL DEFAULT 0,        -- abandoned carts the reminder flow saw for the first time that day
	reminded_step_1    integer NOT NULL DEFAULT 0,        -- first reminders that reached the automation's list
	reminded_step_2    integer NOT NULL DEFAULT 0,
	reminded_step_3    integer NOT NULL DEFAULT 0,
	recovered_step_1   integer NOT NULL DEFAULT 0,        -- orders credited to a reminder step (Record Order)
	recovered_step_2   integer NOT NULL DEFAULT 0,
	recovered_step_3   integer NOT NULL DEFAULT 0,
	recovered_revenue  numeric(14, 2) NOT NULL DEFAULT 0  -- the recovered orders' totals
);

-- What the counting steps have counted: each cart once as seen, each (cart, step) once as reminded and once as
-- recovered. A retried execution, or a cart met again in a later run, adds nothing twice. Count Carts Seen deletes
-- what was counted more than 60 days ago (the templates look back 8 days at most).
CREATE TABLE IF NOT EXISTS recovery_counted (
	counted  text NOT NULL,                    -- seen, reminded or recovered
	cart_id  text NOT NULL,
	step     integer NOT NULL DEFAULT 0,       -- the reminder step (0 for seen)
	day      date NOT NULL,                    -- the day of recovery_daily it was added to
	revenue  numeric(14, 2) NOT NULL DEFAULT 0, -- recovered: the order's total
	PRIMARY KEY (counted, cart_id, step)
);
CREATE INDEX IF NOT EXISTS recovery_counted_day_idx ON recovery_counted (day);
