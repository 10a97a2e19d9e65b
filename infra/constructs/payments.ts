import { Duration } from 'aws-cdk-lib';
import { type HttpApi, HttpMethod, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { RuntimeConfig } from '#shared/config/runtime.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '#shared/events.ts';
import { REMITTANCE_INBOX_PREFIX } from '#shared/use-cases/payments/import-remittance.ts';
import { RUNTIME_CONFIG_ENV } from '../runtime-config.ts';
import { NodeFunction } from './node-function.ts';
import { shipmentArchivePrefixes } from './shipments.ts';

/** Properties of {@link Payments}. */
export interface PaymentsProps {
  readonly table: dynamodb.ITableV2;
  readonly eventBus: events.IEventBus;
  /** The Object-Locked archive: the audit trail of the imports is written here. */
  readonly archiveBucket: s3.IBucket;
  /** Remittance exports land here under `remittance/<vendorCode>/<marketplace>/`. */
  readonly inboxBucket: s3.IBucket;
  readonly runtimeConfig: RuntimeConfig;
  readonly api: HttpApi;
  readonly authorizer: IHttpRouteAuthorizer;
  /** Net days of invoices without terms of their own. @default 60 */
  readonly defaultTermsDays?: number;
  /** When open receivables are checked for invoices unpaid past terms. @default rate(1 day) */
  readonly checkOverdueSchedule?: string;
}

/**
 * Payments: Vendor Central remittance exports (inbox `remittance/`) streamed and reconciled against
 * the invoices and POs — every deduction classified, paid / deducted / open per invoice, the
 * discrepancies, dispute candidates and credit requests announced on the bus — and the routes
 * `GET /api/payments`, `GET /api/payments/aging` and `GET /api/discrepancies`.
 */
export class Payments extends Construct {
  /** Remittance exports from the inbox. */
  readonly importRemittanceFile: NodeFunction;
  /** Scheduled: invoices unpaid past their terms (receivables index), each announced once. */
  readonly checkOverdueInvoices: NodeFunction;
  /** GET /api/payments and /api/payments/aging. */
  readonly listPayments: NodeFunction;
  /** GET /api/discrepancies. */
  readonly listDiscrepancies: NodeFunction;

  constructor(scope: Construct, id: string, props: PaymentsProps) {
    super(scope, id);
    const runtimeConfig = JSON.stringify(props.runtimeConfig);

    this.importRemittanceFile = new NodeFunction(this, 'ImportRemittanceFile', {
      entry: 'functions/payments/import-remittance-file.ts',
      serviceName: 'payments',
      description:
        'Remittance exports from the inbox: matched, classified and reconciled against invoices and POs',
      timeout: Duration.minutes(15),
      memorySize: 1024,
    });
    const fn = this.importRemittanceFile;
    fn.setEnvironment(RUNTIME_CONFIG_ENV, runtimeConfig);
    fn.setEnvironment('PAYMENT_TERMS_DAYS', String(props.defaultTermsDays ?? 60));
    fn.bindTable('TABLE_NAME', props.table, 'readWrite');
    fn.bindEventBus('EVENT_BUS_NAME', props.eventBus);
    // Only where the audit trail writes.
    fn.bindBucket('ARCHIVE_BUCKET_NAME', props.archiveBucket, 'write', {
      prefix: shipmentArchivePrefixes().audit,
    });
    fn.onInboxObject('RemittanceFile', props.inboxBucket, REMITTANCE_INBOX_PREFIX);

    this.checkOverdueInvoices = new NodeFunction(this, 'CheckOverdueInvoices', {
      entry: 'functions/payments/check-overdue.ts',
      serviceName: 'payments',
      description:
        'InvoiceAccepted registers the receivable; scheduled: invoices unpaid past terms announced once',
      timeout: Duration.minutes(5),
    });
    const overdue = this.checkOverdueInvoices;
    overdue.setEnvironment(RUNTIME_CONFIG_ENV, runtimeConfig);
    overdue.setEnvironment('PAYMENT_TERMS_DAYS', String(props.defaultTermsDays ?? 60));
    overdue.bindTable('TABLE_NAME', props.table, 'readWrite');
    overdue.bindEventBus('EVENT_BUS_NAME', props.eventBus);
    overdue.bindBucket('ARCHIVE_BUCKET_NAME', props.archiveBucket, 'write', {
      prefix: shipmentArchivePrefixes().audit,
    });
    overdue.runOnSchedule('Schedule', props.checkOverdueSchedule ?? 'rate(1 day)');
    // An accepted invoice is a receivable from then on, paid or not (one conditional put).
    overdue.onEvent('InvoiceAccepted', props.eventBus, {
      source: [EVENT_SOURCE.invoices],
      detailType: [DETAIL_TYPE.invoiceAccepted],
    });

    const reader = (fnId: string, entry: string, description: string) => {
      const f = new NodeFunction(this, fnId, {
        entry,
        serviceName: 'console-api',
        description,
        timeout: Duration.seconds(20),
      });
      f.setEnvironment(RUNTIME_CONFIG_ENV, runtimeConfig);
      f.bindTable('TABLE_NAME', props.table, 'read');
      return f;
    };
    this.listPayments = reader(
      'ListPayments',
      'functions/console-api/list-payments.ts',
      'GET /api/payments?invoiceNumber=…|vendorCode=… and GET /api/payments/aging',
    );
    this.listPayments.serveHttp(props.api, HttpMethod.GET, '/api/payments', props.authorizer);
    this.listPayments.serveHttp(props.api, HttpMethod.GET, '/api/payments/aging', props.authorizer);
    this.listDiscrepancies = reader(
      'ListDiscrepancies',
      'functions/console-api/list-discrepancies.ts',
      'GET /api/discrepancies?type=discrepancy|dispute|credit-request',
    );
    this.listDiscrepancies.serveHttp(props.api, HttpMethod.GET, '/api/discrepancies', props.authorizer);
  }
}
