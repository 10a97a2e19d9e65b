import { describe, expect, it } from 'vitest';
import { generateRemittance, remittanceCsv, remittanceXlsx } from '#local/amazon-sandbox/remittance.ts';
import { ManualClock } from '#shared/clock.ts';
import type { AuditEvent } from '#shared/domain/audit.ts';
import { creditRequestedDetailSchema } from '#shared/domain/credit-memos/credit-request.ts';
import { UnknownRemittanceLayoutError } from '#shared/domain/payments/errors.ts';
import type { InvoiceFacts, InvoiceReconciliation } from '#shared/domain/payments/reconciliation.ts';
import { DETAIL_TYPE } from '#shared/events.ts';
import { makeImportRemittance } from '#shared/use-cases/payments/import-remittance.ts';
import type {
  Finding,
  PaymentsStore,
  StoredLine,
  VersionedReconciliation,
} from '#shared/use-cases/payments/ports.ts';
import type { DomainEvent } from '#shared/use-cases/ports.ts';

class MemoryPaymentsStore implements PaymentsStore {
  readonly lines = new Map<string, StoredLine>();
  readonly records = new Map<string, VersionedReconciliation>();
  readonly findings = new Map<string, { finding: Finding; announced: boolean }>();
  readonly files = new Map<string, { file: string; at: string }>();
  async putLines(lines: readonly StoredLine[]) {
    for (const l of lines) if (!this.lines.has(l.lineId)) this.lines.set(l.lineId, l);
  }
  async getReconciliations(numbers: readonly string[]) {
    return new Map(numbers.flatMap((n) => (this.records.has(n) ? [[n, this.records.get(n)!] as const] : [])));
  }
  async saveReconciliation(record: InvoiceReconciliation, expectedVersion: number) {
    if ((this.records.get(record.invoiceNumber)?.version ?? 0) !== expectedVersion) return false;
    this.records.set(record.invoiceNumber, { record, version: expectedVersion + 1 });
    return true;
  }
  async putFinding(finding: Finding) {
    const stored = this.findings.get(finding.id);
    if (!stored) {
      this.findings.set(finding.id, { finding, announced: false });
      return 'created' as const;
    }
    return stored.announced ? ('announced' as const) : ('unannounced' as const);
  }
  async markAnnounced(id: string) {
    this.findings.get(id)!.announced = true;
  }
  async recordFile(hash: string, file: string, at: string) {
    const before = this.files.get(hash);
    if (before) return { first: false as const, ...before };
    this.files.set(hash, { file, at });
    return { first: true as const };
  }
}

const invoices: InvoiceFacts[] = Array.from({ length: 80 }, (_, i) => ({
  invoiceNumber: `DE${String(5000 + i)}`,
  invoiceType: 'Invoice',
  vendorCode: 'ACME1',
  marketplace: 'DE',
  currency: 'EUR',
  invoiceDate: '2026-07-01',
  total: `${200 + i * 13}.50`,
  purchaseOrderNumbers: [`PO${i}`],
}));
const generated = generateRemittance({
  invoices,
  marketplace: 'DE',
  currency: 'EUR',
  paymentNumber: '778899',
  paymentDate: '2026-09-15',
  seed: 11,
});

function setup(files: Record<string, Uint8Array | string>) {
  const store = new MemoryPaymentsStore();
  const published: DomainEvent[] = [];
  const audited: AuditEvent[] = [];
  const importRemittance = makeImportRemittance({
    clock: new ManualClock(new Date('2026-09-16T08:00:00Z')),
    read: async (key) =>
      (async function* () {
        const body = files[key];
        if (body === undefined) throw new Error(`no ${key}`);
        const bytes = typeof body === 'string' ? Buffer.from(body) : body;
        for (let i = 0; i < bytes.length; i += 1000) yield bytes.subarray(i, i + 1000);
      })(),
    invoices: {
      get: async (numbers) =>
        new Map(invoices.filter((i) => numbers.includes(i.invoiceNumber)).map((i) => [i.invoiceNumber, i])),
    },
    store,
    evidence: {
      forPurchaseOrders: async (pos) =>
        pos.map((po) => ({
          purchaseOrderNumber: po,
          purchaseOrder: true,
          acknowledgement: { state: 'accepted' },
          shipmentConfirmations: [`SHIP-${po}`],
        })),
    },
    events: { publish: async (events) => void published.push(...events) },
    audit: { record: async (event) => void audited.push(event) },
    vendors: [
      { vendorCode: 'ACME1', spApiAccount: 'main', marketplaces: ['DE'], acknowledgementDeadlineHours: 24 },
    ],
    defaultTermsDays: 60,
    batchSize: 37,
  });
  return { store, published, audited, importRemittance };
}

describe('importing a remittance export', () => {
  it('reconciles every invoice to the ground truth and announces each follow-up once', async () => {
    const { store, published, importRemittance } = setup({
      'remittance/ACME1/DE/r.csv': remittanceCsv(generated),
    });
    const summary = await importRemittance('remittance/ACME1/DE/r.csv');
    expect(summary.lines).toBe(generated.lines.length);
    expect(summary.quarantined).toBe(2);
    for (const [number, truth] of generated.truth) {
      const record = store.records.get(number)?.record;
      if (!truth.inRemittance) {
        expect(record).toBeUndefined();
        continue;
      }
      expect({ number, paid: record!.paid, deducted: record!.deducted, open: record!.open }).toEqual({
        number,
        paid: truth.paid,
        deducted: truth.deducted,
        open: truth.open,
      });
    }
    const credits = published.filter((e) => e.detailType === DETAIL_TYPE.creditRequested);
    expect(credits.length).toBe(generated.lines.filter((l) => l.kind === 'returns-debit-note').length);
    for (const c of credits) expect(creditRequestedDetailSchema.parse(c.detail).source).toBe('remittance');
    const disputes = published.filter((e) => e.detailType === DETAIL_TYPE.disputeCandidateFound);
    expect(disputes.length).toBe(
      generated.lines.filter((l) => (l.kind === 'shortage-claim' || l.kind === 'price-claim') && l.invoice)
        .length + 1,
    );
    const discrepancies = published.filter((e) => e.detailType === DETAIL_TYPE.paymentDiscrepancyFound);
    const unexplained = [...generated.truth.values()].filter((t) => t.unexplained).length;
    expect(discrepancies.length).toBe(unexplained + 2);
  });

  it('changes nothing when the same file is dropped twice, or its XLSX twin after the CSV', async () => {
    const { store, published, importRemittance } = setup({
      'remittance/ACME1/DE/a.csv': remittanceCsv(generated),
      'remittance/ACME1/DE/again.csv': remittanceCsv(generated),
      'remittance/ACME1/DE/b.xlsx': remittanceXlsx(generated),
    });
    await importRemittance('remittance/ACME1/DE/a.csv');
    const records = structuredClone([...store.records]);
    const events = published.length;
    const again = await importRemittance('remittance/ACME1/DE/again.csv');
    expect(again.applied).toBe(0);
    expect(again.duplicateOf?.file).toBe('remittance/ACME1/DE/a.csv');
    const twin = await importRemittance('remittance/ACME1/DE/b.xlsx');
    expect(twin.applied).toBe(0);
    expect([...store.records]).toEqual(records);
    expect(published.slice(events).map((e) => e.detailType)).toEqual([
      DETAIL_TYPE.remittanceImported,
      DETAIL_TYPE.remittanceImported,
    ]);
  });

  it('reports an unparseable amount with its row and column and imports the rest', async () => {
    const csv = remittanceCsv(generated).split('\r\n');
    const row = 9; // header block (4) + blank + Invoices + header = 7 rows; the second line is row 9
    csv[row - 1] = csv[row - 1]!.replace(/;[^;]*€;/, ';zwölf €;');
    const { published, importRemittance } = setup({ 'remittance/ACME1/DE/bad.csv': csv.join('\r\n') });
    const summary = await importRemittance('remittance/ACME1/DE/bad.csv');
    expect(summary.problems).toEqual([
      { row, field: 'Invoice Amount', message: 'not an amount', value: 'zwölf €' },
    ]);
    expect(summary.lines).toBe(generated.lines.length - 1);
    expect(published.some((e) => e.detailType === DETAIL_TYPE.inboxFileRejectedRows)).toBe(true);
  });

  it('refuses a file in an unknown layout and imports nothing', async () => {
    const { store, importRemittance } = setup({ 'remittance/ACME1/DE/x.csv': 'sku;qty\nA;1\n' });
    await expect(importRemittance('remittance/ACME1/DE/x.csv')).rejects.toBeInstanceOf(
      UnknownRemittanceLayoutError,
    );
    expect(store.lines.size).toBe(0);
  });

  it('refuses a key that does not name a configured vendor code and marketplace', async () => {
    const { importRemittance } = setup({});
    await expect(importRemittance('remittance/OTHER/DE/x.csv')).rejects.toThrow(/not configured/);
    await expect(importRemittance('remittance/x.csv')).rejects.toThrow(/remittance\/<vendorCode>/);
  });
});
