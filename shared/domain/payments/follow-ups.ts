/**
 * What a reconciled line calls for beyond the books: a returns debit note asks for a credit memo
 * (`CreditRequested`, the credit-memo workflow's start), a shortage or price claim is a dispute
 * candidate with its evidence gathered. Pure: the evidence comes in as references.
 */
import { CREDIT_RESPONSE_HOURS, type CreditRequestedDetail } from '../credit-memos/credit-request.ts';
import { decimalText } from './locale.ts';
import type { MatchedLine } from './reconciliation.ts';

/** The credit a returns debit note asks for, or undefined for any other line (and for a reversal). */
export function creditRequestOf(
  line: MatchedLine,
  context: { vendorCode: string; marketplace: string; requestedAt: Date },
): CreditRequestedDetail | undefined {
  if (line.classification.kind !== 'returns-debit-note' || line.line.amountPaid.units >= 0n) return undefined;
  const amount = decimalText({ units: -line.line.amountPaid.units, scale: line.line.amountPaid.scale });
  return {
    vendorCode: context.vendorCode,
    marketplace: context.marketplace,
    debitNoteNumber: line.line.invoiceNumber,
    source: 'remittance',
    kind: 'returns',
    ...(line.classification.invoiceNumber
      ? { referenceInvoiceNumber: line.classification.invoiceNumber }
      : {}),
    ...(line.line.referenceDetails ? { returnReference: line.line.referenceDetails } : {}),
    amount,
    currency: line.line.currency,
    requestedAt: context.requestedAt.toISOString(),
    respondBy: new Date(context.requestedAt.getTime() + CREDIT_RESPONSE_HOURS * 3_600_000).toISOString(),
    description: `Returns debit note ${line.line.invoiceNumber} deducted in payment ${line.line.paymentNumber}`,
  };
}

/** Evidence references of one PO, as the other modules hold them. */
export interface PurchaseOrderEvidence {
  readonly purchaseOrderNumber: string;
  /** The PO as ingested. */
  readonly purchaseOrder: boolean;
  /** The acknowledgement's state and outbox message, when one was sent. */
  readonly acknowledgement?: { readonly state: string; readonly messageKey?: string };
  /** Shipment ids whose confirmations (ASNs) carried the PO. */
  readonly shipmentConfirmations: readonly string[];
}

/** A shortage or price claim worth disputing, with what proves the vendor's side. */
export interface DisputeCandidate {
  /** The claim's number (`<inv>SC`, `<inv>(PC)`): one candidate per claim. */
  readonly claimNumber: string;
  readonly kind: 'shortage-claim' | 'price-claim';
  readonly vendorCode: string;
  readonly marketplace: string;
  readonly invoiceNumber?: string;
  readonly paymentNumber: string;
  readonly currency: string;
  /** Amount deducted, positive. */
  readonly amount: string;
  readonly evidence: {
    readonly invoice?: string;
    readonly purchaseOrders: readonly PurchaseOrderEvidence[];
    /** What is missing to dispute (no ASN for a shortage, …). */
    readonly gaps: readonly string[];
  };
}

/** Whether a line is a claim that can be disputed (a shortage or price claim that took money). */
export function isDisputable(line: MatchedLine): boolean {
  const kind = line.classification.kind;
  return (
    (kind === 'shortage-claim' || kind === 'shortage-claim-revised' || kind === 'price-claim') &&
    line.line.amountPaid.units < 0n
  );
}

/** The dispute candidate of a claim line, with the evidence found for its invoice's POs. */
export function disputeCandidateOf(
  line: MatchedLine,
  evidence: readonly PurchaseOrderEvidence[],
  context: { vendorCode: string; marketplace: string },
): DisputeCandidate | undefined {
  if (!isDisputable(line)) return undefined;
  const kind = line.classification.kind === 'price-claim' ? 'price-claim' : 'shortage-claim';
  const gaps: string[] = [];
  if (!line.invoice) gaps.push('the invoice is unknown to Acorn');
  if (evidence.length === 0) gaps.push('no purchase order on the invoice');
  for (const po of evidence) {
    if (!po.purchaseOrder) gaps.push(`PO ${po.purchaseOrderNumber} is not in Acorn`);
    if (!po.acknowledgement) gaps.push(`PO ${po.purchaseOrderNumber} has no acknowledgement`);
    if (kind === 'shortage-claim' && po.shipmentConfirmations.length === 0) {
      gaps.push(`PO ${po.purchaseOrderNumber} has no shipment confirmation`);
    }
  }
  return {
    claimNumber: line.line.invoiceNumber,
    kind,
    vendorCode: context.vendorCode,
    marketplace: context.marketplace,
    ...(line.classification.invoiceNumber ? { invoiceNumber: line.classification.invoiceNumber } : {}),
    paymentNumber: line.line.paymentNumber,
    currency: line.line.currency,
    amount: decimalText({ units: -line.line.amountPaid.units, scale: line.line.amountPaid.scale }),
    evidence: {
      ...(line.invoice ? { invoice: line.invoice.invoiceNumber } : {}),
      purchaseOrders: evidence,
      gaps,
    },
  };
}
