-- Outbox outcomes: writes to the outside world that settled in the last 30 days, per module, operation and final state (sent, simulated, failed),
-- with the attempts they took.
SELECT
  module,
  operation,
  state,
  count(*) AS messages,
  sum(attempts) AS attempts,
  max(attempts) AS max_attempts
FROM outbox_messages
WHERE dt >= CAST(CAST(current_date - INTERVAL '30' DAY AS DATE) AS VARCHAR)
GROUP BY module, operation, state
ORDER BY module, operation, state
