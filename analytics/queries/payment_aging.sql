-- Payment aging per vendor code and currency as of a day: the open amount of each invoice (its latest reconciliation state), bucketed by days past the due date (invoice date + terms): not-due, 1-30, 31-60, 61-90, 90+; invoices with nothing open left out, overpaid ones counted negative.
-- One parameter: the as-of day, e.g. '2026-11-30' (Athena: EXECUTE ... USING '2026-11-30'; npm run query -- payment_aging 2026-11-30).
WITH latest AS (
  SELECT
    vendor_code,
    currency,
    invoice_number,
    due_date,
    open_amount,
    row_number() OVER (
      PARTITION BY vendor_code, invoice_number
      ORDER BY updated_at DESC, line_count DESC
    ) AS newest
  FROM reconciliation
  WHERE dt >= CAST(CAST(current_date - INTERVAL '548' DAY AS DATE) AS VARCHAR)
),
aged AS (
  SELECT
    vendor_code,
    currency,
    open_amount,
    date_diff('day', CAST(due_date AS DATE), CAST(? AS DATE)) AS days_past_due
  FROM latest
  WHERE newest = 1
    AND open_amount <> 0
)
SELECT
  vendor_code,
  currency,
  CASE
    WHEN days_past_due <= 0 THEN 'not-due'
    WHEN days_past_due <= 30 THEN '1-30'
    WHEN days_past_due <= 60 THEN '31-60'
    WHEN days_past_due <= 90 THEN '61-90'
    ELSE '90+'
  END AS bucket,
  count(*) AS invoices,
  sum(open_amount) AS open_amount
FROM aged
GROUP BY 1, 2, 3
ORDER BY vendor_code, currency, bucket
