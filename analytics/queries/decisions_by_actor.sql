-- Who changes what: audit events per day, action and kind of actor (rules, people, the system) over the last 30 days.
SELECT
  dt AS event_day,
  action,
  actor_type,
  count(*) AS events
FROM audit_events
WHERE dt >= CAST(CAST(current_date - INTERVAL '30' DAY AS DATE) AS VARCHAR)
GROUP BY dt, action, actor_type
ORDER BY dt, action, actor_type
