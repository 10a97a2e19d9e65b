-- Credit-memo cycle time per marketplace and kind (return, debit-note): hours from the source's arrival (Amazon raised the return or asked for the credit: source_at) to the first exported revision in which the credit note was accepted by Amazon or filed in Vendor Central, over memos claimed in the last 180 days. Percentiles are nearest-rank (the value at rank ceil(p × n)), the same in Athena and DuckDB.
WITH closed AS (
  SELECT
    marketplace,
    kind,
    memo_id,
    min(source_at) AS source_at,
    min(updated_at) AS closed_at
  FROM credit_memos
  WHERE dt >= CAST(CAST(current_date - INTERVAL '180' DAY AS DATE) AS VARCHAR)
    AND state IN ('accepted', 'filed')
  GROUP BY marketplace, kind, memo_id
),
timed AS (
  SELECT
    marketplace,
    kind,
    CAST(date_diff('second', source_at, closed_at) AS DOUBLE) / 3600 AS hours,
    row_number() OVER (PARTITION BY marketplace, kind ORDER BY date_diff('second', source_at, closed_at), memo_id) AS rank_no,
    count(*) OVER (PARTITION BY marketplace, kind) AS n
  FROM closed
)
SELECT
  marketplace,
  kind,
  max(n) AS memos,
  round(min(CASE WHEN rank_no >= ceil(0.5 * n) THEN hours END), 2) AS p50_hours,
  round(min(CASE WHEN rank_no >= ceil(0.9 * n) THEN hours END), 2) AS p90_hours,
  round(min(CASE WHEN rank_no >= ceil(0.95 * n) THEN hours END), 2) AS p95_hours,
  round(max(hours), 2) AS max_hours
FROM timed
GROUP BY marketplace, kind
ORDER BY marketplace, kind
