-- The counting steps of the reminder template and the order flow (MySQL / MariaDB), which add to recovery_daily
-- and recovery_counted (create both from recovery_daily.mysql.sql first). Each follows a "-- step:" line naming the node that runs it (a test keeps
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
