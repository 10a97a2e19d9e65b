-- PO fill rate per marketplace and vendor code: eaches accepted in Acorn's acknowledgements divided by eaches Amazon ordered,
-- over decided lines, taking the latest version of each PO line and the latest revision of each acknowledgement, for POs dated in the last 90 days.
WITH ordered AS (
  SELECT
    marketplace,
    vendor_code,
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
    accepted_eaches,
    backordered_eaches,
    rejected_eaches,
    row_number() OVER (
      PARTITION BY purchase_order_number, item_sequence_number
      ORDER BY revision DESC
    ) AS newest
  FROM acknowledgement_lines
  WHERE dt >= CAST(CAST(current_date - INTERVAL '90' DAY AS DATE) AS VARCHAR)
)
SELECT
  o.marketplace,
  o.vendor_code,
  count(DISTINCT o.purchase_order_number) AS purchase_orders,
  sum(o.ordered_eaches) AS ordered_eaches,
  sum(a.accepted_eaches) AS accepted_eaches,
  sum(a.backordered_eaches) AS backordered_eaches,
  sum(a.rejected_eaches) AS rejected_eaches,
  round(CAST(sum(a.accepted_eaches) AS DOUBLE) / NULLIF(sum(o.ordered_eaches), 0), 4) AS fill_rate
FROM ordered AS o
JOIN acknowledged AS a
  ON a.purchase_order_number = o.purchase_order_number
  AND a.item_sequence_number = o.item_sequence_number
WHERE o.newest = 1
  AND a.newest = 1
  AND a.outcome = 'decided'
GROUP BY o.marketplace, o.vendor_code
ORDER BY o.marketplace, o.vendor_code
