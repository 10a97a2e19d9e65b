/**
 * Finances Invoices API 2026-06-25 (`getInvoiceHeaders`): the payment status of the invoices
 * Amazon holds for the vendor. Responses only, so objects are loose (Amazon may add fields).
 */
import * as z from 'zod';
import { errorSchema } from './common.ts';

/** Amounts in this API are JSON numbers (BigDecimal) with a currency. */
export const financesCurrencySchema = z.looseObject({
  currencyCode: z.string(),
  currencyAmount: z.number(),
});

/** Payment status of an invoice. */
export const financesInvoiceStatusSchema = z.enum([
  'IN_PROGRESS',
  'REJECTED',
  'PARTIALLY_PAID',
  'PARTIALLY_DEDUCTED',
  'PAID',
  'DEDUCTED',
]);

const partnerSchema = z.looseObject({
  partnerId: z.string(),
  partnerType: z.enum(['SELLER', 'VENDOR', 'AMAZON']),
  partnerEntities: z.array(z.string()).optional(),
  partnerName: z.string().optional(),
});

/** One invoice header. */
export const financesInvoiceHeaderSchema = z.looseObject({
  invoiceNumber: z.string(),
  invoiceIdentifier: z.string(),
  invoiceStatus: financesInvoiceStatusSchema,
  invoiceType: z.enum(['AP_INVENTORY', 'OTHER']),
  payer: partnerSchema,
  payee: partnerSchema,
  issueDate: z.string(),
  dueDate: z.string().optional(),
  paymentTerms: z.string().optional(),
  invoiceAmount: financesCurrencySchema,
  relatedIdentifiers: z
    .array(z.looseObject({ relatedIdentifierName: z.string(), relatedIdentifierValue: z.array(z.string()) }))
    .optional(),
  creationDate: z.string(),
  lastUpdatedDate: z.string(),
});

/** 200 body of getInvoiceHeaders (no `payload` wrapper in this API). */
export const getInvoiceHeadersResponseSchema = z.looseObject({
  invoices: z.array(financesInvoiceHeaderSchema).default([]),
  numOfRecords: z.number().int().optional(),
  nextToken: z.string().optional(),
  errors: z.array(errorSchema).optional(),
});

/** What {@link financesInvoiceHeaderSchema} parses to. */
export type FinancesInvoiceHeader = z.infer<typeof financesInvoiceHeaderSchema>;
/** What {@link getInvoiceHeadersResponseSchema} parses to. */
export type GetInvoiceHeadersResponse = z.infer<typeof getInvoiceHeadersResponseSchema>;
