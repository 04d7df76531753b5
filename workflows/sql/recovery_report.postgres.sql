-- Select Daily Figures: the recovery report's rows (PostgreSQL), one per day from the first recorded day of the last
-- $1 days (today included) up to today, oldest first. A day without a row in between shows as zeros, so the chart
-- has no gaps. No row in the window gives no row at all: the page then says there are no figures yet.
-- It starts with SELECT, not WITH: n8n 1.x's Postgres node takes only a SELECT for a query that may return no rows
-- and otherwise hands on one item {"success": true} instead of none.
-- The day leaves as text (YYYY-MM-DD): as a date it would reach n8n as a time at midnight in n8n's own time zone.
SELECT to_char(d.day, 'YYYY-MM-DD') AS day,
       coalesce(r.carts_seen, 0) AS carts_seen,
       coalesce(r.reminded_step_1, 0) AS reminded_step_1,
       coalesce(r.reminded_step_2, 0) AS reminded_step_2,
       coalesce(r.reminded_step_3, 0) AS reminded_step_3,
       coalesce(r.recovered_step_1, 0) AS recovered_step_1,
       coalesce(r.recovered_step_2, 0) AS recovered_step_2,
       coalesce(r.recovered_step_3, 0) AS recovered_step_3,
       coalesce(r.recovered_revenue, 0) AS recovered_revenue
FROM (
  SELECT min(day) AS first_day, greatest(max(day), current_date) AS last_day
  FROM recovery_daily
  WHERE day > current_date - $1::integer
) AS span
CROSS JOIN LATERAL generate_series(span.first_day, span.last_day, interval '1 day') AS d(day)
LEFT JOIN recovery_daily r ON r.day = d.day::date
ORDER BY d.day;
