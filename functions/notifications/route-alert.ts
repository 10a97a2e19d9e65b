import type { EventBridgeEvent } from 'aws-lambda';
import { notificationsEnvironment } from '#shared/aws/notifications-environment.ts';
import { busEventSchema } from '#shared/domain/notifications/alerts.ts';
import { logger, withObservability } from '#shared/observability.ts';
import { makeRouteAlert } from '#shared/use-cases/notifications/route-alert.ts';
import { parseOrThrow } from '#shared/validation.ts';

const env = notificationsEnvironment();
const route = makeRouteAlert({
  config: env.alertsConfig,
  clock: env.clock,
  alerts: env.alerts,
  queue: env.queue,
  audit: env.audit,
});

/** A bus event some alert rule names (or an alarm / Step Functions status change) → its alerts, queued. */
export async function routeAlert(event: EventBridgeEvent<string, unknown>) {
  const parsed = parseOrThrow(busEventSchema, event, 'bus event');
  const { alerts, created } = await route(parsed);
  logger.info('Alerts routed', {
    detailType: parsed['detail-type'],
    eventId: parsed.id,
    created,
    alerts: alerts.map((a) => ({ id: a.id, channel: a.channel, severity: a.severity, dueAt: a.dueAt })),
  });
  return { created, alerts: alerts.map((a) => a.id) };
}

export const handler = withObservability(routeAlert);
