-- Entity history: every audit event of one entity in the last 18 months, oldest first: who did what, when and why ("who approved memo X").
-- Two parameters: the entity type and id, e.g. 'PurchaseOrder', '4R9DIAQD' (Athena: EXECUTE ... USING; npm run query -- entity_history PurchaseOrder 4R9DIAQD).
SELECT
  occurred_at,
  action,
  actor_type,
  actor_id,
  reason,
  module
FROM audit_events
WHERE entity_type = ?
  AND entity_id = ?
  AND dt >= CAST(CAST(current_date - INTERVAL '548' DAY AS DATE) AS VARCHAR)
ORDER BY occurred_at, event_id
