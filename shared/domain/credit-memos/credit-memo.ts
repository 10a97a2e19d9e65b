import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { TaxDetails } from '../../sp-api/schemas/invoices.ts';
import {
  addMoney,
  compareMoney,
  currencyMinorDigits,
  formatAmount,
  formatDecimal,
  type Money,
  multiplyMoney,
  parseDecimal,
  parseMoney,
  sumMoney,
  zeroMoney,
} from '../money.ts';
import {
  type CreditRequestedDetail,
  creditRequestedDetailSchema,
  type ReturnReceivedDetail,
  returnReceivedDetailSchema,
} from './credit-request.ts';

/**
 * A credit memo: the vendor's answer to one return or one debit note (ARCHITECTURE rule 8: one
 * memo per source, claimed by a conditional write). Pure: the record's shape, the lines and
 * amounts computed from the PO and the original invoice, and the policy that decides whether a
 * person must look at it.
 */

export const CREDIT_MEMO_STATES = [
  'claimed',
  'awaiting-receipt',
  'pending-approval',
  'approved',
  'rejected',
  'submitted',
  'awaiting-filing',
  'accepted',
  'filed',
  'simulated',
  'expired',
  'failed',
] as const;
export type CreditMemoState = (typeof CREDIT_MEMO_STATES)[number];

/** States a memo's workflow still moves on from (its run waits in them); the others are final, or `failed`. */
export const CREDIT_MEMO_WORKING_STATES = [
  'claimed',
  'awaiting-receipt',
  'pending-approval',
  'approved',
  'submitted',
  'awaiting-filing',
] as const satisfies readonly CreditMemoState[];

/** States in which the credit was granted (approved, automatically or by a person). */
export const CREDIT_MEMO_CREDITED_STATES = [
  'approved',
  'submitted',
  'awaiting-filing',
  'accepted',
  'filed',
  'simulated',
] as const satisfies readonly CreditMemoState[];

/** The request that started the memo, as it came off the bus. */
export const creditMemoRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('return'), detail: returnReceivedDetailSchema }),
  z.strictObject({ kind: z.literal('debit-note'), detail: creditRequestedDetailSchema }),
]);
export type CreditMemoRequest = z.infer<typeof creditMemoRequestSchema>;

/** One memo per return reference or debit note of a vendor code: the claim's key. */
export function sourceKeyOf(request: CreditMemoRequest): string {
  return request.kind === 'return'
    ? `RETURN#${request.detail.vendorCode}#${request.detail.returnReference}`
    : `DEBITNOTE#${request.detail.vendorCode}#${request.detail.debitNoteNumber}`;
}

/** A readable, stable memo id derived from the source (no personal data: references only). */
export function memoIdOf(request: CreditMemoRequest): string {
  const ref = request.kind === 'return' ? request.detail.returnReference : request.detail.debitNoteNumber;
  const safe = ref.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 60);
  // A reference that had to be changed gets a short hash of the original, so `A/B` and `A-B` differ.
  const suffix = safe === ref ? '' : `-${createHash('sha256').update(ref).digest('hex').slice(0, 8)}`;
  return `${request.kind === 'return' ? 'RET' : 'DN'}-${request.detail.vendorCode}-${safe}${suffix}`;
}

/** A memo line: amounts as decimal strings in the memo's currency. */
export const memoLineSchema = z.strictObject({
  itemSequenceNumber: z.number().int().positive(),
  asin: z.string().optional(),
  vendorSku: z.string().optional(),
  purchaseOrderNumber: z.string().optional(),
  quantity: z.number().int().positive(),
  /** Net unit cost, excluding tax. */
  netCost: z.string(),
  /** Tax for the whole line. */
  taxAmount: z.string(),
  taxRate: z.string().optional(),
  lineNet: z.string(),
});
export type MemoLine = z.infer<typeof memoLineSchema>;

export const memoTotalsSchema = z.strictObject({ net: z.string(), tax: z.string(), total: z.string() });
export type MemoTotals = z.infer<typeof memoTotalsSchema>;

export const policyDecisionSchema = z.strictObject({
  decision: z.enum(['auto-approve', 'reject', 'ask']),
  reasons: z.array(z.string()),
});
export type PolicyDecision = z.infer<typeof policyDecisionSchema>;

export const creditMemoRecordSchema = z.object({
  memoId: z.string(),
  sourceKey: z.string(),
  request: creditMemoRequestSchema,
  state: z.enum(CREDIT_MEMO_STATES),
  revision: z.number().int().min(1),
  createdAt: z.string(),
  updatedAt: z.string(),
  respondBy: z.string(),
  lines: z.array(memoLineSchema).optional(),
  totals: memoTotalsSchema.optional(),
  referenceInvoiceNumber: z.string().optional(),
  policy: policyDecisionSchema.optional(),
  approvalId: z.string().optional(),
  decision: z
    .strictObject({
      by: z.string(),
      at: z.string(),
      outcome: z.enum(['approved', 'rejected']),
      note: z.string(),
    })
    .optional(),
  creditNoteNumber: z.string().optional(),
  /** The number's slot in invoicing's credit-note series (`CN`); absent on memos numbered before it. */
  creditNoteSequence: z.number().int().min(1).optional(),
  filing: z.enum(['api', 'vendor-central']).optional(),
  outboxKey: z.string().optional(),
  transactionId: z.string().optional(),
  submittedAt: z.string().optional(),
  filedReference: z.string().optional(),
  documentKey: z.string().optional(),
  failure: z.strictObject({ error: z.string(), cause: z.string() }).optional(),
  executionArn: z.string().optional(),
});
export type CreditMemoRecord = z.infer<typeof creditMemoRecordSchema>;

/** Vendor, marketplace and currency of a memo's request. */
export function memoScope(request: CreditMemoRequest): {
  vendorCode: string;
  marketplace: string;
  currency: string;
} {
  return {
    vendorCode: request.detail.vendorCode,
    marketplace: request.detail.marketplace,
    currency: request.detail.currency,
  };
}

// ---- inputs of the computation (read through ports, shaped here) ------------------------------

/** A PO line as the memo needs it. */
export interface PoLine {
  readonly itemSequenceNumber: string;
  readonly asin?: string | undefined;
  readonly vendorSku?: string | undefined;
  readonly orderedQuantity: number;
  readonly netCost?: { readonly amount: string; readonly currency: string } | undefined;
}

/** The original invoice (the invoicing capability's record, read through InvoiceLookup). */
export interface OriginalInvoice {
  readonly invoiceNumber: string;
  readonly currency: string;
  readonly purchaseOrderNumbers: readonly string[];
  readonly lines: readonly {
    readonly purchaseOrderNumber: string;
    readonly amazonProductIdentifier?: string | undefined;
    readonly vendorProductIdentifier?: string | undefined;
    readonly quantity: number;
    readonly netCost: string;
    /** Tax of the whole invoiced line. */
    readonly taxAmount: string;
  }[];
}

/** Tax on a memo where the invoice does not say: the marketplace's standard rate (percent). */
export interface MarketplaceTax {
  readonly taxType: TaxDetails['taxType'];
  readonly rate: string;
}

/** What the computation found: lines and totals, or the reasons the request is clearly invalid. */
export interface ComputedMemo {
  readonly lines: MemoLine[];
  readonly totals: MemoTotals;
  readonly referenceInvoiceNumber?: string;
  /** Facts that make the request invalid (reject). */
  readonly invalid: string[];
  /** Facts a person should look at (ask). */
  readonly doubts: string[];
}

function lineTax(
  net: Money,
  invoiceLine: { quantity: number; taxAmount: string } | undefined,
  qty: number,
  tax: MarketplaceTax | undefined,
  currency: string,
): { amount: Money; rate?: string } {
  if (invoiceLine && invoiceLine.quantity > 0) {
    // Tax per unit as invoiced, for the returned units: the memo mirrors the invoice.
    const invoiced = parseMoney(invoiceLine.taxAmount, currency);
    const perUnitTimesQty = multiplyMoney(invoiced, qty);
    const mirrored = divideRounded(perUnitTimesQty, invoiceLine.quantity);
    if (!tax) return { amount: mirrored };
    // Where the invoice was taxed at the marketplace's rate (the split differs by rounding only:
    // at most a minor unit per unit returned), the credit note states that rate and its tax on
    // the credited net, the amount Amazon checks a line against (invoicing's tax.lineAmount).
    const atRate = atRateOf(net, tax, currency);
    const diff = addMoney(atRate.amount, { ...mirrored, units: -mirrored.units });
    const minor = { units: BigInt(Math.max(1, qty)), scale: atRate.amount.scale, currency };
    const distance = diff.units < 0n ? { ...diff, units: -diff.units } : diff;
    return compareMoney(distance, minor) <= 0 ? atRate : { amount: mirrored };
  }
  if (!tax) return { amount: zeroMoney(currency) };
  return atRateOf(net, tax, currency);
}

/** net × rate / 100, rounded half-up to the currency's minor unit. */
function atRateOf(net: Money, tax: MarketplaceTax, currency: string): { amount: Money; rate: string } {
  const rate = parseDecimal(tax.rate);
  const product = { units: net.units * rate.units, scale: net.scale + rate.scale + 2, currency };
  return { amount: roundToMinor(product), rate: tax.rate };
}

function minorDigits(m: Money): number {
  return currencyMinorDigits(m.currency);
}

/** Rounds half away from zero to the currency's minor digits. */
function roundToMinor(m: Money): Money {
  const digits = minorDigits(m);
  if (m.scale <= digits) return m;
  const factor = 10n ** BigInt(m.scale - digits);
  const half = factor / 2n;
  const units = m.units >= 0n ? (m.units + half) / factor : -((-m.units + half) / factor);
  return { units, scale: digits, currency: m.currency };
}

function divideRounded(m: Money, by: number): Money {
  const digits = minorDigits(m);
  const scaled = {
    units: m.units * 10n ** BigInt(digits + 4),
    scale: m.scale + digits + 4,
    currency: m.currency,
  };
  return roundToMinor({ ...scaled, units: scaled.units / BigInt(by) });
}

/**
 * Lines and amounts of a return's memo: each returned item is found on its PO (by ASIN or vendor
 * SKU) and, when the invoice is known, on the invoice, whose net cost and tax the memo mirrors;
 * without an invoice the PO's net cost and the marketplace's standard tax rate are used and a
 * person is asked. Returned quantities above what was ordered or invoiced make the request invalid.
 */
export function computeReturnMemo(input: {
  detail: ReturnReceivedDetail;
  orders: ReadonlyMap<string, readonly PoLine[] | undefined>;
  invoices: ReadonlyMap<string, OriginalInvoice | undefined>;
  tax: MarketplaceTax | undefined;
}): ComputedMemo {
  const { detail } = input;
  const currency = detail.currency;
  const invalid: string[] = [];
  const doubts: string[] = [];
  const lines: MemoLine[] = [];
  const taxes: Money[] = [];
  let referenceInvoiceNumber: string | undefined;
  detail.items.forEach((item, i) => {
    const label = item.asin ?? item.vendorSku ?? `item ${i + 1}`;
    if (!item.purchaseOrderNumber) {
      doubts.push(`${label}: the return names no PO`);
      return;
    }
    const poLines = input.orders.get(item.purchaseOrderNumber);
    if (!poLines) {
      invalid.push(`PO ${item.purchaseOrderNumber} is unknown`);
      return;
    }
    const poLine = poLines.find(
      (l) => (item.asin && l.asin === item.asin) || (item.vendorSku && l.vendorSku === item.vendorSku),
    );
    if (!poLine) {
      invalid.push(`${label} is not on PO ${item.purchaseOrderNumber}`);
      return;
    }
    const invoice = input.invoices.get(item.purchaseOrderNumber);
    const invoiceLine = invoice?.lines.find(
      (l) =>
        l.purchaseOrderNumber === item.purchaseOrderNumber &&
        ((item.asin && l.amazonProductIdentifier === item.asin) ||
          (item.vendorSku && l.vendorProductIdentifier === item.vendorSku)),
    );
    if (invoice && referenceInvoiceNumber && referenceInvoiceNumber !== invoice.invoiceNumber) {
      doubts.push(`the return spans invoices ${referenceInvoiceNumber} and ${invoice.invoiceNumber}`);
    }
    if (invoice) referenceInvoiceNumber ??= invoice.invoiceNumber;
    const limit = invoiceLine?.quantity ?? poLine.orderedQuantity;
    if (item.quantity > limit) {
      invalid.push(
        `${label}: ${item.quantity} returned but only ${limit} ${invoiceLine ? 'invoiced' : 'ordered'} on PO ${item.purchaseOrderNumber}`,
      );
      return;
    }
    const costText = invoiceLine?.netCost ?? poLine.netCost?.amount;
    if (!costText) {
      doubts.push(`${label}: neither the invoice nor the PO gives a net cost`);
      return;
    }
    if (!invoiceLine)
      doubts.push(`${label}: no invoice found for PO ${item.purchaseOrderNumber}; priced from the PO`);
    const netCost = parseMoney(costText, currency);
    if (item.unitCost && compareMoney(parseMoney(item.unitCost, currency), netCost) !== 0) {
      doubts.push(`${label}: Amazon's unit cost ${item.unitCost} differs from ours ${formatAmount(netCost)}`);
    }
    const lineNet = multiplyMoney(netCost, item.quantity);
    const tax = lineTax(lineNet, invoiceLine, item.quantity, input.tax, currency);
    taxes.push(tax.amount);
    lines.push({
      itemSequenceNumber: lines.length + 1,
      ...(item.asin ? { asin: item.asin } : {}),
      ...(item.vendorSku ? { vendorSku: item.vendorSku } : {}),
      purchaseOrderNumber: item.purchaseOrderNumber,
      quantity: item.quantity,
      netCost: formatAmount(netCost),
      taxAmount: formatAmount(tax.amount),
      ...(tax.rate ? { taxRate: tax.rate } : {}),
      lineNet: formatAmount(lineNet),
    });
  });
  return {
    lines,
    totals: totalsOf(lines, currency),
    ...(referenceInvoiceNumber ? { referenceInvoiceNumber } : {}),
    invalid,
    doubts,
  };
}

/**
 * A debit note's memo: one line for the amount Amazon deducted (tax split at the invoice's ratio,
 * else the marketplace rate), against the invoice it names. A debit note for an unknown invoice is
 * invalid; one without an invoice, or for more than the invoice, goes to a person.
 */
export function computeDebitNoteMemo(input: {
  detail: CreditRequestedDetail;
  invoice: OriginalInvoice | undefined;
  tax: MarketplaceTax | undefined;
}): ComputedMemo {
  const { detail, invoice } = input;
  const currency = detail.currency;
  const invalid: string[] = [];
  const doubts: string[] = [];
  if (detail.referenceInvoiceNumber && !invoice) {
    invalid.push(`invoice ${detail.referenceInvoiceNumber} is unknown`);
  }
  if (!detail.referenceInvoiceNumber) doubts.push('the debit note names no invoice');
  const gross = parseMoney(detail.amount, currency);
  if (gross.units <= 0n) invalid.push(`the amount ${detail.amount} is not positive`);
  const first = invoice?.lines[0];
  let net = gross;
  let taxAmount = zeroMoney(currency);
  if (invoice && first) {
    const invNet = sumMoney(
      invoice.lines.map((l) => multiplyMoney(parseMoney(l.netCost, currency), l.quantity)),
      currency,
    );
    const invTax = sumMoney(
      invoice.lines.map((l) => parseMoney(l.taxAmount, currency)),
      currency,
    );
    const invTotal = addMoney(invNet, invTax);
    if (compareMoney(gross, invTotal) > 0) {
      invalid.push(
        `the debit note ${detail.amount} exceeds invoice ${invoice.invoiceNumber}'s total ${formatAmount(invTotal)}`,
      );
    }
    if (invTotal.units > 0n) {
      // net = gross × invNet / invTotal, rounded; tax is the rest, so net + tax = gross exactly.
      net = roundToMinor({
        units: (gross.units * invNet.units * 10n ** 6n) / invTotal.units,
        scale: gross.scale + invNet.scale - invTotal.scale + 6,
        currency,
      });
      taxAmount = { ...addMoney(gross, { ...net, units: -net.units }) };
    }
  } else if (input.tax) {
    const rate = parseDecimal(input.tax.rate);
    const divisor = { units: 100n * 10n ** BigInt(rate.scale) + rate.units, scale: rate.scale };
    net = roundToMinor({
      units: (gross.units * 10n ** BigInt(divisor.scale + 6) * 100n) / divisor.units,
      scale: gross.scale + 6,
      currency,
    });
    taxAmount = addMoney(gross, { ...net, units: -net.units });
  }
  const line: MemoLine = {
    itemSequenceNumber: 1,
    ...(first?.amazonProductIdentifier ? { asin: first.amazonProductIdentifier } : {}),
    ...(first?.vendorProductIdentifier ? { vendorSku: first.vendorProductIdentifier } : {}),
    ...(first ? { purchaseOrderNumber: first.purchaseOrderNumber } : {}),
    quantity: 1,
    netCost: formatAmount(net),
    taxAmount: formatAmount(taxAmount),
    lineNet: formatAmount(net),
  };
  if (!first) doubts.push('no invoice line to name the product: a person must complete the memo');
  return {
    lines: invalid.length > 0 ? [] : [line],
    totals: invalid.length > 0 ? totalsOf([], currency) : totalsOf([line], currency),
    ...(invoice ? { referenceInvoiceNumber: invoice.invoiceNumber } : {}),
    invalid,
    doubts,
  };
}

/** Net, tax and total of lines. */
export function totalsOf(lines: readonly MemoLine[], currency: string): MemoTotals {
  const net = sumMoney(
    lines.map((l) => parseMoney(l.lineNet, currency)),
    currency,
  );
  const tax = sumMoney(
    lines.map((l) => parseMoney(l.taxAmount, currency)),
    currency,
  );
  return { net: formatAmount(net), tax: formatAmount(tax), total: formatAmount(addMoney(net, tax)) };
}

/** The policy's settings (config `creditMemos`). */
export interface CreditMemoPolicy {
  /** Auto-approve below this total, per currency; a currency without a limit always asks. */
  readonly autoApproveBelow: Readonly<Record<string, string>>;
}

/**
 * Reject clearly invalid requests with their reasons; auto-approve a memo under the currency's
 * limit when every rule holds (lines found, no doubts); otherwise ask a person.
 */
export function decidePolicy(
  computed: ComputedMemo,
  currency: string,
  policy: CreditMemoPolicy,
): PolicyDecision {
  if (computed.invalid.length > 0) return { decision: 'reject', reasons: computed.invalid };
  if (computed.lines.length === 0)
    return { decision: 'ask', reasons: ['no line could be priced', ...computed.doubts] };
  if (computed.doubts.length > 0) return { decision: 'ask', reasons: computed.doubts };
  const limit = policy.autoApproveBelow[currency];
  if (limit === undefined) return { decision: 'ask', reasons: [`no auto-approval limit for ${currency}`] };
  const total = parseMoney(computed.totals.total, currency);
  if (compareMoney(total, parseMoney(limit, currency)) >= 0) {
    return {
      decision: 'ask',
      reasons: [`total ${computed.totals.total} ${currency} is not below the auto-approval limit ${limit}`],
    };
  }
  return {
    decision: 'auto-approve',
    reasons: [
      `every line matches its PO${computed.referenceInvoiceNumber ? ' and invoice' : ''}; total ${computed.totals.total} ${currency} below ${limit}`,
    ],
  };
}

/** Whether a returns-export status means the goods are back in the vendor's hands. */
export function isReceived(status: string | undefined, receivedStatuses: readonly string[]): boolean {
  if (!status) return false;
  const norm = (s: string) => s.trim().toLowerCase();
  return receivedStatuses.some((s) => norm(s) === norm(status));
}

/** Formats a decimal string with the currency's digits (for documents). */
export function displayAmount(amount: string, currency: string): string {
  return `${formatDecimal(parseMoney(amount, currency), 2)} ${currency}`;
}
