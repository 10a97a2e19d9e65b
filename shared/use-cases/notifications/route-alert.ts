import type { Clock } from '../../clock.ts';
import type { AuditEvent } from '../../domain/audit.ts';
import type { AlertsConfig } from '../../domain/notifications/alert-config.ts';
import { type Alert, type BusEvent, routeEvent } from '../../domain/notifications/alerts.ts';
import type { AuditTrail } from '../outbox/ports.ts';
import type { AlertQueue, AlertStore } from './ports.ts';

/** The actor of routing and delivery in the audit trail. */
export const ALERTS_ACTOR = { type: 'system', id: 'alerts' } as const;

/** The audit event of an alert's change. */
export function alertAuditEvent(alert: Alert, action: string, reason: string, before?: Alert): AuditEvent {
  return {
    id: `alert.${alert.id}.${action}`,
    at: alert.updatedAt,
    actor: ALERTS_ACTOR,
    action: `alert.${action}`,
    entity: { type: 'Alert', id: alert.id },
    reason: reason.slice(0, 2000),
    ...(before ? { before: { state: before.state } } : {}),
    after: {
      state: alert.state,
      channel: alert.channel,
      severity: alert.severity,
      detailType: alert.detailType,
      dueAt: alert.dueAt,
      ...(alert.deliveryKey ? { deliveryKey: alert.deliveryKey } : {}),
      ...(alert.error ? { error: alert.error } : {}),
    },
    module: 'notifications',
  };
}

/**
 * A bus event → its alerts, stored once each (a redelivered event finds them stored), audited, and
 * the deliverers nudged for those due now; deferred ones (quiet hours, digests) are picked up by
 * the sweep when due.
 */
export function makeRouteAlert(deps: {
  config: AlertsConfig;
  clock: Clock;
  alerts: AlertStore;
  queue: AlertQueue;
  audit: AuditTrail;
}) {
  return async (event: BusEvent): Promise<{ alerts: Alert[]; created: number }> => {
    const now = deps.clock.now();
    const alerts = routeEvent(deps.config, event, now);
    let created = 0;
    for (const alert of alerts) {
      if ((await deps.alerts.create(alert)) === 'created') {
        created++;
        await deps.audit.record(
          alertAuditEvent(
            alert,
            'raised',
            `${alert.detailType} routed to ${alert.channel} by ${alert.rules.join(', ')}${
              alert.deferredFor ? `; held for ${alert.deferredFor} until ${alert.dueAt}` : ''
            }`,
          ),
        );
      }
      // Also for an alert stored by an earlier attempt that may have stopped before its nudge.
      if (Date.parse(alert.dueAt) <= now.getTime()) await deps.queue.nudge(alert.channel);
    }
    return { alerts, created };
  };
}
