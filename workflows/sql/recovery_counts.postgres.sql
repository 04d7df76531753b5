-- The counting steps of the reminder templates (PostgreSQL), which add to recovery_daily and recovery_counted
-- (create both from recovery_daily.postgres.sql first). Each follows a "-- step:" line naming the node that runs it (a test keeps
-- the nodes' queries equal to these). $1 is always a JSON array the node builds; "day" is the day in the
-- workflow's time zone (Settings → Timezone), YYYY-MM-DD.

-- step: Count Carts Seen
-- $1: the filter's decisions [{id, reason, day}]. A cart counts as seen once, on the first day the flow saw it
-- abandoned: not while the shopper is still active, nor when it was bought.
WITH seen AS (
  INSERT INTO recovery_counted (counted, cart_id, day)
  SELECT 'seen', d.id, d.day
  FROM json_to_recordset($1::json) AS d(id text, reason text, day date)
  WHERE d.id IS NOT NULL
    AND d.reason NOT IN ('not_abandoned_yet', 'purchase_completed', 'order_placed', 'purchase_status')
  ON CONFLICT DO NOTHING
  RETURNING day
), forgotten AS (
  DELETE FROM recovery_counted WHERE day < current_date - 60
)
INSERT INTO recovery_daily AS daily (day, carts_seen)
SELECT day, count(*) FROM seen GROUP BY day
ON CONFLICT (day) DO UPDATE SET carts_seen = daily.carts_seen + excluded.carts_seen
RETURNING daily.day, daily.carts_seen;

-- step: Count Reminders
-- $1: Mark Reminders Sent's items [{id, step, sent, day}]; sent = the shopper reached the list (reminder.reminderSent).
WITH reminded AS (
  INSERT INTO recovery_counted (counted, cart_id, step, day)
  SELECT 'reminded', r.id, r.step, r.day
  FROM json_to_recordset($1::json) AS r(id text, step integer, sent boolean, day date)
  WHERE r.sent AND r.id IS NOT NULL AND r.step BETWEEN 1 AND 3
  ON CONFLICT DO NOTHING
  RETURNING day, step
)
INSERT INTO recovery_daily AS daily (day, reminded_step_1, reminded_step_2, reminded_step_3)
SELECT day, count(*) FILTER (WHERE step = 1), count(*) FILTER (WHERE step = 2), count(*) FILTER (WHERE step = 3)
FROM reminded GROUP BY day
ON CONFLICT (day) DO UPDATE SET
  reminded_step_1 = daily.reminded_step_1 + excluded.reminded_step_1,
  reminded_step_2 = daily.reminded_step_2 + excluded.reminded_step_2,
  reminded_step_3 = daily.reminded_step_3 + excluded.reminded_step_3
RETURNING daily.day, daily.reminded_step_1, daily.reminded_step_2, daily.reminded_step_3;

-- step: Count Recovered Orders
-- $1: Record Order's items [{cart_id, step, recovered, total, day}] (from each item's recovery; day = the order's).
WITH recovered AS (
  INSERT INTO recovery_counted (counted, cart_id, step, day, revenue)
  SELECT 'recovered', o.cart_id, o.step, o.day, coalesce(o.total, 0)
  FROM json_to_recordset($1::json) AS o(cart_id text, step integer, recovered boolean, total numeric, day date)
  WHERE o.recovered AND o.cart_id IS NOT NULL AND o.step BETWEEN 1 AND 3
  ON CONFLICT DO NOTHING
  RETURNING day, step, revenue
)
INSERT INTO recovery_daily AS daily (day, recovered_step_1, recovered_step_2, recovered_step_3, recovered_revenue)
SELECT day, count(*) FILTER (WHERE step = 1), count(*) FILTER (WHERE step = 2), count(*) FILTER (WHERE step = 3), sum(revenue)
FROM recovered GROUP BY day
ON CONFLICT (day) DO UPDATE SET
  recovered_step_1 = daily.recovered_step_1 + excluded.recovered_step_1,
  recovered_step_2 = daily.recovered_step_2 + excluded.recovered_step_2,
  recovered_step_3 = daily.recovered_step_3 + excluded.recovered_step_3,
  recovered_revenue = daily.recovered_revenue + excluded.recovered_revenue
RETURNING daily.day, daily.recovered_step_1, daily.recovered_step_2, daily.recovered_step_3, daily.recovered_revenue;
