-- Acknowledgement outcomes per marketplace and current state (the latest revision of each PO's acknowledgement):
-- POs, their lines, lines still waiting for a person, and acknowledgements Amazon took after its deadline; POs dated in the last 90 days.
WITH latest AS (
  SELECT
    marketplace,
    purchase_order_number,
    state,
    deadline,
    submitted_at,
    line_count,
    lines_in_review,
    row_number() OVER (PARTITION BY purchase_order_number ORDER BY revision DESC) AS newest
  FROM acknowledgements
  WHERE dt >= CAST(CAST(current_date - INTERVAL '90' DAY AS DATE) AS VARCHAR)
)
SELECT
  marketplace,
  state,
  count(*) AS purchase_orders,
  sum(line_count) AS lines,
  sum(lines_in_review) AS lines_in_review,
  sum(CASE WHEN submitted_at > deadline THEN 1 ELSE 0 END) AS submitted_late
FROM latest
WHERE newest = 1
GROUP BY marketplace, state
ORDER BY marketplace, state
