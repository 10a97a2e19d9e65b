import { OPEN_STATES } from '../../domain/purchase-orders/acknowledgement-record.ts';
import { dueNotices, reminderSchedule } from '../../domain/purchase-orders/deadlines.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '../../events.ts';
import { type AcknowledgementDeps, updateRecord } from './acknowledge-purchase-order.ts';

/** How far ahead the check looks: every deadline Amazon sets is within this. */
const HORIZON_MS = 72 * 60 * 60 * 1000;

/**
 * The scheduled deadline check: for every PO whose acknowledgement is still open, the reminders
 * due by now (at the configured fractions of the time to its deadline) and the escalation before
 * it, each announced once. Reads the due index per vendor code — never a scan.
 */
export function makeRemindAcknowledgementDeadlines(deps: AcknowledgementDeps & { batchSize?: number }) {
  return async function remindAcknowledgementDeadlines(): Promise<{
    reminders: number;
    escalations: number;
  }> {
    const now = deps.clock.now();
    let reminders = 0;
    let escalations = 0;
    for (const { vendorCode } of deps.vendors) {
      const due = await deps.acknowledgements.dueBefore(
        vendorCode,
        new Date(now.getTime() + HORIZON_MS),
        deps.batchSize ?? 500,
      );
      for (const record of due) {
        if (!OPEN_STATES.has(record.state)) continue;
        const schedule = reminderSchedule(
          new Date(record.purchaseOrderDate),
          new Date(record.deadline),
          deps.reminders,
        );
        const { send, superseded } = dueNotices(schedule, now, record.remindersSent);
        if (send.length === 0 && superseded.length === 0) continue;
        // Announce first, then record: after a crash between the two a reminder may repeat, never vanish.
        await deps.events.publish(
          send.map((notice) => ({
            source: EVENT_SOURCE.purchaseOrders,
            detailType:
              notice.kind === 'escalation'
                ? DETAIL_TYPE.acknowledgementDeadlineEscalation
                : DETAIL_TYPE.acknowledgementDeadlineReminder,
            detail: {
              purchaseOrderNumber: record.purchaseOrderNumber,
              vendorCode,
              state: record.state,
              deadline: record.deadline,
              notice: notice.id,
              dueAt: notice.at.toISOString(),
              minutesLeft: Math.round((Date.parse(record.deadline) - now.getTime()) / 60000),
            },
          })),
        );
        const ids = [...send, ...superseded].map((n) => n.id);
        await updateRecord(
          deps.acknowledgements,
          record,
          (r) => {
            const fresh = ids.filter((id) => !r.remindersSent.includes(id));
            return fresh.length ? { ...r, remindersSent: [...r.remindersSent, ...fresh] } : undefined;
          },
          () => deps.clock.now(),
        );
        for (const notice of send) {
          if (notice.kind === 'escalation') escalations++;
          else reminders++;
        }
      }
    }
    return { reminders, escalations };
  };
}
