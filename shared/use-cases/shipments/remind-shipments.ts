import { asnSchedule, noticesDue, windowSchedule } from '../../domain/shipments/fulfilment.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '../../events.ts';
import { type ShipmentDeps, updateFulfilment, updateShipment } from './send-shipment.ts';

/** Counts of one reminder run. */
export interface ShipmentReminderSummary {
  windowReminders: number;
  windowEscalations: number;
  asnReminders: number;
  asnEscalations: number;
}

/**
 * The scheduled milestone check. For every accepted PO inside its departure window with no
 * shipment: the reminders at the configured fractions of the window and the escalation before it
 * closes. For every shipment without an ASN at Amazon (queued, held, refused, unknown): the
 * reminders up to its ASN deadline and the escalation at it. Each notice is announced once; only
 * the records whose next notice is due are read (a sparse index per vendor code, never a scan).
 */
export function makeRemindShipments(deps: ShipmentDeps & { batchSize?: number }) {
  const limit = deps.batchSize ?? 500;
  return async function remindShipments(): Promise<ShipmentReminderSummary> {
    const now = deps.clock.now();
    const summary: ShipmentReminderSummary = {
      windowReminders: 0,
      windowEscalations: 0,
      asnReminders: 0,
      asnEscalations: 0,
    };
    for (const { vendorCode } of deps.vendors) {
      for (const record of await deps.fulfilments.noticesDue(vendorCode, now, limit)) {
        const { send, handled } =
          record.state === 'awaiting'
            ? noticesDue(windowSchedule(record, deps.settings.reminders), now, record.remindersSent)
            : { send: [], handled: [] };
        // Announce first, then record: after a crash between the two a reminder may repeat, never vanish.
        await deps.events.publish(
          send.map((notice) => ({
            source: EVENT_SOURCE.shipments,
            detailType:
              notice.kind === 'escalation'
                ? DETAIL_TYPE.shipWindowEscalation
                : DETAIL_TYPE.shipWindowReminder,
            detail: {
              purchaseOrderNumber: record.purchaseOrderNumber,
              vendorCode,
              state: record.state,
              window: record.window,
              notice: notice.id,
              dueAt: notice.at.toISOString(),
              hoursLeft: record.window
                ? Math.round((Date.parse(record.window.end) - now.getTime()) / 360_000) / 10
                : undefined,
            },
          })),
        );
        // Recorded even when nothing was due, so the index always moves on to the next notice.
        await updateFulfilment(deps, record, (r) => ({
          ...r,
          remindersSent: [...r.remindersSent, ...handled.filter((id) => !r.remindersSent.includes(id))],
        }));
        for (const notice of send) {
          if (notice.kind === 'escalation') summary.windowEscalations++;
          else summary.windowReminders++;
        }
      }
      for (const record of await deps.shipments.noticesDue(vendorCode, now, limit)) {
        const { send, handled } = noticesDue(
          asnSchedule(record, deps.settings.asnReminders),
          now,
          record.remindersSent,
        );
        await deps.events.publish(
          send.map((notice) => ({
            source: EVENT_SOURCE.shipments,
            detailType:
              notice.kind === 'escalation'
                ? DETAIL_TYPE.asnDeadlineEscalation
                : DETAIL_TYPE.asnDeadlineReminder,
            detail: {
              shipmentId: record.shipmentId,
              vendorCode,
              state: record.state,
              purchaseOrderNumbers: record.purchaseOrders.map((p) => p.purchaseOrderNumber),
              shippedDate: record.shippedDate,
              asnDeadline: record.asnDeadline,
              notice: notice.id,
              dueAt: notice.at.toISOString(),
              minutesLeft: Math.round((Date.parse(record.asnDeadline) - now.getTime()) / 60_000),
              ...(record.errors?.length ? { errors: record.errors } : {}),
            },
          })),
        );
        await updateShipment(deps, record, (r) => ({
          ...r,
          remindersSent: [...r.remindersSent, ...handled.filter((id) => !r.remindersSent.includes(id))],
        }));
        for (const notice of send) {
          if (notice.kind === 'escalation') summary.asnEscalations++;
          else summary.asnReminders++;
        }
      }
    }
    return summary;
  };
}
