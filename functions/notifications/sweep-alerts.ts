import { notificationsEnvironment } from '#shared/aws/notifications-environment.ts';
import { logger, withObservability } from '#shared/observability.ts';
import { makeSweepAlerts } from '#shared/use-cases/notifications/deliver-alerts.ts';

const env = notificationsEnvironment();
const sweep = makeSweepAlerts({
  config: env.alertsConfig,
  clock: env.clock,
  alerts: env.alerts,
  queue: env.queue,
});

/** Scheduled: nudges every channel with alerts due (quiet hours or digest window over, retries waiting). */
export async function sweepAlerts() {
  const result = await sweep();
  if (result.nudged.length > 0) logger.info('Channels with alerts due nudged', result);
  return result;
}

export const handler = withObservability(sweepAlerts);
