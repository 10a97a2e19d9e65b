import { describe, expect, it } from 'vitest';
import {
  type GeneratedRemittance,
  generateRemittance,
  type RemittedInvoice,
  remittanceCsv,
  remittanceXlsx,
} from '#local/amazon-sandbox/remittance.ts';
import { exportLocale } from '#shared/domain/payments/locale.ts';
import {
  agingReport,
  applyLines,
  type InvoiceFacts,
  invoiceDiscrepancy,
  LineIdentities,
  lineDiscrepancy,
  type MatchedLine,
  matchLine,
  newReconciliation,
  overdueDiscrepancy,
} from '#shared/domain/payments/reconciliation.ts';
import {
  parseRemittanceRows,
  type RemittanceLine,
  type SheetRow,
} from '#shared/domain/payments/remittance-file.ts';
import { csvRows } from '#shared/files/csv-rows.ts';
import { xlsxRows } from '#shared/files/xlsx-rows.ts';

function invoicesFor(count: number, currency: string): RemittedInvoice[] {
  return Array.from({ length: count }, (_, i) => ({
    invoiceNumber: `INV${String(100000 + i)}`,
    invoiceDate: '2026-08-01',
    total: `${1000 + i * 37}.${String(i % 100).padStart(2, '0')}`,
    currency,
    purchaseOrderNumbers: [`PO${String(i).padStart(6, '0')}`],
  }));
}

function facts(invoices: RemittedInvoice[], marketplace: string): Map<string, InvoiceFacts> {
  return new Map(
    invoices.map((inv) => [
      inv.invoiceNumber,
      {
        invoiceNumber: inv.invoiceNumber,
        invoiceType: 'Invoice',
        vendorCode: 'ACME1',
        marketplace,
        currency: inv.currency,
        invoiceDate: inv.invoiceDate,
        total: inv.total,
        purchaseOrderNumbers: inv.purchaseOrderNumbers,
        paymentTermsNetDays: 60,
      },
    ]),
  );
}

async function* chunked(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function parseAll(rows: AsyncIterable<SheetRow>, marketplace: string, currency: string) {
  const lines: RemittanceLine[] = [];
  const problems = [];
  for await (const item of parseRemittanceRows(rows, { locale: exportLocale(marketplace), currency })) {
    if (item.type === 'line') lines.push(item.line);
    else problems.push(item.problem);
  }
  return { lines, problems };
}

function reconcile(lines: RemittanceLine[], invoices: Map<string, InvoiceFacts>) {
  const ids = new LineIdentities();
  const matched = lines.map((l) => matchLine(ids.next(l), l, invoices));
  const byInvoice = new Map<string, MatchedLine[]>();
  for (const m of matched) {
    if (!m.invoice) continue;
    const list = byInvoice.get(m.invoice.invoiceNumber) ?? [];
    list.push(m);
    byInvoice.set(m.invoice.invoiceNumber, list);
  }
  const records = new Map(
    [...invoices.values()].map((inv) => {
      const start = newReconciliation(inv.invoiceNumber, inv.currency, inv, 60);
      return [inv.invoiceNumber, applyLines(start, byInvoice.get(inv.invoiceNumber) ?? [])];
    }),
  );
  return { matched, records };
}

function compareWithTruth(
  generated: GeneratedRemittance,
  lines: RemittanceLine[],
  invoices: Map<string, InvoiceFacts>,
) {
  const { matched, records } = reconcile(lines, invoices);
  expect(matched).toHaveLength(generated.lines.length);
  matched.forEach((m, i) => {
    const truth = generated.lines[i]!;
    expect({
      number: m.line.invoiceNumber,
      kind: m.classification.kind,
      invoice: m.invoice?.invoiceNumber,
    }).toEqual({
      number: truth.invoiceNumber,
      kind: truth.kind,
      invoice: truth.invoice,
    });
  });
  for (const [number, truth] of generated.truth) {
    const record = records.get(number)!;
    expect({ number, paid: record.paid, deducted: record.deducted, open: record.open }).toEqual({
      number,
      paid: truth.paid,
      deducted: truth.deducted,
      open: truth.open,
    });
    expect({ number, status: record.status, d: invoiceDiscrepancy(record)?.kind }).toEqual({
      number,
      status: record.status,
      d: truth.unexplained ? 'paid-mismatch' : undefined,
    });
  }
  return { matched, records };
}

describe('remittance matching against the generator ground truth', () => {
  const cases = [
    { marketplace: 'US', currency: 'USD' },
    { marketplace: 'DE', currency: 'EUR' },
    { marketplace: 'GB', currency: 'GBP' },
  ];
  for (const { marketplace, currency } of cases) {
    it(`matches and classifies every line of a ${marketplace} CSV export and computes each invoice's amounts`, async () => {
      const invoices = invoicesFor(300, currency);
      const generated = generateRemittance({
        invoices,
        marketplace,
        currency,
        paymentNumber: 'P1001',
        paymentDate: '2026-10-01',
        seed: 7,
      });
      const kinds = new Set(generated.lines.map((l) => l.kind));
      expect([...kinds].sort()).toEqual(
        [
          'chargeback',
          'coop',
          'invoice-payment',
          'price-claim',
          'price-protection',
          'provision',
          'provision-reversal',
          'returns-debit-note',
          'shortage-claim',
          'shortage-claim-reversal',
        ].sort(),
      );
      const { lines, problems } = await parseAll(
        csvRows(chunked(remittanceCsv(generated), 777)),
        marketplace,
        currency,
      );
      expect(problems).toEqual([]);
      const { matched } = compareWithTruth(generated, lines, facts(invoices, marketplace));
      const discrepancies = matched
        .map(lineDiscrepancy)
        .filter(Boolean)
        .map((d) => d!.kind);
      expect(discrepancies.sort()).toEqual(['deduction-without-invoice', 'payment-for-unknown-invoice']);
    });

    it(`reads the ${marketplace} XLSX export of the same remittance to the same lines`, async () => {
      const invoices = invoicesFor(120, currency);
      const generated = generateRemittance({
        invoices,
        marketplace,
        currency,
        paymentNumber: 'P2002',
        paymentDate: '2026-10-02',
        seed: 3,
      });
      const { lines, problems } = await parseAll(xlsxRows(remittanceXlsx(generated)), marketplace, currency);
      expect(problems).toEqual([]);
      compareWithTruth(generated, lines, facts(invoices, marketplace));
      const fromCsv = await parseAll(csvRows(chunked(remittanceCsv(generated), 4096)), marketplace, currency);
      const strip = (l: RemittanceLine) => ({
        ...l,
        row: 0,
        invoiceAmount: l.invoiceAmount.units * 10n ** BigInt(6 - l.invoiceAmount.scale),
        amountPaid: l.amountPaid.units * 10n ** BigInt(6 - l.amountPaid.scale),
        withholdingAmount: 0n,
        termsDiscount: 0n,
        remainingAmount: 0n,
      });
      expect(lines.map(strip)).toEqual(fromCsv.lines.map(strip));
    });
  }

  it('applies a line once however often it is applied', async () => {
    const invoices = invoicesFor(50, 'USD');
    const generated = generateRemittance({
      invoices,
      marketplace: 'US',
      currency: 'USD',
      paymentNumber: 'P3',
      paymentDate: '2026-10-01',
      seed: 5,
    });
    const { lines } = await parseAll(csvRows(chunked(remittanceCsv(generated), 1 << 16)), 'US', 'USD');
    const known = facts(invoices, 'US');
    const once = reconcile(lines, known).records;
    const ids = new LineIdentities();
    const matched = lines.map((l) => matchLine(ids.next(l), l, known));
    for (const [number, record] of once) {
      const again = applyLines(
        record,
        matched.filter((m) => m.invoice?.invoiceNumber === number),
      );
      expect(again).toBe(record);
    }
  });

  it('reports invoices unpaid past their terms and ages the open amounts', () => {
    const inv = facts(invoicesFor(3, 'EUR'), 'DE');
    const records = [...inv.values()].map((i, n) =>
      newReconciliation(
        i.invoiceNumber,
        'EUR',
        { ...i, invoiceDate: ['2026-01-01', '2026-05-01', '2026-06-20'][n]! },
        60,
      ),
    );
    expect(records.map((r) => overdueDiscrepancy(r, '2026-08-01')?.kind)).toEqual([
      'unpaid-past-terms',
      'unpaid-past-terms',
      undefined,
    ]);
    const report = agingReport(records, '2026-08-01');
    expect(report.currencies[0]!.buckets['90+'].invoices).toBe(1);
    expect(report.currencies[0]!.buckets['31-60'].invoices).toBe(1);
    expect(report.currencies[0]!.buckets['not-due'].invoices).toBe(1);
    expect(report.currencies[0]!.totalOpen).toBe('3111.03');
  });
});
