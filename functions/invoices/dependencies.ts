import { DynamoDbAcknowledgementStore } from '#shared/aws/dynamodb-acknowledgements.ts';
import { DynamoDbPurchaseOrderReader } from '#shared/aws/dynamodb-catalog.ts';
import { DynamoDbCursorStore } from '#shared/aws/dynamodb-documents.ts';
import {
  DynamoDbExistingInvoices,
  DynamoDbInvoiceClaims,
  DynamoDbInvoiceStore,
} from '#shared/aws/dynamodb-invoices.ts';
import { DynamoDbNumberSeries } from '#shared/aws/dynamodb-number-series.ts';
import {
  DynamoDbPurchaseOrderStatusReader,
  DynamoDbShippedQuantities,
} from '#shared/aws/dynamodb-shipments.ts';
import { makeInvoiceOutbox } from '#shared/aws/invoice-outbox.ts';
import { S3InvoiceDocuments } from '#shared/aws/s3-invoice-documents.ts';
import { outboxWriterEnvironment } from '#shared/aws/writer-environment.ts';
import { requireEnv } from '#shared/config/runtime.ts';
import { ConfigurationError } from '#shared/errors.ts';
import { submitAcknowledgementRequestSchema } from '#shared/sp-api/schemas/orders.ts';
import { makeVendorInvoicesApi } from '#shared/sp-api/vendor-invoices.ts';
import type { InvoicingDeps } from '#shared/use-cases/invoices/issue-invoices.ts';

/** Longest an invoicing function runs; the outbox lease outlasts it. */
export const DISPATCH_TIMEOUT_MS = 2 * 60_000;

/**
 * The invoicing functions' clients and adapters, created once per container from the environment
 * the Invoices construct sets.
 */
export function invoiceDependencies(env: NodeJS.ProcessEnv = process.env) {
  const { config, clock, table, s3, archive, audit, spApi, outboxStore, modeOf, events } =
    outboxWriterEnvironment(env);
  if (!config.invoices) throw new ConfigurationError('ACORN_RUNTIME_CONFIG has no invoices section');
  const invoices = new DynamoDbInvoiceStore(table);
  const invoicesApi = (accountId: string) => makeVendorInvoicesApi(spApi.client(accountId));
  const outbox = makeInvoiceOutbox({
    store: outboxStore,
    archive,
    audit,
    clock,
    modeOf,
    invoicesApiOfAccount: invoicesApi,
    invoices,
    leaseMs: DISPATCH_TIMEOUT_MS * 2,
  });
  const settings = config.invoices;
  const deps: InvoicingDeps = {
    clock,
    orders: new DynamoDbPurchaseOrderReader(table),
    acknowledgements: new DynamoDbAcknowledgementStore(table),
    statuses: new DynamoDbPurchaseOrderStatusReader(table),
    shipped: new DynamoDbShippedQuantities(table),
    // The cost we acknowledged is the one in the acknowledgement the outbox holds (and sent).
    async acknowledgedCosts(record) {
      const costs = new Map<string, string>();
      if (!record.messageKey) return costs;
      const message = await outboxStore.get(record.messageKey);
      if (!message) return costs;
      const parsed = submitAcknowledgementRequestSchema.safeParse(JSON.parse(message.payload));
      for (const ack of parsed.success ? parsed.data.acknowledgements : []) {
        for (const item of ack.items) {
          if (item.netCost?.amount && item.itemSequenceNumber)
            costs.set(item.itemSequenceNumber, item.netCost.amount);
        }
      }
      return costs;
    },
    series: new DynamoDbNumberSeries(table),
    invoices,
    claims: new DynamoDbInvoiceClaims(table),
    documents: new S3InvoiceDocuments({ client: s3, bucketName: requireEnv('ARCHIVE_BUCKET_NAME', env) }),
    outbox,
    audit,
    events,
    settings: {
      legalEntity: settings.legalEntity,
      numberPrefix: settings.numberPrefix,
      remitTo: settings.remitTo,
      shipFrom: config.shipments.shipFrom,
      vendors: settings.vendors.map((v) => {
        const vendor = config.vendors.find((c) => c.vendorCode === v.vendorCode);
        return {
          vendorCode: v.vendorCode,
          spApiAccount: vendor?.spApiAccount ?? '',
          marketplaces: vendor?.marketplaces ?? [],
          invoicing: v.invoicing,
          ...(v.paymentTerms ? { paymentTerms: v.paymentTerms } : {}),
        };
      }),
    },
  };
  return {
    deps,
    spApi,
    config,
    s3,
    invoicesApi,
    cursors: new DynamoDbCursorStore(table),
    existing: new DynamoDbExistingInvoices(table),
  };
}
