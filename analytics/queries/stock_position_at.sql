-- Stock position at the end of a day (UTC): each SKU's latest exported revision written on or before that day: on hand, what Amazon and Shopify hold,
-- what Shopify shows, what the allocation left available, and the eaches promised beyond the sellable units (over_committed, 0 when none).
-- One parameter: the day, e.g. '2026-11-30' (Athena: EXECUTE ... USING '2026-11-30'; npm run query -- stock_position_at 2026-11-30).
WITH latest AS (
  SELECT
    sku,
    revision,
    updated_at,
    on_hand,
    safety_stock,
    amazon_reserved,
    amazon_shipped,
    shopify_committed,
    shopify_unseen,
    shopify_exposed,
    shopify_raising,
    amazon_available,
    shopify_available,
    drift,
    row_number() OVER (
      PARTITION BY sku
      ORDER BY revision DESC
    ) AS newest
  FROM inventory_snapshots
  WHERE dt <= ?
)
SELECT
  sku,
  revision,
  updated_at,
  on_hand,
  amazon_reserved,
  amazon_shipped,
  shopify_committed,
  shopify_unseen,
  shopify_exposed,
  amazon_available,
  shopify_available,
  drift,
  greatest(
    0,
    amazon_reserved + amazon_shipped + shopify_committed + shopify_unseen
      + greatest(shopify_exposed, coalesce(shopify_raising, 0))
      - greatest(0, on_hand - safety_stock)
  ) AS over_committed
FROM latest
WHERE newest = 1
ORDER BY sku
