import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type GeneratedRemittance,
  generateRemittance,
  type RemittedInvoice,
  remittanceCsv,
  remittanceXlsx,
} from '#local/amazon-sandbox/remittance.ts';
import type { ArchiveDatabase } from '#local/analytics/duckdb-archive.ts';
import { batchWriteItems } from '#shared/aws/dynamodb-query.ts';
import type { Money } from '#shared/domain/money.ts';
import type { ExportSummary } from '#shared/use-cases/archive/export-archive.ts';
import { exportCompletedHours, type NamedQueryRunner, openNamedQueries } from '../support/archive-queries.ts';
import { dropInInbox, startTestSystem } from '../support/local-system.ts';

// Remittances imported on the local system, the hourly archive export fired, and the payments
// named queries (analytics/queries/payment_aging.sql, deductions_by_kind.sql) run with DuckDB over
// the archive; every answer checked against figures computed here from the generator's ground
// truth, not from the archive or the reconciliation code.

type System = Awaited<ReturnType<typeof startTestSystem>>;

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Cents of a Money (the generated currencies have two decimals). */
const cents = (m: Money) => Number(m.units) * 10 ** (2 - m.scale);
const centsOf = (text: string) => {
  const [whole, frac = ''] = text.replace('-', '').split('.');
  const value = Number(whole) * 100 + Number(frac.padEnd(2, '0').slice(0, 2));
  return text.startsWith('-') ? -value : value;
};

/** The deduction a line kind counts towards, written out here (not taken from the domain). */
const DEDUCTION: Record<string, string | undefined> = {
  'shortage-claim': 'shortage-claim',
  'shortage-claim-reversal': 'shortage-claim',
  'shortage-claim-revised': 'shortage-claim',
  'price-claim': 'price-claim',
  'price-claim-reversal': 'price-claim',
  chargeback: 'chargeback',
  coop: 'coop',
  'returns-debit-note': 'returns',
  provision: 'provision',
  'provision-reversal': 'provision',
  'price-protection': 'price-protection',
};

describe('the payments datasets in the archive, queried with DuckDB', () => {
  let system: System;
  let db: ArchiveDatabase;
  let run: NamedQueryRunner;
  let exported: ExportSummary;
  const remittances: { vendorCode: string; invoices: RemittedInvoice[]; remittance: GeneratedRemittance }[] =
    [];
  const terms = new Map<string, number>();

  beforeAll(async () => {
    // Forty minutes into an hour at 120×: the imports fit in the hour, the export runs after it.
    const now = Date.now();
    system = await startTestSystem({
      speed: 120,
      virtualStart: now - (now % HOUR) + 40 * 60_000,
      poGeneration: { backlog: 0, perHour: 0 },
    });
    const today = system.runtime.clock.now().getTime();
    const client = new DynamoDBClient({
      endpoint: system.runtime.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    for (const [vendorCode, marketplace, currency, count] of [
      ['ACMEDE', 'DE', 'EUR', 60],
      ['ACMEUS', 'US', 'USD', 45],
    ] as const) {
      const invoices: RemittedInvoice[] = Array.from({ length: count }, (_, i) => ({
        invoiceNumber: `${marketplace}A${String(2000 + i)}`,
        invoiceDate: new Date(today - ((i * 41) % 190) * DAY).toISOString().slice(0, 10),
        total: `${(90 + i * 23) % 1800}.${String((i * 13) % 100).padStart(2, '0')}`,
        currency,
        purchaseOrderNumbers: [`${marketplace}P${i}`],
      }));
      const items = invoices.map((inv, i) => {
        if (i % 4 === 0) terms.set(inv.invoiceNumber, 90);
        return {
          pk: `INVOICE#${inv.invoiceNumber}`,
          sk: 'INVOICE',
          ...inv,
          invoiceType: 'Invoice',
          vendorCode,
          marketplace,
          taxTotal: '0.00',
          lines: [],
          state: 'Accepted',
          ...(i % 4 === 0 ? { paymentTermsNetDays: 90 } : {}),
        };
      });
      await batchWriteItems(
        client,
        system.runtime.physicalName('Table'),
        items.map((item) => marshall(item)),
      );
      const remittance = generateRemittance({
        invoices,
        marketplace,
        currency,
        paymentNumber: `90${count}`,
        paymentDate: new Date(today - 2 * DAY).toISOString().slice(0, 10),
        seed: count,
      });
      remittances.push({ vendorCode, invoices, remittance });
    }
    client.destroy();
    const [de, us] = remittances;
    for (const [key, body] of [
      ['remittance/ACMEDE/DE/export.csv', remittanceCsv(de!.remittance)],
      ['remittance/ACMEUS/US/export.xlsx', remittanceXlsx(us!.remittance)],
      // The same remittance again in the other format: nothing in the archive twice.
      ['remittance/ACMEDE/DE/export-again.xlsx', remittanceXlsx(de!.remittance)],
    ] as const) {
      await dropInInbox(system, key, body);
    }
    await vi.waitFor(
      () => {
        const runs = system.runtime.invocations().filter((i) => i.functionId === 'ImportRemittanceFile');
        const failed = runs.find((r) => !r.ok);
        if (failed) throw new Error(`import failed: ${failed.errorMessage}`);
        if (runs.length < 3) throw new Error('imports still running');
      },
      { timeout: 60_000, interval: 200 },
    );

    // Every hour with a write in it complete, and the export's five minutes of settling past.
    exported = await exportCompletedHours(system);
    ({ db, run } = await openNamedQueries(system));
  }, 240_000);

  afterAll(async () => {
    db?.close();
    await system?.dispose();
  });

  it('exports every imported line once and every reconciled invoice', () => {
    const lines = remittances.reduce((n, r) => n + r.remittance.lines.length, 0);
    const invoices = remittances.reduce(
      (n, r) => n + [...r.remittance.truth.values()].filter((t) => t.inRemittance).length,
      0,
    );
    expect(exported.rows.remittance_lines).toBe(lines);
    expect(exported.rows.reconciliation).toBe(invoices);
    expect(exported.quarantined).toBe(0);
  });

  it('answers deductions_by_kind as the generated remittances add up', async () => {
    // Independently: each deduction line's amount (negative amount paid), and the payment
    // lines' terms discounts and withholding.
    const expected = new Map<string, { taken: number; reversed: number; cents: number }>();
    const add = (key: string, amount: number) => {
      const e = expected.get(key) ?? { taken: 0, reversed: 0, cents: 0 };
      expected.set(key, {
        taken: e.taken + (amount > 0 ? 1 : 0),
        reversed: e.reversed + (amount < 0 ? 1 : 0),
        cents: e.cents + amount,
      });
    };
    for (const { vendorCode, remittance } of remittances) {
      for (const line of remittance.lines) {
        const at = `${vendorCode}|${remittance.currency}|`;
        const kind = DEDUCTION[line.kind];
        if (kind) add(at + kind, -cents(line.amountPaid));
        if (line.kind === 'invoice-payment' && line.termsDiscount.units !== 0n)
          add(`${at}terms-discount`, cents(line.termsDiscount));
        if (line.kind === 'invoice-payment' && line.withholding.units !== 0n)
          add(`${at}withholding`, cents(line.withholding));
      }
    }
    const rows = await run('deductions_by_kind');
    expect(rows.length).toBeGreaterThan(10);
    const actual = new Map(
      rows.map((r) => [
        `${r.vendor_code}|${r.currency}|${r.kind}`,
        { taken: r.taken, reversed: r.reversed, cents: Math.round(Number(r.net_deducted) * 100) },
      ]),
    );
    expect(actual).toEqual(expected);
  });

  it('answers payment_aging as of a day as the ground truth ages', async () => {
    const asOf = new Date(system.runtime.clock.now().getTime() + 20 * DAY).toISOString().slice(0, 10);
    const expected = new Map<string, { invoices: number; cents: number }>();
    for (const { vendorCode, invoices, remittance } of remittances) {
      for (const [number, truth] of remittance.truth) {
        if (!truth.inRemittance || centsOf(truth.open) === 0) continue;
        const invoice = invoices.find((i) => i.invoiceNumber === number)!;
        const due = Date.parse(`${invoice.invoiceDate}T00:00:00Z`) + (terms.get(number) ?? 60) * DAY;
        const days = Math.round((Date.parse(`${asOf}T00:00:00Z`) - due) / DAY);
        const bucket =
          days <= 0 ? 'not-due' : days <= 30 ? '1-30' : days <= 60 ? '31-60' : days <= 90 ? '61-90' : '90+';
        const key = `${vendorCode}|${remittance.currency}|${bucket}`;
        const e = expected.get(key) ?? { invoices: 0, cents: 0 };
        expected.set(key, { invoices: e.invoices + 1, cents: e.cents + centsOf(truth.open) });
      }
    }
    expect(expected.size).toBeGreaterThan(1);
    const rows = await run('payment_aging', [asOf]);
    const actual = new Map(
      rows.map((r) => [
        `${r.vendor_code}|${r.currency}|${r.bucket}`,
        { invoices: r.invoices, cents: Math.round(Number(r.open_amount) * 100) },
      ]),
    );
    expect(actual).toEqual(expected);
  });
});
