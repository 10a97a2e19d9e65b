/**
 * Acorn's record of one invoice or credit note, as it lives in the single table (pk
 * `INVOICE#<invoiceNumber>`, sk `INVOICE`, plain attributes so other capabilities read them: the
 * payments reconciliation and the credit notes that refer to an invoice). This schema is the
 * contract; the store (shared/aws/dynamodb-invoices.ts) reads every item back through it.
 */
import * as z from 'zod';

/**
 * Where an invoice stands:
 * - `parallel-run`: generated and archived for a vendor code still invoicing through Vendor
 *   Central or EDI; never sent;
 * - `queued`: in the outbox, not yet sent; `held` / `simulated`: the module is `off` / `simulate`;
 * - `submitted`: Amazon took it (202, transaction id) and is processing;
 * - `accepted`: still Processing 15 minutes after submission, Amazon's way of saying accepted;
 * - `rejected`: the transaction reported Failure (Amazon's errors stored);
 * - `failed`: Amazon refused the request itself (4xx); `unknown`: cannot tell yet whether Amazon got it.
 */
export const INVOICE_STATES = [
  'parallel-run',
  'queued',
  'held',
  'simulated',
  'submitted',
  'accepted',
  'rejected',
  'failed',
  'unknown',
] as const;
export const invoiceStateSchema = z.enum(INVOICE_STATES);
export type InvoiceState = z.infer<typeof invoiceStateSchema>;

/** Payment statuses of the Finances Invoices API (2026-06-25). */
export const PAYMENT_STATUSES = [
  'IN_PROGRESS',
  'REJECTED',
  'PARTIALLY_PAID',
  'PARTIALLY_DEDUCTED',
  'PAID',
  'DEDUCTED',
] as const;
export const paymentStatusSchema = z.enum(PAYMENT_STATUSES);
export type PaymentStatus = z.infer<typeof paymentStatusSchema>;

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string such as "12.50"');

/** One line as billed. `quantity` counts eaches; `netCost` is per each; `taxAmount` is the line's tax. */
export const invoiceRecordLineSchema = z.object({
  itemSequenceNumber: z.number().int(),
  purchaseOrderNumber: z.string().optional(),
  amazonProductIdentifier: z.string().optional(),
  vendorProductIdentifier: z.string().optional(),
  quantity: z.number().int(),
  netCost: decimal,
  taxAmount: decimal,
  taxRate: z.string().optional(),
  /** The unit the line was invoiced in, and the case size (eaches = amount × unitSize for cases). */
  unitOfMeasure: z.enum(['Cases', 'Eaches']).optional(),
  unitSize: z.number().int().optional(),
  /** The PO line it bills (the PO's own sequence number, a string like `00001`). */
  purchaseOrderItemSequenceNumber: z.string().optional(),
});
export type InvoiceRecordLine = z.infer<typeof invoiceRecordLineSchema>;

const amazonErrorSchema = z.object({ code: z.string(), message: z.string(), details: z.string().optional() });

/** The invoice record. */
export const invoiceRecordSchema = z.object({
  invoiceNumber: z.string().min(1),
  invoiceType: z.enum(['Invoice', 'CreditNote']),
  vendorCode: z.string(),
  /** ISO country of the marketplace (`GB`, not `UK`). */
  marketplace: z.string().length(2),
  currency: z.string().length(3),
  invoiceDate: z.string(),
  /** Gross total including tax. */
  total: decimal,
  taxTotal: decimal,
  netTotal: decimal,
  purchaseOrderNumbers: z.array(z.string()),
  lines: z.array(invoiceRecordLineSchema),
  state: invoiceStateSchema,
  paymentStatus: paymentStatusSchema.optional(),
  paymentStatusUpdatedAt: z.string().optional(),
  paymentTermsNetDays: z.number().int().optional(),
  /** The legal entity (remit-to party id) and number series the number was drawn from. */
  legalEntity: z.string(),
  series: z.string(),
  sequence: z.number().int().positive(),
  /** The confirmed shipments it bills (one invoice per PO and shipment, ever). */
  shipments: z.array(z.object({ purchaseOrderNumber: z.string(), shipmentId: z.string() })),
  /** When the goods left (the date of supply on the document). */
  supplyDate: z.string().optional(),
  /** For a credit note: the invoice it corrects. */
  referenceInvoiceNumber: z.string().optional(),
  messageKey: z.string().optional(),
  transactionId: z.string().optional(),
  submittedAt: z.string().optional(),
  acceptedAt: z.string().optional(),
  errors: z.array(amazonErrorSchema).optional(),
  /** Archive keys of the exact JSON and the PDF. */
  documents: z.object({ json: z.string(), pdf: z.string() }),
  revision: z.number().int().nonnegative(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type InvoiceRecord = z.infer<typeof invoiceRecordSchema>;

/** States in which Amazon has (or may have) the invoice: its PO lines are billed. */
export const WITH_AMAZON_STATES: ReadonlySet<InvoiceState> = new Set(['submitted', 'accepted', 'unknown']);
