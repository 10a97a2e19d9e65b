import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { OfficialModels, type VendorModelName } from '#local/amazon-sandbox/official-models.ts';
import { submitInventoryUpdateRequestSchema } from '#shared/sp-api/schemas/df-inventory.ts';
import {
  addressRequestSchema,
  addressSchema,
  credentialRotationNotificationSchema,
  decimalStringSchema,
  errorListSchema,
  errorSchema,
  getPurchaseOrderResponseSchema,
  getPurchaseOrdersResponseSchema,
  getPurchaseOrdersStatusResponseSchema,
  getTransactionResponseSchema,
  importDetailsSchema,
  invoiceAddressSchema,
  invoiceItemSchema,
  invoiceMoneySchema,
  invoicePartyIdentificationSchema,
  invoiceSchema,
  itemQuantityRequestSchema,
  itemQuantitySchema,
  lwaTokenResponseSchema,
  measuredItemQuantitySchema,
  moneyRequestSchema,
  moneySchema,
  orderAcknowledgementItemSchema,
  orderAcknowledgementSchema,
  orderDetailsSchema,
  orderItemAcknowledgementSchema,
  orderItemSchema,
  orderItemStatusSchema,
  orderStatusSchema,
  paginationSchema,
  partyIdentificationRequestSchema,
  partyIdentificationSchema,
  purchaseOrderSchema,
  shipmentAddressSchema,
  shipmentConfirmationSchema,
  shipmentImportDetailsSchema,
  shipmentMoneySchema,
  shipmentPartyIdentificationSchema,
  shippedItemSchema,
  submitAcknowledgementRequestSchema,
  submitInvoicesRequestSchema,
  submitShipmentConfirmationsRequestSchema,
  taxDetailsSchema,
  taxRegistrationDetailsSchema,
  totalWeightSchema,
  transactionIdResponseSchema,
  transactionSchema,
} from '#shared/sp-api/schemas/index.ts';
import { spApiFixture } from '../support/fixtures.ts';
import { OFFICIAL_MODELS_DIR, officialModels } from '../support/official-models.ts';
import { type IntentionalDeviation, structuralDifferences } from '../support/schema-structure.ts';

let models: OfficialModels;

beforeAll(() => {
  // Fails every cross-check with a clear message when ../shared/specs/sp-api is missing.
  models = officialModels();
});

/** A payload, the zod schema that should accept it, and the official definition it must satisfy. */
interface Case {
  readonly name: string;
  readonly payload: () => unknown;
  readonly schema: z.ZodType;
  readonly model: VendorModelName;
  readonly definition: string;
}

const purchaseOrder = () => spApiFixture('purchase-order');

const cases: Case[] = [
  {
    name: 'a purchase order',
    payload: purchaseOrder,
    schema: purchaseOrderSchema,
    model: 'vendorOrders',
    definition: 'Order',
  },
  {
    name: 'a getPurchaseOrders page',
    payload: () => ({ payload: { pagination: { nextToken: 'abc.def' }, orders: [purchaseOrder()] } }),
    schema: getPurchaseOrdersResponseSchema,
    model: 'vendorOrders',
    definition: 'GetPurchaseOrdersResponse',
  },
  {
    name: 'a getPurchaseOrder answer',
    payload: () => ({ payload: purchaseOrder() }),
    schema: getPurchaseOrderResponseSchema,
    model: 'vendorOrders',
    definition: 'GetPurchaseOrderResponse',
  },
  {
    name: 'a purchase-order status page',
    payload: () => spApiFixture('purchase-orders-status-response'),
    schema: getPurchaseOrdersStatusResponseSchema,
    model: 'vendorOrders',
    definition: 'GetPurchaseOrdersStatusResponse',
  },
  {
    name: 'an acknowledgement with accepted, backordered and rejected lines',
    payload: () => spApiFixture('acknowledgement-request'),
    schema: submitAcknowledgementRequestSchema,
    model: 'vendorOrders',
    definition: 'SubmitAcknowledgementRequest',
  },
  {
    name: 'a 202 transaction reference',
    payload: () => ({ payload: { transactionId: '20261123140211-6c1f0a52-92de-4f0b-8a41-0e4b7d2f9c13' } }),
    schema: transactionIdResponseSchema,
    model: 'vendorOrders',
    definition: 'SubmitAcknowledgementResponse',
  },
  {
    name: 'an error body',
    payload: () => spApiFixture('error-response'),
    schema: errorListSchema,
    model: 'vendorOrders',
    definition: 'GetPurchaseOrderResponse',
  },
  {
    name: 'an invoice with tax, charges, allowances and payment terms',
    payload: () => spApiFixture('invoice-request'),
    schema: submitInvoicesRequestSchema,
    model: 'vendorInvoices',
    definition: 'SubmitInvoicesRequest',
  },
  {
    name: 'a returns credit note',
    payload: () => spApiFixture('credit-note-request'),
    schema: submitInvoicesRequestSchema,
    model: 'vendorInvoices',
    definition: 'SubmitInvoicesRequest',
  },
  {
    name: 'a shipment confirmation with cartons and pallets',
    payload: () => spApiFixture('shipment-confirmation-request'),
    schema: submitShipmentConfirmationsRequestSchema,
    model: 'vendorShipments',
    definition: 'SubmitShipmentConfirmationsRequest',
  },
  {
    name: 'a processing transaction',
    payload: () => spApiFixture('transaction-status-processing'),
    schema: getTransactionResponseSchema,
    model: 'vendorTransactionStatus',
    definition: 'GetTransactionResponse',
  },
  {
    name: 'a failed transaction',
    payload: () => spApiFixture('transaction-status-failure'),
    schema: getTransactionResponseSchema,
    model: 'vendorTransactionStatus',
    definition: 'GetTransactionResponse',
  },
  {
    name: 'a Direct Fulfillment inventory update',
    payload: () => ({
      inventory: {
        sellingParty: { partyId: 'ACMEDF' },
        isFullUpdate: false,
        items: [
          { vendorProductIdentifier: 'SKU-1', availableQuantity: { amount: 12, unitOfMeasure: 'Each' } },
          {
            buyerProductIdentifier: 'B07XYZ1234',
            availableQuantity: { unitOfMeasure: 'Each' },
            isObsolete: true,
          },
        ],
      },
    }),
    schema: submitInventoryUpdateRequestSchema,
    model: 'vendorDirectFulfillmentInventory',
    definition: 'SubmitInventoryUpdateRequest',
  },
];

const caseNamed = (name: string) => {
  const found = cases.find((c) => c.name === name);
  if (!found) throw new Error(`no case ${name}`);
  return found;
};

type Json = Record<string, unknown> | unknown[];

/** Follows a dotted path (`invoices.0.items.0`) to the object holding the last key. */
function locate(root: unknown, path: string): { holder: Json; key: string } {
  const parts = path.split('.');
  let node = root;
  for (const part of parts.slice(0, -1)) node = (node as Record<string, unknown>)[part];
  return { holder: node as Json, key: parts.at(-1)! };
}

const set = (path: string, value: unknown) => (root: unknown) => {
  const { holder, key } = locate(root, path);
  (holder as Record<string, unknown>)[key] = value;
};
const remove = (path: string) => (root: unknown) => {
  const { holder, key } = locate(root, path);
  delete (holder as Record<string, unknown>)[key];
};

/** Broken payloads both our schema and the official model must refuse. */
const mutations: {
  readonly base: string;
  readonly change: string;
  readonly apply: (root: unknown) => void;
}[] = [
  { base: 'a purchase order', change: 'without purchaseOrderState', apply: remove('purchaseOrderState') },
  { base: 'a purchase order', change: 'with state "Open"', apply: set('purchaseOrderState', 'Open') },
  {
    base: 'a purchase order',
    change: 'with netCost "12,45"',
    apply: set('orderDetails.items.0.netCost.amount', '12,45'),
  },
  {
    base: 'a purchase order',
    change: 'with a date that is not ISO-8601',
    apply: set('orderDetails.purchaseOrderDate', 'yesterday'),
  },
  {
    base: 'a purchase order',
    change: 'without isBackOrderAllowed on a line',
    apply: remove('orderDetails.items.1.isBackOrderAllowed'),
  },
  {
    base: 'a purchase order',
    change: 'with a fractional quantity',
    apply: set('orderDetails.items.0.orderedQuantity.amount', 2.5),
  },
  {
    base: 'an acknowledgement with accepted, backordered and rejected lines',
    change: 'without sellingParty',
    apply: remove('acknowledgements.0.sellingParty'),
  },
  {
    base: 'an acknowledgement with accepted, backordered and rejected lines',
    change: 'with acknowledgementCode "Accept"',
    apply: set('acknowledgements.0.items.0.itemAcknowledgements.0.acknowledgementCode', 'Accept'),
  },
  {
    base: 'an acknowledgement with accepted, backordered and rejected lines',
    change: 'with netCost "1.2.3"',
    apply: set('acknowledgements.0.items.1.netCost.amount', '1.2.3'),
  },
  {
    base: 'an acknowledgement with accepted, backordered and rejected lines',
    change: 'with rejectionReason "OutOfStock"',
    apply: set('acknowledgements.0.items.2.itemAcknowledgements.0.rejectionReason', 'OutOfStock'),
  },
  {
    base: 'an invoice with tax, charges, allowances and payment terms',
    change: 'without id',
    apply: remove('invoices.0.id'),
  },
  {
    base: 'an invoice with tax, charges, allowances and payment terms',
    change: 'with invoiceType "Invoic"',
    apply: set('invoices.0.invoiceType', 'Invoic'),
  },
  {
    base: 'an invoice with tax, charges, allowances and payment terms',
    change: 'with invoiceTotal "533,71"',
    apply: set('invoices.0.invoiceTotal.amount', '533,71'),
  },
  {
    base: 'an invoice with tax, charges, allowances and payment terms',
    change: 'with a string itemSequenceNumber',
    apply: set('invoices.0.items.0.itemSequenceNumber', '1'),
  },
  {
    base: 'an invoice with tax, charges, allowances and payment terms',
    change: 'without the unit of an invoiced quantity',
    apply: remove('invoices.0.items.0.invoicedQuantity.unitOfMeasure'),
  },
  {
    base: 'a returns credit note',
    change: 'with taxType "MwSt"',
    apply: set('invoices.0.taxDetails.0.taxType', 'MwSt'),
  },
  {
    base: 'a returns credit note',
    change: 'with a goodsReturnDate that is not a date',
    apply: set('invoices.0.items.0.creditNoteDetails.goodsReturnDate', 'last week'),
  },
  {
    base: 'a shipment confirmation with cartons and pallets',
    change: 'without shipmentIdentifier',
    apply: remove('shipmentConfirmations.0.shipmentIdentifier'),
  },
  {
    base: 'a shipment confirmation with cartons and pallets',
    change: 'with shipmentConfirmationType "New"',
    apply: set('shipmentConfirmations.0.shipmentConfirmationType', 'New'),
  },
  {
    base: 'a shipment confirmation with cartons and pallets',
    change: 'with a weight "heavy"',
    apply: set('shipmentConfirmations.0.shipmentMeasurements.grossShipmentWeight.value', 'heavy'),
  },
  {
    base: 'a shipment confirmation with cartons and pallets',
    change: 'with countryOfOrigin "de"',
    apply: set('shipmentConfirmations.0.shippedItems.0.itemDetails.countryOfOrigin', 'de'),
  },
  {
    base: 'a failed transaction',
    change: 'with status "Done"',
    apply: set('payload.transactionStatus.status', 'Done'),
  },
  {
    base: 'a failed transaction',
    change: 'with an error without message',
    apply: remove('payload.transactionStatus.errors.0.message'),
  },
];

/** Where our schemas are stricter than the model on purpose (see the comments in the schemas). */
const deviations: IntentionalDeviation[] = [
  { at: 'vendorOrders#GetPurchaseOrdersResponse.payload', reason: 'a 200 without payload is broken' },
  { at: 'vendorOrders#GetPurchaseOrderResponse.payload', reason: 'a 200 without payload is broken' },
  { at: 'vendorOrders#GetPurchaseOrdersStatusResponse.payload', reason: 'a 200 without payload is broken' },
  {
    at: 'vendorOrders#SubmitAcknowledgementRequest.acknowledgements',
    reason: 'never send an empty submission',
  },
  {
    at: 'vendorOrders#SubmitAcknowledgementResponse.payload',
    reason: 'a 202 without a transaction is useless',
  },
  { at: 'vendorOrders#TransactionId.transactionId', reason: 'a 202 without a transaction is useless' },
  { at: 'vendorInvoices#SubmitInvoicesRequest.invoices', reason: 'never send an empty submission' },
  { at: 'vendorInvoices#SubmitInvoicesResponse.payload', reason: 'a 202 without a transaction is useless' },
  { at: 'vendorInvoices#TransactionId.transactionId', reason: 'a 202 without a transaction is useless' },
  {
    at: 'vendorShipments#SubmitShipmentConfirmationsRequest.shipmentConfirmations',
    reason: 'never send an empty submission',
  },
  {
    at: 'vendorShipments#SubmitShipmentConfirmationsResponse.payload',
    reason: 'a 202 without a transaction is useless',
  },
  {
    at: 'vendorShipments#TransactionReference.transactionId',
    reason: 'a 202 without a transaction is useless',
  },
  { at: 'vendorTransactionStatus#GetTransactionResponse.payload', reason: 'a 200 without payload is broken' },
  {
    at: 'vendorTransactionStatus#TransactionStatus.transactionStatus',
    reason: 'a 200 without a status is broken',
  },
];

/** Every official definition we mirror, with our schema for it. */
const mirrored: {
  readonly model: VendorModelName;
  readonly definition: string;
  readonly schema: z.ZodType;
}[] = [
  { model: 'vendorOrders', definition: 'GetPurchaseOrdersResponse', schema: getPurchaseOrdersResponseSchema },
  { model: 'vendorOrders', definition: 'GetPurchaseOrderResponse', schema: getPurchaseOrderResponseSchema },
  { model: 'vendorOrders', definition: 'OrderList', schema: getPurchaseOrdersResponseSchema.shape.payload },
  { model: 'vendorOrders', definition: 'Pagination', schema: paginationSchema },
  { model: 'vendorOrders', definition: 'Order', schema: purchaseOrderSchema },
  { model: 'vendorOrders', definition: 'OrderDetails', schema: orderDetailsSchema },
  { model: 'vendorOrders', definition: 'ImportDetails', schema: importDetailsSchema },
  { model: 'vendorOrders', definition: 'PartyIdentification', schema: partyIdentificationSchema },
  { model: 'vendorOrders', definition: 'PartyIdentification', schema: partyIdentificationRequestSchema },
  { model: 'vendorOrders', definition: 'TaxRegistrationDetails', schema: taxRegistrationDetailsSchema },
  { model: 'vendorOrders', definition: 'Address', schema: addressSchema },
  { model: 'vendorOrders', definition: 'Address', schema: addressRequestSchema },
  { model: 'vendorOrders', definition: 'OrderItem', schema: orderItemSchema },
  { model: 'vendorOrders', definition: 'Money', schema: moneySchema },
  { model: 'vendorOrders', definition: 'Money', schema: moneyRequestSchema },
  { model: 'vendorOrders', definition: 'Decimal', schema: decimalStringSchema },
  { model: 'vendorOrders', definition: 'ItemQuantity', schema: itemQuantitySchema },
  { model: 'vendorOrders', definition: 'ItemQuantity', schema: itemQuantityRequestSchema },
  { model: 'vendorOrders', definition: 'SubmitAcknowledgementResponse', schema: transactionIdResponseSchema },
  { model: 'vendorOrders', definition: 'TransactionId', schema: transactionIdResponseSchema.shape.payload },
  {
    model: 'vendorOrders',
    definition: 'SubmitAcknowledgementRequest',
    schema: submitAcknowledgementRequestSchema,
  },
  { model: 'vendorOrders', definition: 'OrderAcknowledgement', schema: orderAcknowledgementSchema },
  { model: 'vendorOrders', definition: 'OrderAcknowledgementItem', schema: orderAcknowledgementItemSchema },
  { model: 'vendorOrders', definition: 'OrderItemAcknowledgement', schema: orderItemAcknowledgementSchema },
  {
    model: 'vendorOrders',
    definition: 'GetPurchaseOrdersStatusResponse',
    schema: getPurchaseOrdersStatusResponseSchema,
  },
  {
    model: 'vendorOrders',
    definition: 'OrderListStatus',
    schema: getPurchaseOrdersStatusResponseSchema.shape.payload,
  },
  { model: 'vendorOrders', definition: 'OrderStatus', schema: orderStatusSchema },
  { model: 'vendorOrders', definition: 'OrderItemStatus', schema: orderItemStatusSchema },
  { model: 'vendorOrders', definition: 'Error', schema: errorSchema },
  { model: 'vendorInvoices', definition: 'SubmitInvoicesRequest', schema: submitInvoicesRequestSchema },
  { model: 'vendorInvoices', definition: 'SubmitInvoicesResponse', schema: transactionIdResponseSchema },
  { model: 'vendorInvoices', definition: 'Invoice', schema: invoiceSchema },
  { model: 'vendorInvoices', definition: 'InvoiceItem', schema: invoiceItemSchema },
  { model: 'vendorInvoices', definition: 'PartyIdentification', schema: invoicePartyIdentificationSchema },
  { model: 'vendorInvoices', definition: 'Address', schema: invoiceAddressSchema },
  { model: 'vendorInvoices', definition: 'TaxDetails', schema: taxDetailsSchema },
  { model: 'vendorInvoices', definition: 'Money', schema: invoiceMoneySchema },
  { model: 'vendorInvoices', definition: 'ItemQuantity', schema: measuredItemQuantitySchema },
  { model: 'vendorInvoices', definition: 'TotalWeight', schema: totalWeightSchema },
  {
    model: 'vendorShipments',
    definition: 'SubmitShipmentConfirmationsRequest',
    schema: submitShipmentConfirmationsRequestSchema,
  },
  {
    model: 'vendorShipments',
    definition: 'SubmitShipmentConfirmationsResponse',
    schema: transactionIdResponseSchema,
  },
  { model: 'vendorShipments', definition: 'ShipmentConfirmation', schema: shipmentConfirmationSchema },
  { model: 'vendorShipments', definition: 'Item', schema: shippedItemSchema },
  { model: 'vendorShipments', definition: 'ImportDetails', schema: shipmentImportDetailsSchema },
  { model: 'vendorShipments', definition: 'PartyIdentification', schema: shipmentPartyIdentificationSchema },
  { model: 'vendorShipments', definition: 'Address', schema: shipmentAddressSchema },
  { model: 'vendorShipments', definition: 'Money', schema: shipmentMoneySchema },
  { model: 'vendorShipments', definition: 'ItemQuantity', schema: measuredItemQuantitySchema },
  {
    model: 'vendorTransactionStatus',
    definition: 'GetTransactionResponse',
    schema: getTransactionResponseSchema,
  },
  {
    model: 'vendorTransactionStatus',
    definition: 'TransactionStatus',
    schema: getTransactionResponseSchema.shape.payload,
  },
  { model: 'vendorTransactionStatus', definition: 'Transaction', schema: transactionSchema },
  { model: 'vendorTransactionStatus', definition: 'Error', schema: errorSchema },
];

describe('the official-models loader', () => {
  it('finds the models next to the project, as CI has them', () => {
    // Prepare / Act
    const names = models.definitionNames('vendorOrders');

    // Assess
    expect(names, `official models expected at ${OFFICIAL_MODELS_DIR}`).toContain('Order');
  });

  it('fails loudly, naming the path, when the models folder is missing', () => {
    // Prepare / Act / Assess
    expect(() => OfficialModels.load('/nonexistent/specs/sp-api')).toThrow(
      "Amazon's official SP-API models were not found at /nonexistent/specs/sp-api",
    );
  });

  it('enforces the Decimal pattern the models only state in prose', () => {
    // Prepare / Act
    const issues = models.validate('vendorOrders', 'Money', { amount: '12,45', currencyCode: 'EUR' });

    // Assess
    expect(issues.map((i) => i.path)).toEqual(['/amount']);
  });
});

describe('our SP-API schemas and the official models', () => {
  it.each(cases)('both accept $name', ({ payload, schema, model, definition }) => {
    // Prepare
    const value = payload();

    // Act
    const ours = schema.safeParse(value);
    const official = models.validate(model, definition, value);

    // Assess
    expect(ours.error?.issues ?? []).toEqual([]);
    expect(official).toEqual([]);
  });

  it.each(mutations)('both reject $base $change', ({ base, apply }) => {
    // Prepare
    const { payload, schema, model, definition } = caseNamed(base);
    const value = payload();
    apply(value);

    // Act
    const ours = schema.safeParse(value);
    const official = models.validate(model, definition, value);

    // Assess
    expect(ours.success, 'our schema accepted it').toBe(false);
    expect(official.length, 'the official model accepted it').toBeGreaterThan(0);
  });

  it.each(mirrored)('mirror $model $definition property for property', ({ model, definition, schema }) => {
    // Prepare / Act
    const differences = structuralDifferences(models, model, definition, schema, deviations);

    // Assess
    expect(differences).toEqual([]);
  });

  it('notices a schema that drifted from the model', () => {
    // Prepare
    const drifted = orderItemSchema.omit({ listPrice: true }).extend({
      isBackOrderAllowed: z.boolean().optional(),
      orderedQuantity: itemQuantitySchema.extend({
        unitOfMeasure: z.enum(['Cases', 'Eaches', 'Pallets']).optional(),
      }),
    });

    // Act
    const differences = structuralDifferences(models, 'vendorOrders', 'OrderItem', drifted, deviations);

    // Assess
    expect(differences).toEqual([
      expect.stringContaining('OrderItem: model properties'),
      expect.stringContaining('OrderItem.isBackOrderAllowed: required in the model only'),
      expect.stringContaining(
        'OrderItem.orderedQuantity.unitOfMeasure: model enum [Cases,Eaches], ours [Cases,Eaches,Pallets]',
      ),
    ]);
  });

  it('uses every listed intentional deviation, so the list cannot go stale', () => {
    // Prepare
    const used = new Set<string>();

    // Act
    for (const { model, definition, schema } of mirrored)
      structuralDifferences(models, model, definition, schema, deviations, used);

    // Assess
    expect([...used].sort()).toEqual(deviations.map((d) => d.at).sort());
  });
});

describe('our SP-API schemas on their own', () => {
  it('keeps a field Amazon adds to a response', () => {
    // Prepare
    const order = { ...(purchaseOrder() as object), brandNewField: { since: '2027' } };

    // Act
    const parsed = purchaseOrderSchema.parse(order);

    // Assess
    expect(parsed.brandNewField).toEqual({ since: '2027' });
  });

  it('refuses to send a field the model does not know', () => {
    // Prepare
    const request = spApiFixture('invoice-request') as { invoices: Record<string, unknown>[] };
    request.invoices[0]!.invoiceNumber = 'typo for id';

    // Act
    const parsed = submitInvoicesRequestSchema.safeParse(request);

    // Assess
    expect(parsed.success).toBe(false);
  });

  it('refuses an empty acknowledgement submission', () => {
    // Prepare / Act
    const parsed = submitAcknowledgementRequestSchema.safeParse({ acknowledgements: [] });

    // Assess
    expect(parsed.success).toBe(false);
  });

  it.each(['0', '12.50', '-3.1', '1e3', '1234567890.123456789'])(
    'accepts the decimal string %s',
    (amount) => {
      expect(decimalStringSchema.safeParse(amount).success).toBe(true);
    },
  );

  it.each(['', '01.5', '1.', '.5', '1,50', '12.5 EUR', ' 1'])('refuses the decimal string %j', (amount) => {
    expect(decimalStringSchema.safeParse(amount).success).toBe(false);
  });

  it('reads an LWA token response', () => {
    // Prepare / Act
    const token = lwaTokenResponseSchema.parse(spApiFixture('lwa-token-response'));

    // Assess
    expect(token).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
  });

  it('tells the two credential-rotation notifications apart', () => {
    // Prepare
    const newSecret = spApiFixture('notification-client-new-secret');
    const expiry = spApiFixture('notification-client-secret-expiry');

    // Act
    const first = credentialRotationNotificationSchema.parse(newSecret);
    const second = credentialRotationNotificationSchema.parse(expiry);

    // Assess
    expect(
      first.notificationType === 'APPLICATION_OAUTH_CLIENT_NEW_SECRET' &&
        first.payload.applicationOAuthClientNewSecret,
    ).toMatchObject({
      clientId: 'amzn1.application-oa2-client.acornlocal',
      newClientSecretExpiryTime: '2027-05-19T22:09:17.198Z',
      oldClientSecretExpiryTime: '2026-11-27T22:09:17.180Z',
    });
    expect(
      second.notificationType === 'APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY' &&
        second.payload.applicationOAuthClientSecretExpiry,
    ).toMatchObject({ clientSecretExpiryReason: 'PERIODIC_ROTATION' });
  });
});
