import type { InvoiceRecord } from '../../domain/invoices/invoice-record.ts';
import { compareDecimal, parseDecimal } from '../../domain/money.ts';
import type { ExistingInvoice, ExistingInvoiceStore, InvoiceStore } from './ports.ts';

/** One row of the side-by-side report. */
export interface ParallelRunRow {
  readonly purchaseOrderNumbers: readonly string[];
  readonly acorn?: {
    invoiceNumber: string;
    total: string;
    taxTotal: string;
    currency: string;
    invoiceDate: string;
  };
  readonly existing: readonly {
    invoiceNumber: string;
    total: string;
    taxTotal?: string;
    currency: string;
    invoiceDate: string;
    source: string;
  }[];
  /**
   * `match`: same POs, same currency and total; `differs`: same POs, another total or currency;
   * `only-acorn`: no existing invoice bills these POs yet; `only-existing`: Acorn made none for them.
   */
  readonly verdict: 'match' | 'differs' | 'only-acorn' | 'only-existing';
  readonly differences: readonly string[];
}

/**
 * The parallel-run report of a vendor code: every invoice Acorn generated (archived, not sent)
 * beside the vendor's own invoices (Vendor Central or EDI, imported from a file) for the same POs,
 * with what differs. Switching the vendor code to `live` is safe once every row matches.
 */
export function makeParallelRunReport(deps: {
  invoices: Pick<InvoiceStore, 'listByState'>;
  existing: ExistingInvoiceStore;
}) {
  return async function parallelRunReport(
    vendorCode: string,
    limit = 500,
  ): Promise<{
    vendorCode: string;
    rows: ParallelRunRow[];
    summary: Record<ParallelRunRow['verdict'], number>;
  }> {
    const ours = (await deps.invoices.listByState('parallel-run', limit)).filter(
      (r) => r.vendorCode === vendorCode,
    );
    const theirs = await deps.existing.listByVendor(vendorCode, limit);
    const used = new Set<string>();
    const rows: ParallelRunRow[] = ours.map((record) => {
      const matching = theirs.filter((e) =>
        e.purchaseOrderNumbers.some((po) => record.purchaseOrderNumbers.includes(po)),
      );
      for (const m of matching) used.add(m.invoiceNumber);
      return compare(record, matching);
    });
    for (const e of theirs) {
      if (used.has(e.invoiceNumber)) continue;
      rows.push({
        purchaseOrderNumbers: e.purchaseOrderNumbers,
        existing: [view(e)],
        verdict: 'only-existing',
        differences: ['Acorn generated no invoice for these POs'],
      });
    }
    const summary = { match: 0, differs: 0, 'only-acorn': 0, 'only-existing': 0 };
    for (const row of rows) summary[row.verdict]++;
    return { vendorCode, rows, summary };
  };
}

const view = (e: ExistingInvoice) => ({
  invoiceNumber: e.invoiceNumber,
  total: e.total,
  ...(e.taxTotal ? { taxTotal: e.taxTotal } : {}),
  currency: e.currency,
  invoiceDate: e.invoiceDate,
  source: e.source,
});

function sameAmount(a: string, b: string): boolean {
  try {
    return compareDecimal(parseDecimal(a), parseDecimal(b)) === 0;
  } catch {
    return false;
  }
}

function compare(record: InvoiceRecord, matching: readonly ExistingInvoice[]): ParallelRunRow {
  const acorn = {
    invoiceNumber: record.invoiceNumber,
    total: record.total,
    taxTotal: record.taxTotal,
    currency: record.currency,
    invoiceDate: record.invoiceDate,
  };
  if (matching.length === 0) {
    return {
      purchaseOrderNumbers: record.purchaseOrderNumbers,
      acorn,
      existing: [],
      verdict: 'only-acorn',
      differences: ['no existing invoice bills these POs'],
    };
  }
  const differences: string[] = [];
  const pos = new Set(matching.flatMap((m) => m.purchaseOrderNumbers));
  const missing = record.purchaseOrderNumbers.filter((po) => !pos.has(po));
  const extra = [...pos].filter((po) => !record.purchaseOrderNumbers.includes(po));
  if (missing.length > 0) differences.push(`POs only on Acorn's invoice: ${missing.join(', ')}`);
  if (extra.length > 0) differences.push(`POs only on the existing invoices: ${extra.join(', ')}`);
  const currencies = new Set(matching.map((m) => m.currency));
  if (currencies.size !== 1 || !currencies.has(record.currency))
    differences.push(`currency ${record.currency} vs ${[...currencies].join('/')}`);
  else {
    let total = parseDecimal('0');
    for (const m of matching) {
      const t = parseDecimal(m.total);
      const scale = Math.max(total.scale, t.scale);
      total = {
        units: total.units * 10n ** BigInt(scale - total.scale) + t.units * 10n ** BigInt(scale - t.scale),
        scale,
      };
    }
    const theirs = matching.length === 1 ? matching[0]!.total : `${total.units}e-${total.scale}`;
    if (!sameAmount(record.total, theirs))
      differences.push(`total ${record.total} vs ${matching.map((m) => m.total).join(' + ')}`);
    const tax = matching.length === 1 ? matching[0]!.taxTotal : undefined;
    if (tax !== undefined && !sameAmount(record.taxTotal, tax))
      differences.push(`tax ${record.taxTotal} vs ${tax}`);
  }
  return {
    purchaseOrderNumbers: record.purchaseOrderNumbers,
    acorn,
    existing: matching.map(view),
    verdict: differences.length === 0 ? 'match' : 'differs',
    differences,
  };
}
