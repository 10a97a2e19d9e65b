-- Daily oversell exposure over the last 90 days: per day (UTC) with stock changes, the SKUs changed, those whose last position of the day promised
-- more eaches than were sellable (Amazon reserved and shipped-not-counted + Shopify orders, unseen sales and shown available > on hand − safety stock),
-- and the eaches over; days without changes are left out.
WITH daily AS (
  SELECT
    dt,
    sku,
    amazon_reserved + amazon_shipped + shopify_committed + shopify_unseen
      + greatest(shopify_exposed, coalesce(shopify_raising, 0))
      - greatest(0, on_hand - safety_stock) AS excess,
    row_number() OVER (
      PARTITION BY dt, sku
      ORDER BY revision DESC
    ) AS newest
  FROM inventory_snapshots
  WHERE dt >= CAST(CAST(current_date - INTERVAL '90' DAY AS DATE) AS VARCHAR)
)
SELECT
  dt AS day,
  count(*) AS skus_changed,
  sum(CASE WHEN excess > 0 THEN 1 ELSE 0 END) AS skus_over_committed,
  sum(CASE WHEN excess > 0 THEN excess ELSE 0 END) AS over_committed_eaches,
  max(CASE WHEN excess > 0 THEN excess ELSE 0 END) AS worst_sku_eaches
FROM daily
WHERE newest = 1
GROUP BY dt
ORDER BY dt
