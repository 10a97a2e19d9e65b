/**
 * Building blocks shared by the SP-API vendor (retail procurement) schemas.
 *
 * Written by hand from Amazon's Swagger models (vendorOrders, vendorInvoices, vendorShipments,
 * vendorTransactionStatus) and cross-checked against them in test/unit/sp-api-schemas.test.ts.
 * Conventions (ARCHITECTURE rule 14):
 * - objects Amazon sends us are `z.looseObject`, so a field Amazon adds tomorrow is kept, not an error;
 * - objects we send are `z.strictObject`, so a typo never leaves the building;
 * - money amounts are decimal strings, never numbers (ARCHITECTURE rule 2).
 *
 * The same definition name means different shapes in different models (PartyIdentification has a
 * single `taxInfo` in orders but a `taxRegistrationDetails` array in invoices and shipments; the
 * invoices Address says `postalOrZipCode`), so each flavour gets its own schema here.
 */
import * as z from 'zod';

/** The models' `Decimal` pattern: a JSON-number-like string without loss of precision. */
export const DECIMAL_PATTERN = /^-?(0|([1-9]\d*))(\.\d+)?([eE][+-]?\d+)?$/;

/** A decimal amount as a string, e.g. `"12.50"` (the models' `Decimal`). */
export const decimalStringSchema = z
  .string()
  .regex(DECIMAL_PATTERN, 'expected a decimal string such as "12.50"');

/** An ISO-8601 timestamp with a zone (`Z` or an offset), as the models' `date-time` format requires. */
export const dateTimeSchema = z.iso.datetime({ offset: true });

/** One error as Amazon reports it. */
export const errorSchema = z.looseObject({
  code: z.string(),
  message: z.string(),
  details: z.string().optional(),
});

/** The body of every SP-API error response: `{ errors: [{ code, message, details? }] }`. */
export const errorListSchema = z.looseObject({
  errors: z.array(errorSchema),
});

/** Unit of measure for items priced by weight. */
export const weightUnitOfMeasureSchema = z.enum(['POUNDS', 'OUNCES', 'GRAMS', 'KILOGRAMS']);

/** Whether a quantity counts cases or single items. */
export const quantityUnitOfMeasureSchema = z.enum(['Cases', 'Eaches']);

/** Tax registration type (VAT or GST); the only two values the models allow. */
export const taxRegistrationTypeSchema = z.enum(['VAT', 'GST']);

// Shapes are declared once and built in both strictnesses where a definition travels both ways
// (orders: the PO we read and the acknowledgement we send share Party, Money and ItemQuantity).

const taxRegistrationDetailsShape = {
  taxRegistrationType: taxRegistrationTypeSchema,
  taxRegistrationNumber: z.string(),
};

const addressBaseShape = {
  name: z.string(),
  addressLine1: z.string(),
  addressLine2: z.string().optional(),
  addressLine3: z.string().optional(),
  city: z.string().optional(),
  county: z.string().optional(),
  district: z.string().optional(),
  stateOrRegion: z.string().optional(),
  phone: z.string().optional(),
};

const ordersAddressShape = {
  ...addressBaseShape,
  postalCode: z.string().optional(),
  countryCode: z.string().max(2),
};

const ordersMoneyShape = {
  currencyCode: z.string().max(3).optional(),
  amount: decimalStringSchema.optional(),
  unitOfMeasure: weightUnitOfMeasureSchema.optional(),
};

const ordersItemQuantityShape = {
  amount: z.number().int().optional(),
  unitOfMeasure: quantityUnitOfMeasureSchema.optional(),
  unitSize: z.number().int().optional(),
};

function ordersPartyShape<A extends z.ZodType, T extends z.ZodType>(address: A, taxInfo: T) {
  return { partyId: z.string(), address: address.optional(), taxInfo: taxInfo.optional() };
}

/** Orders model `TaxRegistrationDetails` (one per party, under `taxInfo`), as Amazon sends it. */
export const taxRegistrationDetailsSchema = z.looseObject(taxRegistrationDetailsShape);
/** Orders model `Address`, as Amazon sends it. */
export const addressSchema = z.looseObject(ordersAddressShape);
/** Orders model `PartyIdentification` (`taxInfo`, `postalCode`), as Amazon sends it. */
export const partyIdentificationSchema = z.looseObject(
  ordersPartyShape(addressSchema, taxRegistrationDetailsSchema),
);
/** Orders model `Money` (amount, currency, optional weight unit), as Amazon sends it. */
export const moneySchema = z.looseObject(ordersMoneyShape);
/** Orders model `ItemQuantity` (every field optional in that model), as Amazon sends it. */
export const itemQuantitySchema = z.looseObject(ordersItemQuantityShape);

/** Orders model `TaxRegistrationDetails`, as we send it. */
export const taxRegistrationDetailsRequestSchema = z.strictObject(taxRegistrationDetailsShape);
/** Orders model `Address`, as we send it. */
export const addressRequestSchema = z.strictObject(ordersAddressShape);
/** Orders model `PartyIdentification`, as we send it (acknowledgement `sellingParty`). */
export const partyIdentificationRequestSchema = z.strictObject(
  ordersPartyShape(addressRequestSchema, taxRegistrationDetailsRequestSchema),
);
/** Orders model `Money`, as we send it (acknowledgement `netCost`, `listPrice`). */
export const moneyRequestSchema = z.strictObject(ordersMoneyShape);
/** Orders model `ItemQuantity`, as we send it (acknowledged quantities). */
export const itemQuantityRequestSchema = z.strictObject(ordersItemQuantityShape);

/** Invoices model `Address`: `postalOrZipCode` instead of `postalCode`. Request-only. */
export const invoiceAddressSchema = z.strictObject({
  ...addressBaseShape,
  postalOrZipCode: z.string().optional(),
  countryCode: z.string().max(2),
});

/** Invoices model `PartyIdentification`: a `taxRegistrationDetails` array. Request-only. */
export const invoicePartyIdentificationSchema = z.strictObject({
  partyId: z.string(),
  address: invoiceAddressSchema.optional(),
  taxRegistrationDetails: z.array(z.strictObject(taxRegistrationDetailsShape)).optional(),
});

/** Shipments model `Address`: `postalCode`, and no length limit on `countryCode`. Request-only. */
export const shipmentAddressSchema = z.strictObject({
  ...addressBaseShape,
  postalCode: z.string().optional(),
  countryCode: z.string(),
});

/** Shipments model `PartyIdentification`: a `taxRegistrationDetails` array. Request-only. */
export const shipmentPartyIdentificationSchema = z.strictObject({
  partyId: z.string(),
  address: shipmentAddressSchema.optional(),
  taxRegistrationDetails: z.array(z.strictObject(taxRegistrationDetailsShape)).optional(),
});

/** Total weight of a priced-by-weight quantity (invoices and shipments models). Request-only. */
export const totalWeightSchema = z.strictObject({
  unitOfMeasure: weightUnitOfMeasureSchema,
  amount: decimalStringSchema,
});

/**
 * Invoices and shipments model `ItemQuantity`: unlike the orders model, `amount` and
 * `unitOfMeasure` are required, and a `totalWeight` may be given. Request-only.
 */
export const measuredItemQuantitySchema = z.strictObject({
  amount: z.number().int(),
  unitOfMeasure: quantityUnitOfMeasureSchema,
  unitSize: z.number().int().optional(),
  totalWeight: totalWeightSchema.optional(),
});

/** `{ nextToken? }` of the paged responses. */
export const paginationSchema = z.looseObject({
  nextToken: z.string().optional(),
});

/** The 202 body of every asynchronous submission: `{ payload: { transactionId } }`. */
export const transactionIdResponseSchema = z.looseObject({
  // The model makes both optional; a 202 without them is useless to us, so we insist.
  payload: z.looseObject({ transactionId: z.string() }),
  errors: z.array(errorSchema).optional(),
});

/** What {@link errorSchema} parses to. */
export type ApiError = z.infer<typeof errorSchema>;
/** What {@link errorListSchema} parses to. */
export type ErrorList = z.infer<typeof errorListSchema>;
/** What {@link moneySchema} parses to. */
export type Money = z.infer<typeof moneySchema>;
/** What {@link itemQuantitySchema} parses to. */
export type ItemQuantity = z.infer<typeof itemQuantitySchema>;
/** What {@link partyIdentificationSchema} parses to. */
export type PartyIdentification = z.infer<typeof partyIdentificationSchema>;
/** What {@link invoicePartyIdentificationSchema} parses to. */
export type InvoicePartyIdentification = z.infer<typeof invoicePartyIdentificationSchema>;
/** What {@link shipmentPartyIdentificationSchema} parses to. */
export type ShipmentPartyIdentification = z.infer<typeof shipmentPartyIdentificationSchema>;
/** What {@link transactionIdResponseSchema} parses to. */
export type TransactionIdResponse = z.infer<typeof transactionIdResponseSchema>;
