-- Deductions by kind per vendor code and currency over remittances paid in the last 365 days: claims taken and reversals given back (lines), and the net amount deducted; terms discounts and withholding come from the payment lines' own columns.
-- Kinds: shortage-claim, price-claim, chargeback, coop, returns, provision, price-protection, terms-discount, withholding, unclassified; deductions naming no invoice Acorn billed are included.
WITH deductions AS (
  SELECT
    vendor_code,
    currency,
    deduction_kind AS kind,
    CASE WHEN amount_paid < 0 THEN 1 ELSE 0 END AS taken,
    CASE WHEN amount_paid > 0 THEN 1 ELSE 0 END AS reversed,
    -amount_paid AS amount
  FROM remittance_lines
  WHERE dt >= CAST(CAST(current_date - INTERVAL '365' DAY AS DATE) AS VARCHAR)
    AND deduction_kind IS NOT NULL
  UNION ALL
  SELECT vendor_code, currency, 'terms-discount', 1, 0, terms_discount
  FROM remittance_lines
  WHERE dt >= CAST(CAST(current_date - INTERVAL '365' DAY AS DATE) AS VARCHAR)
    AND kind = 'invoice-payment'
    AND terms_discount <> 0
  UNION ALL
  SELECT vendor_code, currency, 'withholding', 1, 0, withholding_amount
  FROM remittance_lines
  WHERE dt >= CAST(CAST(current_date - INTERVAL '365' DAY AS DATE) AS VARCHAR)
    AND kind = 'invoice-payment'
    AND withholding_amount <> 0
)
SELECT
  vendor_code,
  currency,
  kind,
  sum(taken) AS taken,
  sum(reversed) AS reversed,
  sum(amount) AS net_deducted
FROM deductions
GROUP BY vendor_code, currency, kind
ORDER BY vendor_code, currency, kind
