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

-- The template's counting steps follow, each after a "-- step:" line naming the node that runs it (a test keeps
-- the nodes' queries equal to these). The one query parameter is a JSON array the node builds; "day" is the day in
-- the workflow's time zone (Settings → Timezone), YYYY-MM-DD. No dollar signs or apostrophes in the steps' comments:
-- n8n would read them as parameters or quotes. Each runs in one transaction: what it marks as counted
-- and what it adds to recovery_daily are written together or not at all.

-- step: Count Carts Seen
-- The decisions of the filter [{id, reason, day}]. A cart counts as seen once, on the first day the flow saw it
-- abandoned: not while the shopper is still active, nor when it was bought.
SET @counting = UUID();
START TRANSACTION;
INSERT IGNORE INTO recovery_counted (counted, cart_id, day, counted_by)
SELECT 'seen', d.id, d.day, @counting
FROM JSON_TABLE($1, '$[*]' COLUMNS (id VARCHAR(255) PATH '$.id', reason VARCHAR(64) PATH '$.reason', day DATE PATH '$.day')) AS d
WHERE d.id IS NOT NULL
  AND d.reason NOT IN ('not_abandoned_yet', 'purchase_completed', 'order_placed', 'purchase_status');
DELETE FROM recovery_counted WHERE day < CURRENT_DATE - INTERVAL 60 DAY;
INSERT INTO recovery_daily (day, carts_seen)
SELECT day, COUNT(*) FROM recovery_counted WHERE counted_by = @counting GROUP BY day
ON DUPLICATE KEY UPDATE carts_seen = carts_seen + VALUES(carts_seen);
COMMIT;

-- step: Count Reminders
-- The items of Mark Reminders Sent [{id, step, sent, day}]; sent = 1 when the shopper reached the list.
SET @counting = UUID();
START TRANSACTION;
INSERT IGNORE INTO recovery_counted (counted, cart_id, step, day, counted_by)
SELECT 'reminded', r.id, r.step, r.day, @counting
FROM JSON_TABLE($1, '$[*]' COLUMNS (id VARCHAR(255) PATH '$.id', step INT PATH '$.step', sent INT PATH '$.sent', day DATE PATH '$.day')) AS r
WHERE r.sent = 1 AND r.id IS NOT NULL AND r.step BETWEEN 1 AND 3;
INSERT INTO recovery_daily (day, reminded_step_1, reminded_step_2, reminded_step_3)
SELECT day, SUM(step = 1), SUM(step = 2), SUM(step = 3) FROM recovery_counted WHERE counted_by = @counting GROUP BY day
ON DUPLICATE KEY UPDATE
  reminded_step_1 = reminded_step_1 + VALUES(reminded_step_1),
  reminded_step_2 = reminded_step_2 + VALUES(reminded_step_2),
  reminded_step_3 = reminded_step_3 + VALUES(reminded_step_3);
COMMIT;

-- step: Count Recovered Orders
-- The items of Record Order [{cart_id, step, recovered, total, day}] (from the recovery of each item; day = the day of the order).
SET @counting = UUID();
START TRANSACTION;
INSERT IGNORE INTO recovery_counted (counted, cart_id, step, day, revenue, counted_by)
SELECT 'recovered', o.cart_id, o.step, o.day, COALESCE(o.total, 0), @counting
FROM JSON_TABLE($1, '$[*]' COLUMNS (cart_id VARCHAR(255) PATH '$.cart_id', step INT PATH '$.step', recovered INT PATH '$.recovered', total DECIMAL(14, 2) PATH '$.total', day DATE PATH '$.day')) AS o
WHERE o.recovered = 1 AND o.cart_id IS NOT NULL AND o.step BETWEEN 1 AND 3;
INSERT INTO recovery_daily (day, recovered_step_1, recovered_step_2, recovered_step_3, recovered_revenue)
SELECT day, SUM(step = 1), SUM(step = 2), SUM(step = 3), SUM(revenue) FROM recovery_counted WHERE counted_by = @counting GROUP BY day
ON DUPLICATE KEY UPDATE
  recovered_step_1 = recovered_step_1 + VALUES(recovered_step_1),
  recovered_step_2 = recovered_step_2 + VALUES(recovered_step_2),
  recovered_step_3 = recovered_step_3 + VALUES(recovered_step_3),
  recovered_revenue = recovered_revenue + VALUES(recovered_revenue);
COMMIT;
