import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  exportAmountText,
  exportDateText,
  type GeneratedRemittance,
  generateRemittance,
  remittanceCsv,
  remittanceXlsx,
} from '#local/amazon-sandbox/remittance.ts';
import { batchWriteItems } from '#shared/aws/dynamodb-query.ts';
import { parseMoney } from '#shared/domain/money.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '#shared/events.ts';
import type { CheckOverdueSummary } from '#shared/use-cases/payments/check-overdue.ts';
import { dropInInbox, startTestSystem, tableItems } from '../support/local-system.ts';

type System = Awaited<ReturnType<typeof startTestSystem>>;

const DAY = 86_400_000;

async function api(
  system: System,
  path: string,
  query: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const token = system.signIn({ username: 'ana', groups: ['analyst'] });
  const res = await system.runtime.handleHttp('GET', path, query, undefined, {
    authorization: `Bearer ${token}`,
  });
  return { status: res.statusCode, body: JSON.parse(res.body.toString()) as Record<string, unknown> };
}

/** Invoicing's invoice records (the contract shape: pk INVOICE#<n>, sk INVOICE). */
interface SeededInvoice {
  invoiceNumber: string;
  vendorCode: string;
  marketplace: string;
  currency: string;
  invoiceDate: string;
  total: string;
  purchaseOrderNumbers: string[];
  paymentTermsNetDays?: number;
}

function invoicesOf(
  vendorCode: string,
  marketplace: string,
  currency: string,
  count: number,
  today: number,
): SeededInvoice[] {
  return Array.from({ length: count }, (_, i) => ({
    invoiceNumber: `${marketplace}-INV-${String(1000 + i)}`,
    vendorCode,
    marketplace,
    currency,
    // From today back to 200 days ago: every aging bucket gets some.
    invoiceDate: new Date(today - ((i * 37) % 200) * DAY).toISOString().slice(0, 10),
    total: `${(150 + i * 17) % 2000}.${String((i * 7) % 100).padStart(2, '0')}`,
    purchaseOrderNumbers: [`${marketplace}PO${i}`],
    ...(i % 5 === 0 ? { paymentTermsNetDays: 30 } : {}),
  }));
}

async function seedInvoices(system: System, invoices: readonly SeededInvoice[]): Promise<void> {
  const client = new DynamoDBClient({
    endpoint: system.runtime.endpoints.dynamodb,
    region: system.runtime.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const items = invoices.map((inv) => ({
    pk: `INVOICE#${inv.invoiceNumber}`,
    sk: 'INVOICE',
    invoiceType: 'Invoice',
    taxTotal: '0.00',
    lines: [
      {
        itemSequenceNumber: '1',
        purchaseOrderNumber: inv.purchaseOrderNumbers[0],
        vendorProductIdentifier: '4006381333931',
        quantity: 1,
        netCost: inv.total,
        taxAmount: '0.00',
      },
    ],
    state: 'Accepted',
    ...inv,
  }));
  await batchWriteItems(
    client,
    system.runtime.physicalName('Table'),
    items.map((item) => marshall(item)),
  );
  client.destroy();
}

const importsDone = (system: System) =>
  system.runtime.invocations().filter((i) => i.functionId === 'ImportRemittanceFile');

async function importsSettle(system: System, count: number): Promise<void> {
  await vi.waitFor(
    () => {
      const done = importsDone(system);
      const failed = done.filter((i) => !i.ok);
      if (failed.length > 0) throw new Error(`import failed: ${failed[0]!.errorMessage}`);
      if (done.length < count) throw new Error(`${done.length} of ${count} imports done`);
    },
    { timeout: 60_000, interval: 200 },
  );
}

/** The payments items of the table (records, lines, findings, files), comparable as a snapshot. */
async function paymentItems(system: System): Promise<string[]> {
  return (await tableItems(system))
    .filter((i) => /^(PAYMENT#|PAYFINDING#|REMITTANCE_FILE#)/.test(i.pk?.S ?? ''))
    .map((i) => JSON.stringify(i))
    .sort();
}

/** Days from `due` to `today` in whole days (both YYYY-MM-DD), bucketed as operators read aging. */
function bucketOf(due: string, today: string): string {
  const days = (Date.parse(`${today}T00:00:00Z`) - Date.parse(`${due}T00:00:00Z`)) / DAY;
  if (days <= 0) return 'not-due';
  if (days <= 30) return '1-30';
  if (days <= 60) return '31-60';
  if (days <= 90) return '61-90';
  return '90+';
}

const cents = (amount: string, currency: string) => {
  const m = parseMoney(amount, currency);
  return Number(m.units * 10n ** BigInt(2 - m.scale));
};

describe('remittance reconciliation on the local system', () => {
  let system: System;
  let de: GeneratedRemittance;
  let us: GeneratedRemittance;
  let invoices: SeededInvoice[];

  beforeAll(async () => {
    system = await startTestSystem({ poGeneration: { backlog: 0, perHour: 0 } });
    const now = system.runtime.clock.now().getTime();
    const deInvoices = invoicesOf('ACMEDE', 'DE', 'EUR', 70, now);
    const usInvoices = invoicesOf('ACMEUS', 'US', 'USD', 50, now);
    invoices = [...deInvoices, ...usInvoices];
    // An invoice 150 days old that no payment ever covered (only a claim will come).
    await seedInvoices(system, [
      ...invoices,
      {
        invoiceNumber: 'DE-OLD-1',
        vendorCode: 'ACMEDE',
        marketplace: 'DE',
        currency: 'EUR',
        invoiceDate: new Date(now - 150 * DAY).toISOString().slice(0, 10),
        total: '812.40',
        purchaseOrderNumbers: ['DEPOOLD'],
      },
    ]);
    const paymentDate = new Date(now - DAY).toISOString().slice(0, 10);
    de = generateRemittance({
      invoices: deInvoices,
      marketplace: 'DE',
      currency: 'EUR',
      paymentNumber: '4400123',
      paymentDate,
      seed: 5,
    });
    us = generateRemittance({
      invoices: usInvoices,
      marketplace: 'US',
      currency: 'USD',
      paymentNumber: '8800456',
      paymentDate,
      seed: 6,
    });
    // A CSV export for the German account, an XLSX export for the American one.
    await dropInInbox(system, 'remittance/ACMEDE/DE/payment-4400123.csv', remittanceCsv(de));
    await dropInInbox(system, 'remittance/ACMEUS/US/payment-8800456.xlsx', remittanceXlsx(us));
    await importsSettle(system, 2);
  }, 180_000);

  afterAll(async () => {
    await system?.dispose();
  });

  it("shows every remitted invoice's paid, deducted and open amounts as the generator meant them", async () => {
    for (const [vendorCode, remittance] of [
      ['ACMEDE', de],
      ['ACMEUS', us],
    ] as const) {
      const res = await api(system, '/api/payments', { vendorCode, limit: '500' });
      expect(res.status).toBe(200);
      const items = res.body.items as Record<string, unknown>[];
      const byNumber = new Map(items.map((i) => [String(i.invoiceNumber), i]));
      const remitted = [...remittance.truth].filter(([, t]) => t.inRemittance);
      expect(byNumber.size).toBe(remitted.length);
      for (const [number, truth] of remitted) {
        const item = byNumber.get(number);
        expect({ number, paid: item?.paid, deducted: item?.deducted, open: item?.open }).toEqual({
          number,
          paid: truth.paid,
          deducted: truth.deducted,
          open: truth.open,
        });
        expect(item?.status).toBe(truth.unexplained ? 'short-paid' : 'settled');
      }
    }
    // One invoice with its lines: as many as the export has for it.
    const [someNumber] = [...de.truth].find(([, t]) => Object.keys(t.deducted).length > 0)!;
    const one = await api(system, '/api/payments', { invoiceNumber: someNumber });
    expect(one.status).toBe(200);
    expect((one.body.lines as unknown[]).length).toBe(
      de.lines.filter((l) => l.invoice === someNumber).length,
    );
    expect((await api(system, '/api/payments', { invoiceNumber: 'NOPE-1' })).status).toBe(404);
  });

  it('ages the open amounts by due date (invoice date + terms) per currency', async () => {
    const today = system.runtime.clock.now().toISOString().slice(0, 10);
    const res = await api(system, '/api/payments/aging');
    expect(res.status).toBe(200);
    // Independently: the open amounts of the ground truth, by the invoice's own due date.
    const expected = new Map<string, Map<string, { invoices: number; cents: number }>>();
    for (const remittance of [de, us]) {
      for (const [number, truth] of remittance.truth) {
        if (!truth.inRemittance || cents(truth.open, remittance.currency) === 0) continue;
        const invoice = invoices.find((i) => i.invoiceNumber === number)!;
        const due = new Date(Date.parse(invoice.invoiceDate) + (invoice.paymentTermsNetDays ?? 60) * DAY)
          .toISOString()
          .slice(0, 10);
        const buckets = expected.get(remittance.currency) ?? new Map();
        expected.set(remittance.currency, buckets);
        const b = buckets.get(bucketOf(due, today)) ?? { invoices: 0, cents: 0 };
        buckets.set(bucketOf(due, today), {
          invoices: b.invoices + 1,
          cents: b.cents + cents(truth.open, remittance.currency),
        });
      }
    }
    expect(expected.size).toBeGreaterThan(0);
    const report = res.body as {
      asOf: string;
      currencies: { currency: string; buckets: Record<string, { invoices: number; open: string }> }[];
    };
    expect(report.asOf).toBe(today);
    const actual = new Map(
      report.currencies.map((c) => [
        c.currency,
        new Map(
          Object.entries(c.buckets)
            .filter(([, b]) => b.invoices > 0)
            .map(([bucket, b]) => [bucket, { invoices: b.invoices, cents: cents(b.open, c.currency) }]),
        ),
      ]),
    );
    expect(actual).toEqual(expected);
  });

  it('lists the discrepancies, dispute candidates and credit requests the export calls for', async () => {
    for (const [vendorCode, remittance] of [
      ['ACMEDE', de],
      ['ACMEUS', us],
    ] as const) {
      const discrepancies = await api(system, '/api/discrepancies', { vendorCode, limit: '500' });
      expect(discrepancies.status).toBe(200);
      const kinds = (discrepancies.body.items as { kind: string; invoiceNumber?: string }[])
        .map((d) => `${d.kind}:${d.invoiceNumber ?? ''}`)
        .sort();
      // Ground truth: unexplained short-pays, the payment of an invoice never billed, a claim on one.
      const expected = [
        ...[...remittance.truth].filter(([, t]) => t.unexplained).map(([n]) => `paid-mismatch:${n}`),
        ...remittance.lines
          .filter((l) => l.kind === 'invoice-payment' && !l.invoice)
          .map((l) => `payment-for-unknown-invoice:${l.invoiceNumber}`),
        ...remittance.lines
          .filter((l) => !l.invoice && l.kind === 'shortage-claim')
          .map((l) => `deduction-without-invoice:${l.invoiceNumber.replace(/SC$/, '')}`),
      ].sort();
      expect(kinds).toEqual(expected);

      const disputes = await api(system, '/api/discrepancies', { vendorCode, type: 'dispute', limit: '500' });
      expect((disputes.body.items as { claimNumber: string }[]).map((d) => d.claimNumber).sort()).toEqual(
        remittance.lines
          // Also the claim on an invoice Acorn never billed: disputable, its evidence all missing
          .filter((l) => l.kind === 'shortage-claim' || l.kind === 'price-claim')
          .map((l) => l.invoiceNumber)
          .sort(),
      );
      const credits = await api(system, '/api/discrepancies', {
        vendorCode,
        type: 'credit-request',
        limit: '500',
      });
      expect(
        (credits.body.items as { debitNoteNumber: string }[]).map((c) => c.debitNoteNumber).sort(),
      ).toEqual(
        remittance.lines
          .filter((l) => l.kind === 'returns-debit-note')
          .map((l) => l.invoiceNumber)
          .sort(),
      );
    }
  });

  it('changes nothing when the same file is dropped again, or its twin in the other format', async () => {
    // Prepare
    const before = await paymentItems(system);
    const announced = () =>
      system.runtime
        .publishedEvents()
        .map((p) => p.event)
        .filter(
          (e) => e.source === EVENT_SOURCE.payments && e['detail-type'] !== DETAIL_TYPE.remittanceImported,
        ).length;
    const announcedBefore = announced();
    expect(announcedBefore).toBeGreaterThan(0);
    // Act
    await dropInInbox(system, 'remittance/ACMEDE/DE/payment-4400123.csv', remittanceCsv(de));
    await dropInInbox(system, 'remittance/ACMEDE/DE/payment-4400123-again.xlsx', remittanceXlsx(de));
    await dropInInbox(system, 'remittance/ACMEUS/US/payment-8800456.csv', remittanceCsv(us));
    await importsSettle(system, 5);
    // Assess: the same lines, records, findings; only the twins' file hashes are new
    const after = await paymentItems(system);
    const newItems = after.filter((i) => !before.includes(i));
    expect(before.filter((i) => !after.includes(i))).toEqual([]);
    expect(newItems.map((i) => (JSON.parse(i) as { pk: { S: string } }).pk.S.split('#')[0])).toEqual([
      'REMITTANCE_FILE',
      'REMITTANCE_FILE',
    ]);
    expect(announced()).toBe(announcedBefore);
    const imported = system.runtime
      .publishedEvents()
      .map((p) => p.event)
      .filter((e) => e['detail-type'] === DETAIL_TYPE.remittanceImported)
      .map((e) => e.detail as { file: string; applied: number; duplicateOf?: { file: string } });
    expect(
      imported
        .slice(2)
        .map((d) => [d.file, d.applied, d.duplicateOf?.file])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      ['remittance/ACMEDE/DE/payment-4400123-again.xlsx', 0, undefined],
      ['remittance/ACMEDE/DE/payment-4400123.csv', 0, 'remittance/ACMEDE/DE/payment-4400123.csv'],
      ['remittance/ACMEUS/US/payment-8800456.csv', 0, undefined],
    ]);
  });

  it('announces an invoice unpaid past its terms once, from the scheduled check of the receivables', async () => {
    // Prepare: a remittance with only a shortage claim against DE-OLD-1 (due 90 days ago)
    const day = system.runtime.clock.now().toISOString().slice(0, 10);
    const claim = parseMoney('-25.00', 'EUR');
    const csv = [
      'Payment Number;5500001',
      `Payment Date;${exportDateText(day, 'DE')}`,
      'Payment Currency;EUR',
      '',
      'Invoices',
      'Invoice Number;Invoice Date;Transaction type;Transaction Description;Reference Details;Original Invoice Number;Invoice Amount;Invoice Currency;Withholding Amount;Terms Discount Taken;Amount Paid;Remaining Amount',
      `DE-OLD-1SC;${exportDateText(day, 'DE')};Financial Debit Note Invoice;Quantity shortage;;;${exportAmountText(claim, 'DE')};EUR;0,00;0,00;${exportAmountText(claim, 'DE')};0,00`,
    ].join('\r\n');
    await dropInInbox(system, 'remittance/ACMEDE/DE/claim-only.csv', csv);
    await importsSettle(system, 6);
    const overdueEvents = () =>
      system.runtime
        .publishedEvents()
        .map((p) => p.event)
        .filter(
          (e) =>
            e['detail-type'] === DETAIL_TYPE.paymentDiscrepancyFound && e.detail.kind === 'unpaid-past-terms',
        );
    // Act: the daily check, twice
    const first = await system.runtime.schedules.fireNow('CheckOverdueInvoices/Schedule');
    const second = await system.runtime.schedules.fireNow('CheckOverdueInvoices/Schedule');
    // Assess
    expect(first.error).toBeUndefined();
    expect((first.result as CheckOverdueSummary).announced).toBe(1);
    expect((second.result as CheckOverdueSummary).announced).toBe(0);
    expect(overdueEvents().map((e) => [e.detail.id, e.detail.invoiceNumber, e.detail.amount])).toEqual([
      ['ACMEDE:unpaid-past-terms:DE-OLD-1', 'DE-OLD-1', '812.40'],
    ]);
    const listed = await api(system, '/api/discrepancies', { vendorCode: 'ACMEDE', limit: '500' });
    expect(
      (listed.body.items as { kind: string; invoiceNumber?: string }[]).filter(
        (d) => d.kind === 'unpaid-past-terms',
      ),
    ).toEqual([expect.objectContaining({ invoiceNumber: 'DE-OLD-1', amount: '812.40' })]);
  });
});
