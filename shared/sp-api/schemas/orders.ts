/**
 * Retail Procurement Orders v1 (vendorOrders model): purchase orders, their status, and the
 * acknowledgements we send for them.
 */
import * as z from 'zod';
import {
  dateTimeSchema,
  errorSchema,
  itemQuantityRequestSchema,
  itemQuantitySchema,
  moneyRequestSchema,
  moneySchema,
  paginationSchema,
  partyIdentificationRequestSchema,
  partyIdentificationSchema,
} from './common.ts';

export { transactionIdResponseSchema } from './common.ts';

/** `New` needs an acknowledgement; `Closed` is rejected, cancelled or fully received. */
export const purchaseOrderStateSchema = z.enum(['New', 'Acknowledged', 'Closed']);
/** The purchase order types of the model. */
export const purchaseOrderTypeSchema = z.enum([
  'RegularOrder',
  'ConsignedOrder',
  'NewProductIntroduction',
  'RushOrder',
]);
/** How Amazon pays for the order. */
export const paymentMethodSchema = z.enum(['Invoice', 'Consignment', 'CreditCard', 'Prepaid']);

/** Orders model `ImportDetails` (direct-import POs). */
export const importDetailsSchema = z.looseObject({
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
  internationalCommercialTerms: z
    .enum([
      'ExWorks',
      'FreeCarrier',
      'FreeOnBoard',
      'FreeAlongSideShip',
      'CarriagePaidTo',
      'CostAndFreight',
      'CarriageAndInsurancePaidTo',
      'CostInsuranceAndFreight',
      'DeliveredAtTerminal',
      'DeliveredAtPlace',
      'DeliverDutyPaid',
    ])
    .optional(),
  portOfDelivery: z.string().max(64).optional(),
  importContainers: z.string().max(64).optional(),
  shippingInstructions: z.string().optional(),
});

/**
 * An ISO-8601 interval `start--end` (ship and delivery windows). The model types it as a plain
 * string; we keep it a string and let the domain parse it, so an unexpected form is not fatal.
 */
export const dateTimeIntervalSchema = z.string();

/** One line of a purchase order. */
export const orderItemSchema = z.looseObject({
  itemSequenceNumber: z.string(),
  amazonProductIdentifier: z.string().optional(),
  vendorProductIdentifier: z.string().optional(),
  orderedQuantity: itemQuantitySchema,
  isBackOrderAllowed: z.boolean(),
  netCost: moneySchema.optional(),
  listPrice: moneySchema.optional(),
});

/** The details of a purchase order (absent when `includeDetails=false`). */
export const orderDetailsSchema = z.looseObject({
  purchaseOrderDate: dateTimeSchema,
  purchaseOrderChangedDate: dateTimeSchema.optional(),
  purchaseOrderStateChangedDate: dateTimeSchema,
  purchaseOrderType: purchaseOrderTypeSchema.optional(),
  importDetails: importDetailsSchema.optional(),
  dealCode: z.string().optional(),
  paymentMethod: paymentMethodSchema.optional(),
  buyingParty: partyIdentificationSchema.optional(),
  sellingParty: partyIdentificationSchema.optional(),
  shipToParty: partyIdentificationSchema.optional(),
  billToParty: partyIdentificationSchema.optional(),
  shipWindow: dateTimeIntervalSchema.optional(),
  deliveryWindow: dateTimeIntervalSchema.optional(),
  items: z.array(orderItemSchema),
});

/** A purchase order (model `Order`). */
export const purchaseOrderSchema = z.looseObject({
  purchaseOrderNumber: z.string(),
  purchaseOrderState: purchaseOrderStateSchema,
  orderDetails: orderDetailsSchema.optional(),
});

/** 200 body of getPurchaseOrders. */
export const getPurchaseOrdersResponseSchema = z.looseObject({
  // Optional in the model; a 200 without a payload is a broken response for us.
  payload: z.looseObject({
    pagination: paginationSchema.optional(),
    orders: z.array(purchaseOrderSchema).default([]),
  }),
  errors: z.array(errorSchema).optional(),
});

/** 200 body of getPurchaseOrder. */
export const getPurchaseOrderResponseSchema = z.looseObject({
  payload: purchaseOrderSchema,
  errors: z.array(errorSchema).optional(),
});

// ---- getPurchaseOrdersStatus --------------------------------------------------------------

/** Whether a PO is still open (OPEN) or closed (CLOSED). */
export const purchaseOrderStatusSchema = z.enum(['OPEN', 'CLOSED']);
/** Item confirmation status as the status API reports it. */
export const itemConfirmationStatusSchema = z.enum([
  'ACCEPTED',
  'PARTIALLY_ACCEPTED',
  'REJECTED',
  'UNCONFIRMED',
]);
/** Item receive status as the status API reports it. */
export const itemReceiveStatusSchema = z.enum(['NOT_RECEIVED', 'PARTIALLY_RECEIVED', 'RECEIVED']);

/** One change of a line's ordered quantity. */
export const orderedQuantityDetailsSchema = z.looseObject({
  updatedDate: dateTimeSchema.optional(),
  orderedQuantity: itemQuantitySchema.optional(),
  cancelledQuantity: itemQuantitySchema.optional(),
});

/** One acknowledgement of a line as Amazon recorded it. */
export const acknowledgementStatusDetailsSchema = z.looseObject({
  acknowledgementDate: dateTimeSchema.optional(),
  acceptedQuantity: itemQuantitySchema.optional(),
  rejectedQuantity: itemQuantitySchema.optional(),
});

/** Status of one PO line: ordered, acknowledged and received quantities. */
export const orderItemStatusSchema = z.looseObject({
  itemSequenceNumber: z.string(),
  buyerProductIdentifier: z.string().optional(),
  vendorProductIdentifier: z.string().optional(),
  netCost: moneySchema.optional(),
  listPrice: moneySchema.optional(),
  orderedQuantity: z
    .looseObject({
      orderedQuantity: itemQuantitySchema.optional(),
      orderedQuantityDetails: z.array(orderedQuantityDetailsSchema).optional(),
    })
    .optional(),
  acknowledgementStatus: z
    .looseObject({
      confirmationStatus: itemConfirmationStatusSchema.optional(),
      acceptedQuantity: itemQuantitySchema.optional(),
      rejectedQuantity: itemQuantitySchema.optional(),
      acknowledgementStatusDetails: z.array(acknowledgementStatusDetailsSchema).optional(),
    })
    .optional(),
  receivingStatus: z
    .looseObject({
      receiveStatus: itemReceiveStatusSchema.optional(),
      receivedQuantity: itemQuantitySchema.optional(),
      lastReceiveDate: dateTimeSchema.optional(),
    })
    .optional(),
});

/** Status of one purchase order (model `OrderStatus`). */
export const orderStatusSchema = z.looseObject({
  purchaseOrderNumber: z.string(),
  purchaseOrderStatus: purchaseOrderStatusSchema,
  purchaseOrderDate: dateTimeSchema,
  lastUpdatedDate: dateTimeSchema.optional(),
  sellingParty: partyIdentificationSchema,
  shipToParty: partyIdentificationSchema,
  itemStatus: z.array(orderItemStatusSchema),
});

/** 200 body of getPurchaseOrdersStatus. */
export const getPurchaseOrdersStatusResponseSchema = z.looseObject({
  payload: z.looseObject({
    pagination: paginationSchema.optional(),
    ordersStatus: z.array(orderStatusSchema).default([]),
  }),
  errors: z.array(errorSchema).optional(),
});

// ---- submitAcknowledgement ------------------------------------------------------------------

/** Accepted, Backordered (needs `isBackOrderAllowed`) or Rejected. */
export const acknowledgementCodeSchema = z.enum(['Accepted', 'Backordered', 'Rejected']);
/** Why a line is rejected. */
export const rejectionReasonSchema = z.enum([
  'TemporarilyUnavailable',
  'InvalidProductIdentifier',
  'ObsoleteProduct',
]);

/** One acknowledgement of (part of) a line: a line may carry an Accepted and a Backordered part. */
export const orderItemAcknowledgementSchema = z.strictObject({
  acknowledgementCode: acknowledgementCodeSchema,
  acknowledgedQuantity: itemQuantityRequestSchema,
  scheduledShipDate: dateTimeSchema.optional(),
  scheduledDeliveryDate: dateTimeSchema.optional(),
  rejectionReason: rejectionReasonSchema.optional(),
});

/** The acknowledgement of one PO line. */
export const orderAcknowledgementItemSchema = z.strictObject({
  itemSequenceNumber: z.string().optional(),
  amazonProductIdentifier: z.string().optional(),
  vendorProductIdentifier: z.string().optional(),
  orderedQuantity: itemQuantityRequestSchema,
  netCost: moneyRequestSchema.optional(),
  listPrice: moneyRequestSchema.optional(),
  discountMultiplier: z.string().optional(),
  itemAcknowledgements: z.array(orderItemAcknowledgementSchema),
});

/** The acknowledgement of one purchase order. */
export const orderAcknowledgementSchema = z.strictObject({
  purchaseOrderNumber: z.string(),
  sellingParty: partyIdentificationRequestSchema,
  acknowledgementDate: dateTimeSchema,
  items: z.array(orderAcknowledgementItemSchema),
});

/** Body of submitAcknowledgement. */
export const submitAcknowledgementRequestSchema = z.strictObject({
  // Optional in the model; an empty submission is a bug on our side.
  acknowledgements: z.array(orderAcknowledgementSchema).min(1),
});

/** What {@link purchaseOrderStateSchema} parses to. */
export type PurchaseOrderState = z.infer<typeof purchaseOrderStateSchema>;
/** What {@link orderItemSchema} parses to. */
export type OrderItem = z.infer<typeof orderItemSchema>;
/** What {@link orderDetailsSchema} parses to. */
export type OrderDetails = z.infer<typeof orderDetailsSchema>;
/** What {@link purchaseOrderSchema} parses to. */
export type PurchaseOrder = z.infer<typeof purchaseOrderSchema>;
/** What {@link getPurchaseOrdersResponseSchema} parses to. */
export type GetPurchaseOrdersResponse = z.infer<typeof getPurchaseOrdersResponseSchema>;
/** What {@link orderItemStatusSchema} parses to. */
export type OrderItemStatus = z.infer<typeof orderItemStatusSchema>;
/** What {@link orderStatusSchema} parses to. */
export type OrderStatus = z.infer<typeof orderStatusSchema>;
/** What {@link getPurchaseOrdersStatusResponseSchema} parses to. */
export type GetPurchaseOrdersStatusResponse = z.infer<typeof getPurchaseOrdersStatusResponseSchema>;
/** What {@link orderItemAcknowledgementSchema} parses to. */
export type OrderItemAcknowledgement = z.infer<typeof orderItemAcknowledgementSchema>;
/** What {@link orderAcknowledgementItemSchema} parses to. */
export type OrderAcknowledgementItem = z.infer<typeof orderAcknowledgementItemSchema>;
/** What {@link orderAcknowledgementSchema} parses to. */
export type OrderAcknowledgement = z.infer<typeof orderAcknowledgementSchema>;
/** What {@link submitAcknowledgementRequestSchema} parses to. */
export type SubmitAcknowledgementRequest = z.infer<typeof submitAcknowledgementRequestSchema>;
