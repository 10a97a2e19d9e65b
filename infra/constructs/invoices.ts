import { Duration } from 'aws-cdk-lib';
import { type HttpApi, HttpMethod, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { RuntimeConfig } from '#shared/config/runtime.ts';
import { auditArchiveKey } from '#shared/domain/audit.ts';
import { invoiceDocumentKeys } from '#shared/domain/invoices/keys.ts';
import { newOutboxMessage, outboxArchiveKey } from '#shared/domain/outbox.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '#shared/events.ts';
import { RUNTIME_CONFIG_ENV } from '../runtime-config.ts';
import { NodeFunction } from './node-function.ts';
import { outboxWriterFunction } from './outbox-writer-function.ts';

const SERVICE_NAME = 'invoices';

/** Where the vendor's existing invoices (Vendor Central / EDI exports) land for the parallel run. */
export const EXISTING_INVOICES_INBOX_PREFIX = 'invoices/existing/';

/**
 * The archive prefixes invoicing writes, computed by the functions that make the keys: the
 * outbox's archive of submitted invoices, the invoice documents (JSON and PDF), the audit trail.
 */
export function invoiceArchivePrefixes(): { outbox: string; documents: string; audit: string } {
  const at = '2026-01-01T00:00:00.000Z';
  const outboxKey = outboxArchiveKey(
    newOutboxMessage(
      {
        key: 'prefix-probe',
        module: 'invoices',
        operation: 'submitInvoices',
        target: 'probe',
        subject: { type: 'Invoice', id: 'probe' },
        payload: {},
        actor: { type: 'system', id: 'probe' },
      },
      at,
    ),
  );
  const documentKey = invoiceDocumentKeys('probe', at).json;
  const auditKey = auditArchiveKey({
    id: 'probe',
    at,
    actor: { type: 'system', id: 'probe' },
    action: 'invoice.probe',
    entity: { type: 'Invoice', id: 'probe' },
    reason: '',
  });
  const before = (key: string) => key.slice(0, key.indexOf('dt='));
  return { outbox: before(outboxKey), documents: before(documentKey), audit: before(auditKey) };
}

/** Properties of {@link Invoices}. */
export interface InvoicesProps {
  readonly table: dynamodb.ITableV2;
  readonly eventBus: events.IEventBus;
  /** The Object-Locked archive: invoice JSON, PDFs, submitted payloads and audit events. */
  readonly archiveBucket: s3.IBucket;
  /** The vendor's existing invoices land here under `invoices/existing/`. */
  readonly inboxBucket: s3.IBucket;
  readonly spApiCredentials: secretsmanager.ISecret;
  readonly runtimeConfig: RuntimeConfig;
  /** The console API the invoice routes are served on. */
  readonly api: HttpApi;
  readonly authorizer: IHttpRouteAuthorizer;
  readonly schedules: {
    /** How often submitted invoices are followed up. */
    readonly followUp: string;
    /** How often the Finances Invoices API is polled for payment statuses. */
    readonly pollPaymentStatus: string;
  };
}

/**
 * Invoicing: confirmed shipments (ShipmentConfirmed) and `POST /api/invoices` invoiced at the
 * acknowledged cost, numbered gap-free, validated, archived (JSON + PDF) and submitted through the
 * outbox; the transaction-status follow-up; payment statuses from the Finances Invoices API; the
 * vendor's existing invoices for the parallel run; `GET /api/invoices` and the PDF route.
 */
export class Invoices extends Construct {
  readonly invoiceShipment: NodeFunction;
  readonly createInvoices: NodeFunction;
  readonly followUpInvoices: NodeFunction;
  readonly syncPaymentStatuses: NodeFunction;
  readonly importExistingInvoices: NodeFunction;
  readonly listInvoices: NodeFunction;
  readonly invoicePdf: NodeFunction;

  constructor(scope: Construct, id: string, props: InvoicesProps) {
    super(scope, id);
    const archive = invoiceArchivePrefixes();

    const sending = (
      fnId: string,
      entry: string,
      description: string,
      options: { concurrency?: number } = {},
    ) =>
      outboxWriterFunction(this, fnId, props, {
        entry,
        serviceName: SERVICE_NAME,
        description,
        timeout: Duration.seconds(90),
        ...(options.concurrency ? { reservedConcurrentExecutions: options.concurrency } : {}),
        archivePrefixes: [archive.outbox, archive.documents, archive.audit],
      });

    this.invoiceShipment = sending(
      'InvoiceShipment',
      'functions/invoices/invoice-shipment.ts',
      'ShipmentConfirmed: the confirmed quantities invoiced at the acknowledged cost, through the outbox',
    );
    this.invoiceShipment.onEvent('ShipmentConfirmed', props.eventBus, {
      source: [EVENT_SOURCE.shipments],
      detailType: [DETAIL_TYPE.shipmentConfirmed],
    });

    this.createInvoices = sending(
      'CreateInvoices',
      'functions/invoices/create-invoices.ts',
      'POST /api/invoices: invoices the confirmed, not yet billed shipments of the POs given',
    );
    this.createInvoices.serveHttp(props.api, HttpMethod.POST, '/api/invoices', props.authorizer);

    this.followUpInvoices = sending(
      'FollowUpInvoices',
      'functions/invoices/follow-up-invoices.ts',
      'Pushes queued invoices on, reads submitted ones’ transaction status, voids abandoned numbers',
      { concurrency: 1 },
    );
    this.followUpInvoices.runOnSchedule('Schedule', props.schedules.followUp);
    // It re-sends a queued invoice from its archived JSON: the only function that reads the archive back.
    this.followUpInvoices.bindBucket('ARCHIVE_BUCKET_NAME', props.archiveBucket, 'read', {
      prefix: archive.documents,
    });

    this.syncPaymentStatuses = sending(
      'SyncPaymentStatuses',
      'functions/invoices/sync-payment-statuses.ts',
      'Payment statuses of the invoices from the Finances Invoices API (2026-06-25)',
      { concurrency: 1 },
    );
    this.syncPaymentStatuses.runOnSchedule('Schedule', props.schedules.pollPaymentStatus);

    this.importExistingInvoices = sending(
      'ImportExistingInvoices',
      'functions/invoices/import-existing-invoices.ts',
      'The vendor’s existing invoices (Vendor Central / EDI export) for the parallel-run report',
    );
    this.importExistingInvoices.onInboxObject(
      'ExistingInvoices',
      props.inboxBucket,
      EXISTING_INVOICES_INBOX_PREFIX,
    );

    const runtimeConfig = JSON.stringify(props.runtimeConfig);
    this.listInvoices = new NodeFunction(this, 'ListInvoices', {
      entry: 'functions/console-api/list-invoices.ts',
      serviceName: 'console-api',
      description: 'GET /api/invoices?state=…|report=parallel-run&vendorCode=…',
      timeout: Duration.seconds(10),
    });
    this.listInvoices.setEnvironment(RUNTIME_CONFIG_ENV, runtimeConfig);
    this.listInvoices.bindTable('TABLE_NAME', props.table, 'read');
    this.listInvoices.serveHttp(props.api, HttpMethod.GET, '/api/invoices', props.authorizer);

    this.invoicePdf = new NodeFunction(this, 'InvoicePdf', {
      entry: 'functions/console-api/invoice-pdf.ts',
      serviceName: 'console-api',
      description: 'GET /api/invoices/{invoiceNumber}/pdf: the archived PDF',
      timeout: Duration.seconds(10),
    });
    this.invoicePdf.bindTable('TABLE_NAME', props.table, 'read');
    this.invoicePdf.bindBucket('ARCHIVE_BUCKET_NAME', props.archiveBucket, 'read', {
      prefix: archive.documents,
    });
    this.invoicePdf.serveHttp(
      props.api,
      HttpMethod.GET,
      '/api/invoices/{invoiceNumber}/pdf',
      props.authorizer,
    );
  }
}
