import * as z from 'zod';

/**
 * The two bus events that start the credit-memo workflow, shared by their producers (returns
 * exports, remittance reconciliation, the API) and the workflow. Amounts are decimal strings;
 * no personal data (a return reference, never a customer).
 */

const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal number as a string');
const instant = z.iso.datetime({ offset: true });

/** Where the request came from, for the audit trail and to explain it to an approver. */
export const creditSourceSchema = z.enum(['returns-export', 'remittance', 'api']);

/** `ReturnReceived`: Amazon returned goods (a returns export row group, one return reference). */
export const returnReceivedDetailSchema = z.strictObject({
  vendorCode: z.string().min(1),
  marketplace: z.string().length(2),
  /** Amazon's Returns Notice Number (one memo per return reference). */
  returnReference: z.string().min(1),
  source: creditSourceSchema,
  /** When Amazon raised the return. */
  returnDate: instant,
  /** The 72-hour response deadline. */
  respondBy: instant,
  currency: z.string().length(3),
  items: z
    .array(
      z.strictObject({
        asin: z.string().optional(),
        vendorSku: z.string().optional(),
        purchaseOrderNumber: z.string().optional(),
        quantity: z.number().int().positive(),
        /** Amazon's cost per unit for the return, when the export gives one. */
        unitCost: decimalString.optional(),
        reason: z.string().optional(),
      }),
    )
    .min(1),
  /** Amazon's return status at the time of the event (e.g. "Delivered to Warehouse"). */
  status: z.string().optional(),
  debitNoteNumber: z.string().optional(),
  rmaId: z.string().optional(),
  consignorsReferenceNumber: z.string().optional(),
});
export type ReturnReceivedDetail = z.infer<typeof returnReceivedDetailSchema>;

/** `CreditRequested`: Amazon asks for a credit (a debit note or a deduction in a remittance). */
export const creditRequestedDetailSchema = z.strictObject({
  vendorCode: z.string().min(1),
  marketplace: z.string().length(2),
  /** Amazon's debit-note (or deduction invoice) number: one memo per debit note. */
  debitNoteNumber: z.string().min(1),
  source: creditSourceSchema,
  kind: z.enum(['returns', 'price-claim', 'shortage-claim', 'coop', 'other']),
  /** The invoice the credit corrects, when known. */
  referenceInvoiceNumber: z.string().optional(),
  returnReference: z.string().optional(),
  amount: decimalString,
  currency: z.string().length(3),
  requestedAt: instant,
  respondBy: instant,
  description: z.string().optional(),
});
export type CreditRequestedDetail = z.infer<typeof creditRequestedDetailSchema>;

/** Amazon expects an answer to a return or credit request within 72 hours. */
export const CREDIT_RESPONSE_HOURS = 72;
