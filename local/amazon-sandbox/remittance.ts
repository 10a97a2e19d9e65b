/**
 * The sandbox's remittance export (Vendor Central → Payments → Remittance), CSV and XLSX, for the
 * invoices Amazon received: some paid in full, some with a terms discount or withholding, some
 * short-paid by a shortage claim (sometimes reversed), a price claim or a returns debit note, a few
 * short-paid without explanation, a few left unpaid; plus the vendor-level deductions (co-op,
 * chargeback, provision and its reversal, price protection) and the lines that must not match (a
 * payment for an invoice never billed, a claim on one). Written in the marketplace's way of writing
 * dates and amounts.
 *
 * It also returns the ground truth — what each line is and which invoice it concerns, and each
 * invoice's paid / deducted / open amounts — so tests compare the matching engine against it.
 */

import {
  addMoney,
  currencyMinorDigits,
  formatAmount,
  type Money,
  moneyFromMinorUnits,
  parseMoney,
  subtractMoney,
  zeroMoney,
} from '#shared/domain/money.ts';
import type { LineKind } from '#shared/domain/payments/deductions.ts';
import { exportLocale } from '#shared/domain/payments/locale.ts';
import { Rng } from './prng.ts';
import { writeXlsx, type XlsxCell } from './xlsx-writer.ts';

/** An invoice Amazon received (invoicing's record, the fields the export needs). */
export interface RemittedInvoice {
  readonly invoiceNumber: string;
  readonly invoiceDate: string;
  readonly total: string;
  readonly currency: string;
  readonly purchaseOrderNumbers: readonly string[];
}

/** One line of the export with what it truly is. */
export interface GeneratedLine {
  readonly invoiceNumber: string;
  readonly invoiceDate: string;
  readonly transactionType: string;
  readonly description: string;
  readonly originalInvoiceNumber?: string;
  readonly referenceDetails?: string;
  readonly invoiceAmount: Money;
  readonly withholding: Money;
  readonly termsDiscount: Money;
  readonly amountPaid: Money;
  /** Ground truth: what the line is. */
  readonly kind: LineKind;
  /** Ground truth: the invoice it concerns (absent for vendor-level deductions). */
  readonly invoice?: string;
}

/** Ground truth per invoice: decimal strings. */
export interface InvoiceTruth {
  readonly paid: string;
  readonly deducted: Readonly<Record<string, string>>;
  readonly open: string;
  readonly inRemittance: boolean;
  /** Short-paid without a deduction that explains it. */
  readonly unexplained: boolean;
}

/** A generated remittance. */
export interface GeneratedRemittance {
  readonly paymentNumber: string;
  readonly paymentDate: string;
  readonly marketplace: string;
  readonly currency: string;
  readonly lines: readonly GeneratedLine[];
  readonly truth: ReadonlyMap<string, InvoiceTruth>;
  /** Sum of Amount Paid over the lines. */
  readonly total: Money;
}

/** Options of {@link generateRemittance}. */
export interface RemittanceOptions {
  readonly invoices: readonly RemittedInvoice[];
  readonly marketplace: string;
  readonly currency: string;
  readonly paymentNumber: string;
  /** `YYYY-MM-DD`. */
  readonly paymentDate: string;
  readonly seed?: number;
  /** Add the vendor-level deductions and the lines that must not match. @default true */
  readonly extras?: boolean;
}

const pct = (amount: Money, percent: number): Money => {
  const minor = currencyMinorDigits(amount.currency);
  const scaled = parseMoney(formatAmount(amount), amount.currency);
  const factor = 10n ** BigInt(scaled.scale);
  // amount × percent / 100, in minor units, rounded down.
  const minorUnits = (scaled.units * BigInt(percent) * 10n ** BigInt(minor)) / (100n * factor);
  return moneyFromMinorUnits(minorUnits, amount.currency);
};
const neg = (m: Money): Money => ({ ...m, units: -m.units });

/** Generates the remittance of `invoices` with realistic deductions and its ground truth. */
export function generateRemittance(options: RemittanceOptions): GeneratedRemittance {
  const { currency, paymentNumber } = options;
  const seed = options.seed ?? 1;
  const zero = zeroMoney(currency);
  const lines: GeneratedLine[] = [];
  const truth = new Map<string, InvoiceTruth>();
  let n = 0;
  for (const invoice of options.invoices) {
    const rng = new Rng(seed, 'remittance', paymentNumber, invoice.invoiceNumber);
    const total = parseMoney(invoice.total, currency);
    const roll = rng.int(0, 99);
    const deducted: Record<string, Money> = {};
    let paid = zero;
    let unexplained = false;
    const payment = (amountPaid: Money, extra: Partial<GeneratedLine> = {}) => {
      lines.push({
        invoiceNumber: invoice.invoiceNumber,
        invoiceDate: invoice.invoiceDate,
        transactionType: 'Invoice',
        description: 'Payments',
        invoiceAmount: total,
        withholding: zero,
        termsDiscount: zero,
        amountPaid,
        kind: 'invoice-payment',
        invoice: invoice.invoiceNumber,
        ...extra,
      });
      paid = addMoney(paid, amountPaid);
    };
    const deduction = (
      kind: LineKind,
      bucket: string,
      number: string,
      amount: Money,
      words: { type: string; description: string },
      extra: Partial<GeneratedLine> = {},
    ) => {
      lines.push({
        invoiceNumber: number,
        invoiceDate: options.paymentDate,
        transactionType: words.type,
        description: words.description,
        invoiceAmount: amount,
        withholding: zero,
        termsDiscount: zero,
        amountPaid: amount,
        kind,
        invoice: invoice.invoiceNumber,
        ...extra,
      });
      deducted[bucket] = subtractMoney(deducted[bucket] ?? zero, amount);
      paid = addMoney(paid, amount);
    };
    const share = () => pct(total, rng.int(2, 12));
    n++;
    if (roll < 4) {
      truth.set(invoice.invoiceNumber, {
        paid: '0',
        deducted: {},
        open: formatAmount(total),
        inRemittance: false,
        unexplained: false,
      });
      continue;
    }
    if (roll < 45) payment(total);
    else if (roll < 55) {
      const discount = pct(total, 2);
      payment(subtractMoney(total, discount), { termsDiscount: discount });
      deducted['terms-discount'] = discount;
    } else if (roll < 60) {
      const withheld = pct(total, 1);
      payment(subtractMoney(total, withheld), { withholding: withheld });
      deducted.withholding = withheld;
    } else if (roll < 72) {
      payment(total);
      deduction('shortage-claim', 'shortage-claim', `${invoice.invoiceNumber}SC`, neg(share()), {
        type: 'Financial Debit Note Invoice',
        description: 'Quantity shortage',
      });
    } else if (roll < 78) {
      payment(total);
      const claim = share();
      deduction('shortage-claim', 'shortage-claim', `${invoice.invoiceNumber}SC`, neg(claim), {
        type: 'Financial Debit Note Invoice',
        description: 'Quantity shortage',
      });
      deduction('shortage-claim-reversal', 'shortage-claim', `${invoice.invoiceNumber}SCR`, claim, {
        type: 'Financial Debit Note Invoice',
        description: 'Quantity shortage reversal',
      });
    } else if (roll < 85) {
      payment(total);
      deduction('price-claim', 'price-claim', `${invoice.invoiceNumber}(PC)`, neg(share()), {
        type: 'Financial Debit Note Invoice',
        description: 'Price variance',
      });
    } else if (roll < 93) {
      payment(total);
      deduction(
        'returns-debit-note',
        'returns',
        `RDN${paymentNumber.slice(-4)}${String(n).padStart(6, '0')}`,
        neg(share()),
        { type: 'Debit Note', description: 'Product returns' },
        {
          originalInvoiceNumber: invoice.invoiceNumber,
          referenceDetails: `RN-${rng.chars('0123456789', 9)}`,
        },
      );
    } else {
      payment(subtractMoney(total, share()));
      unexplained = true;
    }
    const deductedTotal = Object.values(deducted).reduce((a, b) => addMoney(a, b), zero);
    truth.set(invoice.invoiceNumber, {
      paid: formatAmount(paid),
      deducted: Object.fromEntries(
        Object.entries(deducted)
          .filter(([, m]) => m.units !== 0n)
          .map(([k, m]) => [k, formatAmount(m)]),
      ),
      open: formatAmount(subtractMoney(subtractMoney(total, paid), deductedTotal)),
      inRemittance: true,
      unexplained,
    });
  }
  if (options.extras ?? true) {
    const rng = new Rng(seed, 'remittance-extras', paymentNumber);
    const amount = (min: number, max: number) =>
      moneyFromMinorUnits(BigInt(rng.int(min, max)) * 100n, currency);
    const standalone = (
      kind: LineKind,
      number: string,
      m: Money,
      type: string,
      description: string,
      extra: Partial<GeneratedLine> = {},
    ) =>
      lines.push({
        invoiceNumber: number,
        invoiceDate: options.paymentDate,
        transactionType: type,
        description,
        invoiceAmount: m,
        withholding: zero,
        termsDiscount: zero,
        amountPaid: m,
        kind,
        ...extra,
      });
    standalone(
      'coop',
      `${rng.chars('0123456789', 4)}-${rng.chars('0123456789', 8)}`,
      neg(amount(50, 400)),
      'Others',
      'COOP – Service agreement',
    );
    standalone(
      'chargeback',
      `${rng.chars('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 8)}VCBSINV`,
      neg(amount(5, 60)),
      'Debit Note',
      'Chargeback',
    );
    const provision = amount(100, 900);
    const provisionNumber = `${rng.chars('0123456789', 6)}-PROVISION FOR RECEIVABLES`;
    standalone(
      'provision',
      provisionNumber,
      neg(provision),
      'Provision deduction',
      'Provision for aged receivable',
    );
    standalone(
      'provision-reversal',
      `${provisionNumber}R`,
      provision,
      'Provision reversal',
      'Provision for aged receivable',
    );
    standalone(
      'price-protection',
      `IPAPUS${rng.chars('0123456789', 7)}`,
      neg(amount(10, 90)),
      'Debit Note',
      'Price protection',
    );
    standalone(
      'invoice-payment',
      `UNBILLED-${rng.chars('0123456789', 6)}`,
      amount(100, 500),
      'Invoice',
      'Payments',
    );
    standalone(
      'shortage-claim',
      `NEVERBILLED${rng.chars('0123456789', 5)}SC`,
      neg(amount(5, 50)),
      'Financial Debit Note Invoice',
      'Quantity shortage',
    );
  }
  const total = lines.reduce((sum, l) => addMoney(sum, l.amountPaid), zero);
  return {
    paymentNumber,
    paymentDate: options.paymentDate,
    marketplace: options.marketplace,
    currency,
    lines,
    truth,
    total,
  };
}

const HEADER = [
  'Invoice Number',
  'Invoice Date',
  'Transaction type',
  'Transaction Description',
  'Reference Details',
  'Original Invoice Number',
  'Invoice Amount',
  'Invoice Currency',
  'Withholding Amount',
  'Terms Discount Taken',
  'Amount Paid',
  'Remaining Amount',
];

const SYMBOL: Readonly<Record<string, string>> = { USD: '$', EUR: '€', GBP: '£', JPY: '¥', INR: '₹' };

/** An amount as the marketplace's export writes it: `$1,234.56`, `1.234,56 €`, `(12.00)` style negatives in NA. */
export function exportAmountText(m: Money, marketplace: string): string {
  const locale = exportLocale(marketplace);
  const text = formatAmount(m);
  const negative = text.startsWith('-');
  const [int = '0', frac] = text.replace('-', '').split('.');
  const group = locale.decimalSeparator === ',' ? '.' : ',';
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const number = frac ? `${grouped}${locale.decimalSeparator}${frac}` : grouped;
  const symbol = SYMBOL[m.currency] ?? m.currency;
  if (locale.decimalSeparator === ',') return `${negative ? '-' : ''}${number} ${symbol}`;
  return negative ? `(${symbol}${number})` : `${symbol}${number}`;
}

/** A date as the marketplace's export writes it: `11/30/2026` (US), `30.11.2026` (DE), `30/11/2026` elsewhere. */
export function exportDateText(date: string, marketplace: string): string {
  const [y, m, d] = date.slice(0, 10).split('-');
  if (exportLocale(marketplace).dateOrder === 'MDY') return `${m}/${d}/${y}`;
  return exportLocale(marketplace).decimalSeparator === ',' ? `${d}.${m}.${y}` : `${d}/${m}/${y}`;
}

const csvCell = (s: string, sep: string) =>
  /["\r\n]/.test(s) || s.includes(sep) ? `"${s.replace(/"/g, '""')}"` : s;

/**
 * The export as CSV: the payment block (label/value rows), an `Invoices` row, then the invoice
 * table; `;`-separated where the marketplace writes a decimal comma.
 */
export function remittanceCsv(r: GeneratedRemittance): string {
  const sep = exportLocale(r.marketplace).decimalSeparator === ',' ? ';' : ',';
  const rows: string[][] = [
    ['Payment Number', r.paymentNumber],
    ['Payment Date', exportDateText(r.paymentDate, r.marketplace)],
    ['Payment Currency', r.currency],
    ['Amount in Payment Currency', exportAmountText(r.total, r.marketplace)],
    [],
    ['Invoices'],
    HEADER,
    ...r.lines.map((l) => [
      l.invoiceNumber,
      exportDateText(l.invoiceDate, r.marketplace),
      l.transactionType,
      l.description,
      l.referenceDetails ?? '',
      l.originalInvoiceNumber ?? '',
      exportAmountText(l.invoiceAmount, r.marketplace),
      r.currency,
      exportAmountText(l.withholding, r.marketplace),
      exportAmountText(l.termsDiscount, r.marketplace),
      exportAmountText(l.amountPaid, r.marketplace),
      exportAmountText(
        subtractMoney(
          subtractMoney(subtractMoney(l.invoiceAmount, l.amountPaid), l.withholding),
          l.termsDiscount,
        ),
        r.marketplace,
      ),
    ]),
  ];
  return `\ufeff${rows.map((row) => row.map((c) => csvCell(c, sep)).join(sep)).join('\r\n')}\r\n`;
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const serial = (date: string) => ({
  number: String((Date.parse(`${date.slice(0, 10)}T00:00:00Z`) - EXCEL_EPOCH_MS) / 86_400_000),
});

/** The export as XLSX: a payment summary table, an `Invoices` row, the invoice table; dates as date serials, amounts as numbers. */
export function remittanceXlsx(r: GeneratedRemittance): Uint8Array {
  const num = (m: Money) => ({ number: formatAmount(m) });
  const rows: XlsxCell[][] = [
    [
      'Payment Number',
      'Payment Date',
      'Payment Currency',
      'Amount in Payment Currency',
      'Payment Type',
      'Payment Status',
    ],
    [r.paymentNumber, serial(r.paymentDate), r.currency, num(r.total), 'EFT', 'Paid'],
    [],
    ['Invoices'],
    ['Payment Number', ...HEADER],
    ...r.lines.map((l) => [
      r.paymentNumber,
      l.invoiceNumber,
      serial(l.invoiceDate),
      l.transactionType,
      l.description,
      l.referenceDetails ?? '',
      l.originalInvoiceNumber ?? '',
      num(l.invoiceAmount),
      r.currency,
      num(l.withholding),
      num(l.termsDiscount),
      num(l.amountPaid),
      num(
        subtractMoney(
          subtractMoney(subtractMoney(l.invoiceAmount, l.amountPaid), l.withholding),
          l.termsDiscount,
        ),
      ),
    ]),
  ];
  return writeXlsx(rows);
}
