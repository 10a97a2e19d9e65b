-- Refund rate by ASIN and marketplace: units credited on return credit memos (credit_memo_lines of each memo's latest revision, memo accepted by Amazon or filed in Vendor Central) divided by the eaches Acorn accepted for that ASIN (acknowledgement_lines of the latest acknowledgement revision, joined to the latest PO version's line for the ASIN), memos and POs of the last 180 days. Debit-note memos are amounts, not units, and are left out; credited_net is the credited net amount of the returns.
WITH ordered AS (
  SELECT
    marketplace,
    asin,
    purchase_order_number,
    item_sequence_number,
    row_number() OVER (
      PARTITION BY purchase_order_number, item_sequence_number
      ORDER BY po_version DESC
    ) AS newest
  FROM purchase_order_lines
  WHERE dt >= CAST(CAST(current_date - INTERVAL '180' DAY AS DATE) AS VARCHAR)
),
acknowledged AS (
  SELECT
    purchase_order_number,
    item_sequence_number,
    outcome,
    accepted_eaches,
    row_number() OVER (
      PARTITION BY purchase_order_number, item_sequence_number
      ORDER BY revision DESC
    ) AS newest
  FROM acknowledgement_lines
  WHERE dt >= CAST(CAST(current_date - INTERVAL '180' DAY AS DATE) AS VARCHAR)
),
accepted AS (
  SELECT
    o.marketplace,
    o.asin,
    sum(a.accepted_eaches) AS accepted_eaches
  FROM ordered AS o
  JOIN acknowledged AS a
    ON a.purchase_order_number = o.purchase_order_number
    AND a.item_sequence_number = o.item_sequence_number
  WHERE o.newest = 1
    AND a.newest = 1
    AND a.outcome = 'decided'
    AND o.asin IS NOT NULL
  GROUP BY o.marketplace, o.asin
),
memo_lines AS (
  SELECT
    marketplace,
    memo_id,
    revision,
    state,
    asin,
    quantity,
    line_net,
    currency,
    max(revision) OVER (PARTITION BY memo_id) AS latest
  FROM credit_memo_lines
  WHERE dt >= CAST(CAST(current_date - INTERVAL '180' DAY AS DATE) AS VARCHAR)
    AND kind = 'return'
),
credited AS (
  SELECT
    marketplace,
    asin,
    currency,
    count(DISTINCT memo_id) AS memos,
    sum(quantity) AS credited_units,
    sum(line_net) AS credited_net
  FROM memo_lines
  WHERE revision = latest
    AND state IN ('accepted', 'filed')
    AND asin IS NOT NULL
  GROUP BY marketplace, asin, currency
)
SELECT
  a.asin,
  a.marketplace,
  a.accepted_eaches,
  coalesce(c.memos, 0) AS memos,
  coalesce(c.credited_units, 0) AS credited_units,
  c.credited_net,
  c.currency,
  round(CAST(coalesce(c.credited_units, 0) AS DOUBLE) / NULLIF(a.accepted_eaches, 0), 4) AS refund_rate
FROM accepted AS a
LEFT JOIN credited AS c
  ON c.marketplace = a.marketplace
  AND c.asin = a.asin
ORDER BY refund_rate DESC, a.asin, a.marketplace
