/**
 * Retail Procurement Shipments v1 (vendorShipments model): the shipment confirmation (ASN) we send.
 * Request-only, so every object is strict. Of GetShipmentDetails' answer only what tells whether
 * Amazon has a shipment is mirrored (loose, as everything Amazon sends). The transport-request and
 * label operations of the same model are not used by Acorn and are not mirrored.
 */
import * as z from 'zod';
import {
  dateTimeSchema,
  decimalStringSchema,
  errorSchema,
  measuredItemQuantitySchema,
  paginationSchema,
  shipmentPartyIdentificationSchema,
} from './common.ts';

export { transactionIdResponseSchema as submitShipmentConfirmationsResponseSchema } from './common.ts';

/** Shipments model `Money`: unlike the other models, both fields are required. */
export const shipmentMoneySchema = z.strictObject({
  currencyCode: z.string(),
  amount: decimalStringSchema,
});

/** A weight with its unit (G, Kg, Oz, Lb). */
export const weightSchema = z.strictObject({
  unitOfMeasure: z.enum(['G', 'Kg', 'Oz', 'Lb']),
  value: decimalStringSchema,
});

/** A volume with its unit. */
export const volumeSchema = z.strictObject({
  unitOfMeasure: z.enum(['CuFt', 'CuIn', 'CuM', 'CuY']),
  value: decimalStringSchema,
});

/** Length, width and height with their unit. */
export const dimensionsSchema = z.strictObject({
  length: decimalStringSchema,
  width: decimalStringSchema,
  height: decimalStringSchema,
  unitOfMeasure: z.enum(['In', 'Ft', 'Meter', 'Yard']),
});

/** Handling code of an item or shipment. */
export const handlingCodeSchema = z.enum(['Oversized', 'Fragile', 'Food', 'HandleWithCare']);

/** Carrier and transport references of a confirmed shipment. */
export const transportationDetailsForShipmentConfirmationSchema = z.strictObject({
  carrierScac: z.string().optional(),
  carrierShipmentReferenceNumber: z.string().optional(),
  transportationMode: z.enum(['Road', 'Air', 'Ocean']).optional(),
  billOfLadingNumber: z.string().optional(),
});

/** Gross weight, volume, carton and pallet counts of the shipment. */
export const shipmentMeasurementsSchema = z.strictObject({
  grossShipmentWeight: weightSchema.optional(),
  shipmentVolume: volumeSchema.optional(),
  cartonCount: z.number().int().optional(),
  palletCount: z.number().int().optional(),
});

/** A port or place on an import route. */
export const locationSchema = z.strictObject({
  type: z.string().optional(),
  locationCode: z.string().optional(),
  countryCode: z.string().optional(),
});

/** One stop of an import route. */
export const stopSchema = z.strictObject({
  functionCode: z.enum(['PortOfDischarge', 'FreightPayableAt', 'PortOfLoading']),
  locationIdentification: locationSchema.optional(),
  arrivalTime: dateTimeSchema.optional(),
  departureTime: dateTimeSchema.optional(),
});

/** An import route. */
export const routeSchema = z.strictObject({
  stops: z.array(stopSchema),
});

/** Shipments model `ImportDetails` (differs from the orders model's). */
export const shipmentImportDetailsSchema = z.strictObject({
  methodOfPayment: z
    .enum([
      'PaidByBuyer',
      'CollectOnDelivery',
      'DefinedByBuyerAndSeller',
      'FOBPortOfCall',
      'PrepaidBySeller',
      'PaidBySeller',
    ])
    .optional(),
  sealNumber: z.string().optional(),
  route: routeSchema.optional(),
  importContainers: z.string().max(64).optional(),
  billableWeight: weightSchema.optional(),
  estimatedShipByDate: dateTimeSchema.optional(),
  handlingInstructions: handlingCodeSchema.optional(),
});

/** EU deforestation-regulation references of an item. */
export const regulationReferencesSchema = z.strictObject({
  dueDiligenceReference: z.string().optional(),
  dueDiligenceVerification: z.string().optional(),
  dueDiligenceInformation: z.string().optional(),
  dueDiligenceExemptionCode: z.string().optional(),
});

/** A shelf-life duration. */
export const durationSchema = z.strictObject({
  durationUnit: z.enum(['Days', 'Months']),
  durationValue: z.number().int(),
});

/** Manufacturing and expiry dates of a lot. */
export const expirySchema = z.strictObject({
  manufacturerDate: dateTimeSchema.optional(),
  expiryDate: dateTimeSchema.optional(),
  expiryAfterDuration: durationSchema.optional(),
});

/** Per-item details: the PO it ships against, lot, origin, expiry. */
export const itemDetailsSchema = z.strictObject({
  purchaseOrderNumber: z.string().optional(),
  lotNumber: z.string().optional(),
  lotNumberSourceReference: z.string().optional(),
  lotNumberSourceType: z.enum(['GLN', 'FFRN', 'USDA_E', 'URL']).optional(),
  countryOfOrigin: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  regulationReferences: regulationReferencesSchema.optional(),
  expiry: expirySchema.optional(),
  maximumRetailPrice: shipmentMoneySchema.optional(),
  handlingCode: handlingCodeSchema.optional(),
});

/** A shipped item (model `Item`). */
export const shippedItemSchema = z.strictObject({
  itemSequenceNumber: z.string(),
  amazonProductIdentifier: z.string().optional(),
  vendorProductIdentifier: z.string().optional(),
  shippedQuantity: measuredItemQuantitySchema,
  itemDetails: itemDetailsSchema.optional(),
});

/** An SSCC, AMZNCC, GTIN, BPS or CID label of a carton or pallet. */
export const containerIdentificationSchema = z.strictObject({
  containerIdentificationType: z.enum(['SSCC', 'AMZNCC', 'GTIN', 'BPS', 'CID']),
  containerIdentificationNumber: z.string(),
});

/** An item inside a carton or pallet, by reference to a shipped item. */
export const containerItemSchema = z.strictObject({
  itemReference: z.string(),
  shippedQuantity: measuredItemQuantitySchema,
  itemDetails: itemDetailsSchema.optional(),
});

/** A carton of the shipment. */
export const cartonSchema = z.strictObject({
  cartonIdentifiers: z.array(containerIdentificationSchema).optional(),
  cartonSequenceNumber: z.string(),
  dimensions: dimensionsSchema.optional(),
  weight: weightSchema.optional(),
  trackingNumber: z.string().optional(),
  items: z.array(containerItemSchema),
});

/** The cartons stacked on a pallet. */
export const cartonReferenceDetailsSchema = z.strictObject({
  cartonCount: z.number().int().optional(),
  cartonReferenceNumbers: z.array(z.string()),
});

/** A pallet of the shipment. */
export const palletSchema = z.strictObject({
  palletIdentifiers: z.array(containerIdentificationSchema),
  tier: z.number().int().optional(),
  block: z.number().int().optional(),
  dimensions: dimensionsSchema.optional(),
  weight: weightSchema.optional(),
  cartonReferenceDetails: cartonReferenceDetailsSchema.optional(),
  items: z.array(containerItemSchema).optional(),
});

/** A shipment confirmation (ASN). `Replace` must reuse the original `shipmentIdentifier`. */
export const shipmentConfirmationSchema = z.strictObject({
  shipmentIdentifier: z.string(),
  shipmentConfirmationType: z.enum(['Original', 'Replace']),
  shipmentType: z.enum(['TruckLoad', 'LessThanTruckLoad', 'SmallParcel']).optional(),
  shipmentStructure: z
    .enum([
      'PalletizedAssortmentCase',
      'LooseAssortmentCase',
      'PalletOfItems',
      'PalletizedStandardCase',
      'LooseStandardCase',
      'MasterPallet',
      'MasterCase',
    ])
    .optional(),
  transportationDetails: transportationDetailsForShipmentConfirmationSchema.optional(),
  amazonReferenceNumber: z.string().optional(),
  shipmentConfirmationDate: dateTimeSchema,
  shippedDate: dateTimeSchema.optional(),
  estimatedDeliveryDate: dateTimeSchema.optional(),
  sellingParty: shipmentPartyIdentificationSchema,
  shipFromParty: shipmentPartyIdentificationSchema,
  shipToParty: shipmentPartyIdentificationSchema,
  shipmentMeasurements: shipmentMeasurementsSchema.optional(),
  importDetails: shipmentImportDetailsSchema.optional(),
  shippedItems: z.array(shippedItemSchema),
  cartons: z.array(cartonSchema).optional(),
  pallets: z.array(palletSchema).optional(),
});

/** Body of SubmitShipmentConfirmations. */
export const submitShipmentConfirmationsRequestSchema = z.strictObject({
  // Optional in the model; an empty submission is a bug on our side.
  shipmentConfirmations: z.array(shipmentConfirmationSchema).min(1),
});

/** One shipment of GetShipmentDetails (model `Shipment`), as Amazon sends it: the fields Acorn reads. */
export const shipmentDetailsShipmentSchema = z.looseObject({
  vendorShipmentIdentifier: z.string(),
  transactionType: z.enum(['New', 'Cancel']),
  transactionDate: z.string(),
  currentShipmentStatus: z
    .enum(['Created', 'TransportationRequested', 'CarrierAssigned', 'Shipped'])
    .optional(),
  shipmentConfirmDate: z.string().optional(),
  sellingParty: z.looseObject({ partyId: z.string() }),
  shipFromParty: z.looseObject({ partyId: z.string() }),
  shipToParty: z.looseObject({ partyId: z.string() }),
});

/** 200 body of GetShipmentDetails. */
export const getShipmentDetailsResponseSchema = z.looseObject({
  payload: z
    .looseObject({
      pagination: paginationSchema.optional(),
      shipments: z.array(shipmentDetailsShipmentSchema).optional(),
    })
    .optional(),
  errors: z.array(errorSchema).optional(),
});

/** What {@link shipmentDetailsShipmentSchema} parses to. */
export type ShipmentDetailsShipment = z.infer<typeof shipmentDetailsShipmentSchema>;
/** What {@link shippedItemSchema} parses to. */
export type ShippedItem = z.infer<typeof shippedItemSchema>;
/** What {@link shipmentConfirmationSchema} parses to. */
export type ShipmentConfirmation = z.infer<typeof shipmentConfirmationSchema>;
/** What {@link submitShipmentConfirmationsRequestSchema} parses to. */
export type SubmitShipmentConfirmationsRequest = z.infer<typeof submitShipmentConfirmationsRequestSchema>;
