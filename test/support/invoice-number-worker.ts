/**
 * One OS process of the multi-process numbering test: issues its share of invoice requests
 * against the shared local DynamoDB (number series, claims, invoices and outbox are the real
 * DynamoDB adapters), failing the requests it is told to right after their number was reserved,
 * then prints what happened as JSON. Processes share nothing but the table.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbInvoiceClaims, DynamoDbInvoiceStore } from '#shared/aws/dynamodb-invoices.ts';
import { DynamoDbNumberSeries } from '#shared/aws/dynamodb-number-series.ts';
import { DynamoDbOutboxStore } from '#shared/aws/dynamodb-outbox.ts';
import { systemClock } from '#shared/clock.ts';
import type { ShippedQuantities } from '#shared/domain/shipments/fulfilment.ts';
import type { OrderStatus, PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import { makeIssueInvoices } from '#shared/use-cases/invoices/issue-invoices.ts';
import { makeOutbox } from '#shared/use-cases/outbox/outbox.ts';
import { REMIT_TO, SHIP_FROM } from './invoice-fakes.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const table = {
  client: new DynamoDBClient({ endpoint: env('DYNAMODB_ENDPOINT') }),
  tableName: env('TABLE_NAME'),
};
const worker = Number(env('WORKER'));
const workers = Number(env('WORKERS'));
const requests = Number(env('REQUESTS'));
const distinct = Number(env('DISTINCT_POS'));
const failEvery = Number(env('FAIL_EVERY'));
const startAt = Number(env('START_AT'));

// Dates a week back from the shared start, so every process builds the same documents.
const PO_DATE = new Date(startAt - 7 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const SHIPPED = new Date(startAt - 2 * 86_400_000).toISOString();

/** PO `n`: the same in every process, so each sees the same order, status and confirmed shipment. */
const poNumber = (n: number) => `P${String(n).padStart(7, '0')}`;
function order(po: string): PurchaseOrder {
  return {
    purchaseOrderNumber: po,
    purchaseOrderState: 'Acknowledged',
    orderDetails: {
      purchaseOrderDate: PO_DATE,
      purchaseOrderType: 'RegularOrder',
      sellingParty: { partyId: 'ACMEDE' },
      shipToParty: { partyId: 'DUS2' },
      billToParty: {
        partyId: 'AMAZON_DE',
        address: {
          name: 'Amazon EU S.a r.l., Niederlassung Deutschland',
          addressLine1: 'Marcel-Breuer-Strasse 12',
          city: 'Muenchen',
          postalCode: '80807',
          countryCode: 'DE',
        },
        taxInfo: { taxRegistrationType: 'VAT', taxRegistrationNumber: 'DE999999901' },
      },
      items: [
        {
          itemSequenceNumber: '00001',
          amazonProductIdentifier: 'B000000001',
          vendorProductIdentifier: '4006381333931',
          orderedQuantity: { amount: 5, unitOfMeasure: 'Eaches', unitSize: 1 },
          isBackOrderAllowed: false,
          netCost: { currencyCode: 'EUR', amount: '12.35' },
        },
      ],
    },
  } as PurchaseOrder;
}
const status = (po: string): OrderStatus =>
  ({
    purchaseOrderNumber: po,
    purchaseOrderStatus: 'OPEN',
    purchaseOrderDate: PO_DATE,
    sellingParty: { partyId: 'ACMEDE' },
    shipToParty: { partyId: 'DUS2' },
    itemStatus: [
      {
        itemSequenceNumber: '00001',
        acknowledgementStatus: { confirmationStatus: 'ACCEPTED', acceptedQuantity: { amount: 5 } },
      },
    ],
  }) as OrderStatus;
const shipped = (po: string): ShippedQuantities => ({
  purchaseOrderNumber: po,
  vendorCode: 'ACMEDE',
  shipmentId: `SHP-${po}`,
  revision: 1,
  shippedDate: SHIPPED,
  confirmedAt: SHIPPED,
  lines: [
    { itemSequenceNumber: '00001', shippedQuantity: { amount: 5, unitOfMeasure: 'Eaches', unitSize: 1 } },
  ],
});

let failNext = false;
const invoices = new DynamoDbInvoiceStore(table);
const noAudit = { record: async () => {} };
const outbox = makeOutbox({
  store: new DynamoDbOutboxStore(table),
  archive: { putDocument: async () => {} },
  audit: noAudit,
  clock: systemClock,
  modeOf: () => 'simulate',
  senders: {},
  resolvers: {},
  leaseMs: 60_000,
});
const issue = makeIssueInvoices({
  clock: systemClock,
  orders: { get: async (po) => ({ order: order(po), vendorCode: 'ACMEDE' }) },
  acknowledgements: { get: async () => undefined },
  statuses: { get: async (po) => status(po) },
  shipped: { ofPurchaseOrder: async (po) => [shipped(po)] },
  acknowledgedCosts: async () => new Map(),
  series: new DynamoDbNumberSeries(table),
  // The injected failure strikes after the number was reserved and the shipment claimed.
  invoices: {
    get: (n) => invoices.get(n),
    create: async (record) => {
      if (failNext) throw new Error('injected failure after reservation');
      return invoices.create(record);
    },
    update: (r) => invoices.update(r),
    listByState: (s, l) => invoices.listByState(s, l),
    listRecent: (t, d, l) => invoices.listRecent(t, d, l),
  },
  claims: new DynamoDbInvoiceClaims(table),
  documents: { putDocument: async () => {}, getDocument: async () => undefined },
  outbox,
  audit: noAudit,
  events: { publish: async () => {} },
  settings: {
    legalEntity: 'ACMEREMIT',
    numberPrefix: 'ACME',
    remitTo: REMIT_TO,
    shipFrom: [SHIP_FROM],
    vendors: [{ vendorCode: 'ACMEDE', spApiAccount: 'example-eu', marketplaces: ['DE'], invoicing: 'live' }],
  },
});

await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
const outcomes: { request: number; po: string; outcome: string; invoiceNumber?: string; message?: string }[] =
  [];
for (let request = worker; request < requests; request += workers) {
  const po = poNumber(request % distinct);
  failNext = request % failEvery === failEvery - 1;
  try {
    const [invoice] = await issue({
      purchaseOrderNumbers: [po],
      actor: { type: 'system', id: `worker-${worker}` },
    });
    outcomes.push({
      request,
      po,
      outcome: 'issued',
      ...(invoice ? { invoiceNumber: invoice.invoiceNumber } : {}),
    });
  } catch (error) {
    outcomes.push({
      request,
      po,
      outcome: (error as Error).name,
      message: (error as Error).message.slice(0, 300),
    });
  }
}
process.stdout.write(`${JSON.stringify({ worker, outcomes })}\n`);
process.exit(0);
