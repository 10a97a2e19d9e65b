-- Rejection rate by ASIN and marketplace: eaches rejected in Acorn's acknowledgements divided by eaches ordered, over decided lines,
-- latest versions, POs dated in the last 90 days. (The refund rate by ASIN needs the Vendor Central returns export, not archived yet.)
WITH ordered AS (
  SELECT
    marketplace,
    asin,
    purchase_order_number,
    item_sequence_number,
    ordered_eaches,
    row_number() OVER (
      PARTITION BY purchase_order_number, item_sequence_number
      ORDER BY po_version DESC
    ) AS newest
  FROM purchase_order_lines
  WHERE dt >= CAST(CAST(current_date - INTERVAL '90' DAY AS DATE) AS VARCHAR)
),
acknowledged AS (
  SELECT
    purchase_order_number,
    item_sequence_number,
    outcome,
    rejected_eaches,
    row_number() OVER (
      PARTITION BY purchase_order_number, item_sequence_number
      ORDER BY revision DESC
    ) AS newest
  FROM acknowledgement_lines
  WHERE dt >= CAST(CAST(current_date - INTERVAL '90' DAY AS DATE) AS VARCHAR)
)
SELECT
  o.asin,
  o.marketplace,
  sum(o.ordered_eaches) AS ordered_eaches,
  sum(a.rejected_eaches) AS rejected_eaches,
  round(CAST(sum(a.rejected_eaches) AS DOUBLE) / NULLIF(sum(o.ordered_eaches), 0), 4) AS rejection_rate
FROM ordered AS o
JOIN acknowledged AS a
  ON a.purchase_order_number = o.purchase_order_number
  AND a.item_sequence_number = o.item_sequence_number
WHERE o.newest = 1
  AND a.newest = 1
  AND a.outcome = 'decided'
  AND o.asin IS NOT NULL
GROUP BY o.asin, o.marketplace
ORDER BY sum(a.rejected_eaches) DESC, o.asin, o.marketplace
