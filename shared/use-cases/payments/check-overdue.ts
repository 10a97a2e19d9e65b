import type { Clock } from '../../clock.ts';
import type { AuditActor } from '../../domain/audit.ts';
import { overdueDiscrepancy } from '../../domain/payments/reconciliation.ts';
import type { AuditTrail } from '../outbox/ports.ts';
import type { EventPublisher } from '../ports.ts';
import { announceFindings, findingId, toEvent } from './findings.ts';
import type { Finding, PaymentsStore, ReceivablesReader } from './ports.ts';

/** The actor of the scheduled check (audit trail). */
export const OVERDUE_ACTOR: AuditActor = { type: 'system', id: 'payments-overdue-check' };

/** Dependencies of {@link makeCheckOverdue}. */
export interface CheckOverdueDeps {
  readonly clock: Clock;
  readonly receivables: ReceivablesReader;
  readonly store: Pick<PaymentsStore, 'putFinding' | 'markAnnounced'>;
  readonly events: EventPublisher;
  readonly audit: AuditTrail;
  readonly vendorCodes: readonly string[];
}

/** What one check found. */
export interface CheckOverdueSummary {
  readonly asOf: string;
  /** Open receivables past their due date that were looked at. */
  readonly pastDue: number;
  /** Invoices unpaid past terms (no payment of the invoice itself seen). */
  readonly overdue: number;
  /** Of those, announced for the first time by this run. */
  readonly announced: number;
}

/**
 * Scheduled: the receivables index read per vendor code up to today (only records with something
 * open are in it, oldest due date first); each invoice still unpaid past its due date (invoice date
 * + terms) raises PaymentDiscrepancyFound `unpaid-past-terms` once — the finding's id is stable, so
 * the daily run announces it on the first day only — with an audit event.
 */
export function makeCheckOverdue(deps: CheckOverdueDeps) {
  return async function checkOverdue(): Promise<CheckOverdueSummary> {
    const now = deps.clock.now();
    const at = now.toISOString();
    const today = at.slice(0, 10);
    let pastDue = 0;
    let overdue = 0;
    let announced = 0;
    for (const vendorCode of deps.vendorCodes) {
      const findings: Finding[] = [];
      for await (const record of deps.receivables.openReceivables(vendorCode, today)) {
        pastDue++;
        const discrepancy = overdueDiscrepancy(record, today);
        if (!discrepancy) continue;
        overdue++;
        findings.push({
          id: findingId(vendorCode, discrepancy.id),
          type: 'discrepancy',
          vendorCode,
          marketplace: record.marketplace ?? '',
          detectedAt: at,
          detail: { ...discrepancy, vendorCode, dueDate: record.dueDate },
        });
      }
      for (let i = 0; i < findings.length; i += 100) {
        const fresh = await announceFindings(deps, findings.slice(i, i + 100), toEvent);
        announced += fresh.length;
        for (const f of fresh) {
          await deps.audit.record({
            id: `payments.${f.id}`.replace(/[^A-Za-z0-9._:#=+@-]/g, '-').slice(0, 300),
            at,
            actor: OVERDUE_ACTOR,
            action: 'payments.discrepancyFound',
            entity: { type: 'PaymentDiscrepancy', id: f.id.slice(0, 200) },
            reason: String(f.detail.message ?? ''),
            after: { kind: f.detail.kind, amount: f.detail.amount, currency: f.detail.currency },
            module: 'payments',
          });
        }
      }
    }
    return { asOf: today, pastDue, overdue, announced };
  };
}
