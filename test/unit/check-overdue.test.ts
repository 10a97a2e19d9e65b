import { describe, expect, it } from 'vitest';
import { ManualClock } from '#shared/clock.ts';
import type { AuditEvent } from '#shared/domain/audit.ts';
import type { InvoiceReconciliation } from '#shared/domain/payments/reconciliation.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '#shared/events.ts';
import { makeCheckOverdue } from '#shared/use-cases/payments/check-overdue.ts';
import type { Finding } from '#shared/use-cases/payments/ports.ts';
import type { DomainEvent } from '#shared/use-cases/ports.ts';

function record(invoiceNumber: string, dueDate: string, overrides: Partial<InvoiceReconciliation> = {}) {
  return {
    invoiceNumber,
    vendorCode: 'ACMEDE',
    marketplace: 'DE',
    currency: 'EUR',
    billed: '500.00',
    invoiceDate: '2026-07-01',
    dueDate,
    purchaseOrderNumbers: ['PO1'],
    paid: '-20.00',
    paymentReceived: false,
    deducted: { 'shortage-claim': '20.00' },
    deductedTotal: '20.00',
    open: '500.00',
    status: 'unpaid',
    payments: ['P1'],
    appliedLines: ['P1:INV1SC:1'],
    ...overrides,
  } satisfies InvoiceReconciliation;
}

function setup(records: InvoiceReconciliation[]) {
  const clock = new ManualClock(new Date('2026-09-20T03:00:00Z'));
  const findings = new Map<string, { finding: Finding; announced: boolean }>();
  const published: DomainEvent[] = [];
  const audited: AuditEvent[] = [];
  const asked: string[] = [];
  let failPublish = 0;
  const check = makeCheckOverdue({
    clock,
    receivables: {
      async *openReceivables(vendorCode, dueBefore) {
        asked.push(`${vendorCode}<${dueBefore}`);
        yield* records
          .filter((r) => r.vendorCode === vendorCode && r.dueDate! < dueBefore)
          .sort((a, b) => a.dueDate!.localeCompare(b.dueDate!));
      },
    },
    store: {
      async putFinding(finding) {
        const stored = findings.get(finding.id);
        if (!stored) {
          findings.set(finding.id, { finding, announced: false });
          return 'created';
        }
        return stored.announced ? 'announced' : 'unannounced';
      },
      async markAnnounced(id) {
        findings.get(id)!.announced = true;
      },
    },
    events: {
      async publish(events) {
        if (failPublish-- > 0) throw new Error('EventBridge unavailable');
        published.push(...events);
      },
    },
    audit: { record: async (e) => void audited.push(e) },
    vendorCodes: ['ACMEDE', 'ACMEUS'],
  });
  return { clock, check, findings, published, audited, asked, failNext: () => (failPublish = 1) };
}

describe('the scheduled check of invoices unpaid past terms', () => {
  it('announces an invoice unpaid past its due date once, however often the check runs', async () => {
    // Prepare: INV1 due three days ago with only a claim seen, INV2 short-paid past due (a
    // paid-mismatch already), INV3 due today, INV4 due next week
    const { clock, check, published, audited, asked } = setup([
      record('INV1', '2026-09-17'),
      record('INV2', '2026-09-01', { paymentReceived: true, status: 'short-paid', open: '12.00' }),
      record('INV3', '2026-09-20'),
      record('INV4', '2026-09-27'),
    ]);
    // Act
    const first = await check();
    clock.advance(86_400_000);
    const second = await check();
    // Assess
    expect(asked).toEqual([
      'ACMEDE<2026-09-20',
      'ACMEUS<2026-09-20',
      'ACMEDE<2026-09-21',
      'ACMEUS<2026-09-21',
    ]);
    expect(first).toEqual({ asOf: '2026-09-20', pastDue: 2, overdue: 1, announced: 1 });
    expect(second).toEqual({ asOf: '2026-09-21', pastDue: 3, overdue: 2, announced: 1 });
    expect(
      published.map((e) => [e.source, e.detailType, e.detail.id, e.detail.kind, e.detail.amount]),
    ).toEqual([
      [
        EVENT_SOURCE.payments,
        DETAIL_TYPE.paymentDiscrepancyFound,
        'ACMEDE:unpaid-past-terms:INV1',
        'unpaid-past-terms',
        '500.00',
      ],
      [
        EVENT_SOURCE.payments,
        DETAIL_TYPE.paymentDiscrepancyFound,
        'ACMEDE:unpaid-past-terms:INV3',
        'unpaid-past-terms',
        '500.00',
      ],
    ]);
    expect(audited.map((a) => [a.action, a.entity.id])).toEqual([
      ['payments.discrepancyFound', 'ACMEDE:unpaid-past-terms:INV1'],
      ['payments.discrepancyFound', 'ACMEDE:unpaid-past-terms:INV3'],
    ]);
  });

  it('announces on the next run what a failed publish left unannounced', async () => {
    const { check, published, findings, failNext } = setup([record('INV9', '2026-09-01')]);
    failNext();
    await expect(check()).rejects.toThrow('EventBridge unavailable');
    expect(findings.get('ACMEDE:unpaid-past-terms:INV9')?.announced).toBe(false);
    const retried = await check();
    expect(retried.announced).toBe(1);
    expect(published).toHaveLength(1);
    expect(findings.get('ACMEDE:unpaid-past-terms:INV9')?.announced).toBe(true);
  });
});
