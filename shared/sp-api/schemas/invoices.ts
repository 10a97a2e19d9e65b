/**
 * Retail Procurement Payments v1 (vendorInvoices model): invoices and credit notes we submit.
 * Everything here is a request body, so every object is strict.
 *
 * Business rules the model cannot express (PO number mandatory on an Invoice line, credit-note
 * references on a CreditNote line, CreditNote only in some marketplaces, totals adding up) belong
 * to the invoicing domain, not to this wire schema.
 */
import * as z from 'zod';
import {
  dateTimeSchema,
  decimalStringSchema,
  invoicePartyIdentificationSchema,
  measuredItemQuantitySchema,
  weightUnitOfMeasureSchema,
} from './common.ts';

export { transactionIdResponseSchema as submitInvoicesResponseSchema } from './common.ts';

/** Invoice or CreditNote. */
export const invoiceTypeSchema = z.enum(['Invoice', 'CreditNote']);

/** Invoices model `Money`: both fields optional in that model. */
export const invoiceMoneySchema = z.strictObject({
  currencyCode: z.string().optional(),
  amount: decimalStringSchema.optional(),
});

/** The tax types the model knows (note the literal `MwSt.`). */
export const taxTypeSchema = z.enum([
  'CGST',
  'SGST',
  'CESS',
  'UTGST',
  'IGST',
  'MwSt.',
  'PST',
  'TVA',
  'VAT',
  'GST',
  'ST',
  'Consumption',
  'MutuallyDefined',
  'DomesticVAT',
]);

/** One tax line: type, rate (percent as a decimal string), amount and taxable amount. */
export const taxDetailsSchema = z.strictObject({
  taxType: taxTypeSchema,
  taxRate: decimalStringSchema.optional(),
  taxAmount: invoiceMoneySchema,
  taxableAmount: invoiceMoneySchema.optional(),
});

/** Extra regulatory detail, e.g. the Polish split-payment marker (`SUR`). */
export const additionalDetailsSchema = z.strictObject({
  type: z.enum(['SUR', 'OCR', 'CartonCount']),
  detail: z.string(),
  languageCode: z.string().optional(),
});

/** A charge (freight, packing, ...) at header or line level. */
export const chargeDetailsSchema = z.strictObject({
  type: z.enum([
    'Freight',
    'Packing',
    'Duty',
    'Service',
    'SmallOrder',
    'InsurancePlacementCost',
    'InsuranceFee',
    'SpecialHandlingService',
    'CollectionAndRecyclingService',
    'EnvironmentalProtectionService',
    'TaxCollectedAtSource',
  ]),
  description: z.string().optional(),
  chargeAmount: invoiceMoneySchema,
  taxDetails: z.array(taxDetailsSchema).optional(),
});

/** An allowance (discount, defective, ...) at header or line level. */
export const allowanceDetailsSchema = z.strictObject({
  type: z.enum([
    'Discount',
    'DiscountIncentive',
    'Defective',
    'Promotional',
    'UnsaleableMerchandise',
    'Special',
  ]),
  description: z.string().optional(),
  allowanceAmount: invoiceMoneySchema,
  taxDetails: z.array(taxDetailsSchema).optional(),
});

/** Payment terms agreed with the buyer; days count from the invoice date. */
export const paymentTermsSchema = z.strictObject({
  type: z
    .enum(['Basic', 'EndOfMonth', 'FixedDate', 'Proximo', 'PaymentDueUponReceiptOfInvoice', 'LetterofCredit'])
    .optional(),
  discountPercent: decimalStringSchema.optional(),
  discountDueDays: z.number().optional(),
  netDueDays: z.number().optional(),
});

/** References a credit-note line carries (which ones are mandatory depends on the credit type). */
export const creditNoteDetailsSchema = z.strictObject({
  referenceInvoiceNumber: z.string().optional(),
  debitNoteNumber: z.string().optional(),
  returnsReferenceNumber: z.string().optional(),
  goodsReturnDate: dateTimeSchema.optional(),
  rmaId: z.string().optional(),
  coopReferenceNumber: z.string().optional(),
  consignorsReferenceNumber: z.string().optional(),
});

/** One invoice or credit-note line. `netCost` is the net unit price, excluding tax. */
export const invoiceItemSchema = z.strictObject({
  itemSequenceNumber: z.number().int(),
  amazonProductIdentifier: z.string().optional(),
  vendorProductIdentifier: z.string().optional(),
  invoicedQuantity: measuredItemQuantitySchema,
  netCost: invoiceMoneySchema,
  netCostUnitOfMeasure: weightUnitOfMeasureSchema.optional(),
  purchaseOrderNumber: z.string().optional(),
  hsnCode: z.string().optional(),
  creditNoteDetails: creditNoteDetailsSchema.optional(),
  taxDetails: z.array(taxDetailsSchema).optional(),
  chargeDetails: z.array(chargeDetailsSchema).optional(),
  allowanceDetails: z.array(allowanceDetailsSchema).optional(),
});

/** An invoice or a credit note (model `Invoice`). */
export const invoiceSchema = z.strictObject({
  invoiceType: invoiceTypeSchema,
  id: z.string(),
  referenceNumber: z.string().optional(),
  date: dateTimeSchema,
  remitToParty: invoicePartyIdentificationSchema,
  shipToParty: invoicePartyIdentificationSchema.optional(),
  shipFromParty: invoicePartyIdentificationSchema.optional(),
  billToParty: invoicePartyIdentificationSchema.optional(),
  paymentTerms: paymentTermsSchema.optional(),
  invoiceTotal: invoiceMoneySchema,
  taxDetails: z.array(taxDetailsSchema).optional(),
  additionalDetails: z.array(additionalDetailsSchema).optional(),
  chargeDetails: z.array(chargeDetailsSchema).optional(),
  allowanceDetails: z.array(allowanceDetailsSchema).optional(),
  items: z.array(invoiceItemSchema).optional(),
});

/** Body of submitInvoices. */
export const submitInvoicesRequestSchema = z.strictObject({
  // Optional in the model; an empty submission is a bug on our side.
  invoices: z.array(invoiceSchema).min(1),
});

/** What {@link invoiceTypeSchema} parses to. */
export type InvoiceType = z.infer<typeof invoiceTypeSchema>;
/** What {@link invoiceMoneySchema} parses to. */
export type InvoiceMoney = z.infer<typeof invoiceMoneySchema>;
/** What {@link taxDetailsSchema} parses to. */
export type TaxDetails = z.infer<typeof taxDetailsSchema>;
/** What {@link creditNoteDetailsSchema} parses to. */
export type CreditNoteDetails = z.infer<typeof creditNoteDetailsSchema>;
/** What {@link invoiceItemSchema} parses to. */
export type InvoiceItem = z.infer<typeof invoiceItemSchema>;
/** What {@link invoiceSchema} parses to. */
export type Invoice = z.infer<typeof invoiceSchema>;
/** What {@link submitInvoicesRequestSchema} parses to. */
export type SubmitInvoicesRequest = z.infer<typeof submitInvoicesRequestSchema>;
