/**
 * The matching engine (pure): remittance lines → the invoices they pay or deduct from → the POs on
 * those invoices; per invoice what was billed, paid and deducted (by kind) and what is still open;
 * aging; and the discrepancies an operator must look at. Amounts are exact decimals (rule 2) and
 * leave as strings.
 *
 * Every line has a stable identity (payment number, line number as Amazon wrote it, and its
 * occurrence in the payment), and an invoice's record lists the lines applied to it, so applying a
 * line twice — the same file dropped again, or a CSV and an XLSX of the same remittance — changes
 * nothing.
 */
import {
  addMoney,
  type Decimal,
  formatAmount,
  type Money,
  negateMoney,
  parseMoney,
  subtractMoney,
  zeroMoney,
} from '../money.ts';
import {
  classifyLine,
  DEDUCTION_KINDS,
  type DeductionKind,
  deductionKindOf,
  type LineClassification,
  type LineKind,
} from './deductions.ts';
import { decimalText } from './locale.ts';
import type { RemittanceLine } from './remittance-file.ts';

/** An invoice as the payments module reads it (from invoicing's record). */
export interface InvoiceFacts {
  readonly invoiceNumber: string;
  readonly invoiceType: 'Invoice' | 'CreditNote';
  readonly vendorCode: string;
  readonly marketplace: string;
  readonly currency: string;
  /** `YYYY-MM-DD` or an ISO instant. */
  readonly invoiceDate: string;
  /** Total including tax, a decimal string. */
  readonly total: string;
  readonly purchaseOrderNumbers: readonly string[];
  readonly paymentStatus?: string;
  readonly paymentTermsNetDays?: number;
}

/** A classified line with its identity, ready to store and apply. */
export interface MatchedLine {
  /** `<paymentNumber>:<line number>:<occurrence>`. */
  readonly lineId: string;
  readonly line: RemittanceLine;
  readonly classification: LineClassification;
  /** The invoice the line belongs to, when Acorn knows it. */
  readonly invoice?: InvoiceFacts;
  readonly purchaseOrderNumbers: readonly string[];
}

/** Stable identity of lines within a file: the n-th line with the same payment and number. */
export class LineIdentities {
  readonly #seen = new Map<string, number>();

  /** The identity of the next line with this payment and invoice number. */
  next(line: Pick<RemittanceLine, 'paymentNumber' | 'invoiceNumber'>): string {
    const key = `${line.paymentNumber}:${line.invoiceNumber}`;
    const n = (this.#seen.get(key) ?? 0) + 1;
    this.#seen.set(key, n);
    return `${key}:${n}`;
  }
}

/** Classifies a line and attaches its invoice (from `invoices`, keyed by invoice number). */
export function matchLine(
  lineId: string,
  line: RemittanceLine,
  invoices: ReadonlyMap<string, InvoiceFacts>,
): MatchedLine {
  // The line itself is what the classifier reads (its optional fields absent, not undefined).
  const classification = classifyLine(line, line.invoiceAmount.units < 0n || line.amountPaid.units < 0n);
  const invoice = classification.invoiceNumber ? invoices.get(classification.invoiceNumber) : undefined;
  return invoice
    ? { lineId, line, classification, invoice, purchaseOrderNumbers: invoice.purchaseOrderNumbers }
    : { lineId, line, classification, purchaseOrderNumbers: NO_ORDERS };
}

const NO_ORDERS: readonly string[] = Object.freeze([]);

/** Deduction kinds that need no invoice: vendor-level charges. */
const STANDALONE: ReadonlySet<LineKind> = new Set([
  'coop',
  'provision',
  'provision-reversal',
  'chargeback',
  'price-protection',
]);

/** Settlement of an invoice. */
export type ReconciliationStatus = 'unpaid' | 'short-paid' | 'settled' | 'overpaid' | 'unknown-invoice';

/** What the payments module knows of one invoice's money. Amounts are decimal strings. */
export interface InvoiceReconciliation {
  readonly invoiceNumber: string;
  readonly vendorCode?: string;
  readonly marketplace?: string;
  readonly currency: string;
  /** The invoice total (absent while the invoice is unknown to Acorn). */
  readonly billed?: string;
  readonly invoiceDate?: string;
  /** `YYYY-MM-DD`: invoice date + payment terms. */
  readonly dueDate?: string;
  readonly purchaseOrderNumbers: readonly string[];
  /** Cash received for the invoice: its payments less the deductions taken against it. */
  readonly paid: string;
  /** Whether a payment of the invoice itself (not only a deduction) was seen. */
  readonly paymentReceived: boolean;
  /** Deducted per kind (positive takes money, a reversal gives it back). */
  readonly deducted: Readonly<Partial<Record<DeductionKind, string>>>;
  readonly deductedTotal: string;
  /** billed − paid − deducted. */
  readonly open: string;
  readonly status: ReconciliationStatus;
  readonly payments: readonly string[];
  readonly lastPaymentDate?: string;
  /** Lines applied so far (their ids), in order. */
  readonly appliedLines: readonly string[];
}

const money = (amount: string | undefined, currency: string): Money =>
  amount === undefined ? zeroMoney(currency) : parseMoney(amount, currency);
const asMoney = (d: Decimal, currency: string): Money => ({ currency, units: d.units, scale: d.scale });

const dueDates = new Map<string, string>();
function addDays(date: string, days: number): string {
  // Invoices share a few hundred dates: the date arithmetic once per date and term.
  const key = `${date.slice(0, 10)}+${days}`;
  let due = dueDates.get(key);
  if (due === undefined) {
    const at = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
    due = new Date(at + days * 86_400_000).toISOString().slice(0, 10);
    if (dueDates.size >= 4096) dueDates.clear();
    dueDates.set(key, due);
  }
  return due;
}

/** A fresh record for an invoice (known or not). */
export function newReconciliation(
  invoiceNumber: string,
  currency: string,
  invoice: InvoiceFacts | undefined,
  defaultTermsDays: number,
): InvoiceReconciliation {
  const base = {
    invoiceNumber,
    currency: invoice?.currency ?? currency,
    purchaseOrderNumbers: invoice?.purchaseOrderNumbers ?? [],
    paid: '0',
    paymentReceived: false,
    deducted: {},
    deductedTotal: '0',
    payments: [],
    appliedLines: [],
  };
  if (!invoice) return { ...base, open: '0', status: 'unknown-invoice' };
  const invoiceDate = invoice.invoiceDate.slice(0, 10);
  return {
    ...base,
    vendorCode: invoice.vendorCode,
    marketplace: invoice.marketplace,
    billed: invoice.total,
    invoiceDate,
    dueDate: addDays(invoiceDate, invoice.paymentTermsNetDays ?? defaultTermsDays),
    open: invoice.total,
    status: 'unpaid',
  };
}

function deduct(deducted: Map<DeductionKind, Money>, kind: DeductionKind, amount: Money): void {
  if (amount.units === 0n) return;
  const before = deducted.get(kind);
  deducted.set(kind, before ? addMoney(before, amount) : amount);
}

/**
 * Applies the lines not yet applied to an invoice's record and recomputes its open amount and
 * status. Lines already in `appliedLines` are skipped, so applying twice changes nothing.
 */
export function applyLines(
  record: InvoiceReconciliation,
  lines: readonly MatchedLine[],
): InvoiceReconciliation {
  const fresh =
    record.appliedLines.length === 0 ? lines : lines.filter((l) => !record.appliedLines.includes(l.lineId));
  if (fresh.length === 0) return record;
  const currency = record.currency;
  let paid = money(record.paid, currency);
  const deducted = new Map<DeductionKind, Money>();
  for (const kind in record.deducted) {
    deducted.set(kind as DeductionKind, money(record.deducted[kind as DeductionKind], currency));
  }
  const payments = record.payments.slice();
  let lastPaymentDate = record.lastPaymentDate;
  for (const { line, classification } of fresh) {
    paid = addMoney(paid, asMoney(line.amountPaid, currency));
    if (classification.kind === 'invoice-payment') {
      deduct(deducted, 'terms-discount', asMoney(line.termsDiscount, currency));
      deduct(deducted, 'withholding', asMoney(line.withholdingAmount, currency));
    } else {
      // A deduction line pays a negative amount: the cash for the invoice is that much less and
      // the deduction explains it; a reversal gives it back.
      const kind = deductionKindOf(classification.kind) ?? 'unclassified';
      deduct(deducted, kind, negateMoney(asMoney(line.amountPaid, currency)));
    }
    if (!payments.includes(line.paymentNumber)) payments.push(line.paymentNumber);
    if (!lastPaymentDate || line.paymentDate > lastPaymentDate) lastPaymentDate = line.paymentDate;
  }
  const deductedRecord: Partial<Record<DeductionKind, string>> = {};
  let deductedTotal = zeroMoney(currency);
  for (const kind of DEDUCTION_KINDS) {
    const amount = deducted.get(kind);
    // A claim and its reversal cancel out: nothing deducted of that kind.
    if (!amount || amount.units === 0n) continue;
    deductedRecord[kind] = formatAmount(amount);
    deductedTotal = addMoney(deductedTotal, amount);
  }
  const paymentReceived =
    record.paymentReceived || fresh.some((l) => l.classification.kind === 'invoice-payment');
  const next = {
    ...record,
    paymentReceived,
    paid: formatAmount(paid),
    deducted: deductedRecord,
    deductedTotal: formatAmount(deductedTotal),
    payments,
    ...(lastPaymentDate ? { lastPaymentDate } : {}),
    appliedLines: [...record.appliedLines, ...fresh.map((l) => l.lineId)],
  };
  if (record.billed === undefined) return { ...next, open: '0', status: 'unknown-invoice' };
  const open = subtractMoney(subtractMoney(money(record.billed, currency), paid), deductedTotal);
  const status: ReconciliationStatus = !paymentReceived
    ? 'unpaid'
    : open.units === 0n
      ? 'settled'
      : open.units < 0n
        ? 'overpaid'
        : 'short-paid';
  return { ...next, open: formatAmount(open), status };
}

/** Why an operator must look. */
export const DISCREPANCY_KINDS = [
  'paid-mismatch',
  'deduction-without-invoice',
  'payment-for-unknown-invoice',
  'unpaid-past-terms',
] as const;
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number];

/** Something that does not add up. `id` is stable: the same finding is stored and announced once. */
export interface Discrepancy {
  readonly id: string;
  readonly kind: DiscrepancyKind;
  readonly vendorCode?: string;
  readonly marketplace?: string;
  readonly invoiceNumber?: string;
  readonly lineId?: string;
  readonly paymentNumber?: string;
  readonly currency: string;
  /** The amount at stake (open amount, deduction, payment), a decimal string. */
  readonly amount: string;
  readonly message: string;
}

/**
 * The discrepancies of lines whose invoice Acorn does not know: a payment for an unknown invoice,
 * or a deduction (other than the vendor-level co-op, provisions, chargebacks and price protection)
 * that names no invoice Acorn billed.
 */
export function lineDiscrepancy(line: MatchedLine): Discrepancy | undefined {
  if (line.invoice) return undefined;
  const { kind, invoiceNumber } = line.classification;
  const base = {
    lineId: line.lineId,
    paymentNumber: line.line.paymentNumber,
    currency: line.line.currency,
    ...(invoiceNumber ? { invoiceNumber } : {}),
  };
  if (kind === 'invoice-payment') {
    return {
      ...base,
      id: `payment-for-unknown-invoice:${line.lineId}`,
      kind: 'payment-for-unknown-invoice',
      amount: decimalText(line.line.amountPaid),
      message: `Payment ${line.line.paymentNumber} (row ${line.line.row}) pays invoice ${line.line.invoiceNumber}, which Acorn never billed; the line is quarantined`,
    };
  }
  if (STANDALONE.has(kind) && !invoiceNumber) return undefined;
  return {
    ...base,
    id: `deduction-without-invoice:${line.lineId}`,
    kind: 'deduction-without-invoice',
    amount: decimalText(line.line.amountPaid),
    message: `${kind} ${line.line.invoiceNumber} in payment ${line.line.paymentNumber} (row ${line.line.row}) ${invoiceNumber ? `names invoice ${invoiceNumber}, which Acorn never billed` : 'names no invoice'}`,
  };
}

/** The discrepancy of an invoice whose payment does not add up (paid ≠ billed − explained deductions). */
export function invoiceDiscrepancy(record: InvoiceReconciliation): Discrepancy | undefined {
  if (record.status !== 'short-paid' && record.status !== 'overpaid') return undefined;
  return {
    id: `paid-mismatch:${record.invoiceNumber}`,
    kind: 'paid-mismatch',
    invoiceNumber: record.invoiceNumber,
    ...(record.vendorCode ? { vendorCode: record.vendorCode } : {}),
    ...(record.marketplace ? { marketplace: record.marketplace } : {}),
    currency: record.currency,
    amount: record.open,
    message: `Invoice ${record.invoiceNumber}: billed ${record.billed} ${record.currency}, paid ${record.paid}, deductions explain ${record.deductedTotal}; ${record.status === 'overpaid' ? 'overpaid by' : 'unexplained short-pay of'} ${record.open.replace('-', '')}`,
  };
}

/** An invoice unpaid past its due date (invoice date + terms), as of `today` (`YYYY-MM-DD`). */
export function overdueDiscrepancy(record: InvoiceReconciliation, today: string): Discrepancy | undefined {
  if (record.status !== 'unpaid' || !record.dueDate || record.dueDate >= today) return undefined;
  return {
    id: `unpaid-past-terms:${record.invoiceNumber}`,
    kind: 'unpaid-past-terms',
    invoiceNumber: record.invoiceNumber,
    ...(record.vendorCode ? { vendorCode: record.vendorCode } : {}),
    ...(record.marketplace ? { marketplace: record.marketplace } : {}),
    currency: record.currency,
    amount: record.open,
    message: `Invoice ${record.invoiceNumber} (${record.billed} ${record.currency}) was due ${record.dueDate} and is unpaid`,
  };
}

/** Aging buckets of open receivables, by days past due. */
export const AGING_BUCKETS = ['not-due', '1-30', '31-60', '61-90', '90+'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

/** The aging bucket of a due date on `today` (both `YYYY-MM-DD`). */
export function agingBucket(dueDate: string, today: string): AgingBucket {
  const days = Math.round(
    (Date.parse(`${today}T00:00:00Z`) - Date.parse(`${dueDate}T00:00:00Z`)) / 86_400_000,
  );
  if (days <= 0) return 'not-due';
  if (days <= 30) return '1-30';
  if (days <= 60) return '31-60';
  if (days <= 90) return '61-90';
  return '90+';
}

/** Open receivables per currency and bucket. */
export interface AgingReport {
  readonly asOf: string;
  readonly currencies: readonly {
    readonly currency: string;
    readonly buckets: Readonly<Record<AgingBucket, { invoices: number; open: string }>>;
    readonly totalOpen: string;
  }[];
}

/** Sums the open amounts of records into aging buckets (records with nothing open are ignored). */
export function agingReport(records: Iterable<InvoiceReconciliation>, today: string): AgingReport {
  const byCurrency = new Map<string, Map<AgingBucket, { invoices: number; open: Money }>>();
  for (const r of records) {
    if (!r.dueDate || r.billed === undefined) continue;
    const open = money(r.open, r.currency);
    if (open.units === 0n) continue;
    const buckets = byCurrency.get(r.currency) ?? new Map();
    byCurrency.set(r.currency, buckets);
    const bucket = agingBucket(r.dueDate, today);
    const entry = buckets.get(bucket) ?? { invoices: 0, open: zeroMoney(r.currency) };
    buckets.set(bucket, { invoices: entry.invoices + 1, open: addMoney(entry.open, open) });
  }
  return {
    asOf: today,
    currencies: [...byCurrency.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, buckets]) => {
        let total = zeroMoney(currency);
        const out = {} as Record<AgingBucket, { invoices: number; open: string }>;
        for (const bucket of AGING_BUCKETS) {
          const entry = buckets.get(bucket) ?? { invoices: 0, open: zeroMoney(currency) };
          out[bucket] = { invoices: entry.invoices, open: formatAmount(entry.open) };
          total = addMoney(total, entry.open);
        }
        return { currency, buckets: out, totalOpen: formatAmount(total) };
      }),
  };
}
