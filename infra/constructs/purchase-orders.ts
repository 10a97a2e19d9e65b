import { Duration } from 'aws-cdk-lib';
import { type HttpApi, HttpMethod, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { RuntimeConfig } from '#shared/config/runtime.ts';
import { AUDIT_PREFIX, documentsPrefix } from '#shared/domain/archive/layout.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '#shared/events.ts';
import { RUNTIME_CONFIG_ENV } from '../runtime-config.ts';
import { NodeFunction } from './node-function.ts';
import { outboxWriterFunction } from './outbox-writer-function.ts';

const SERVICE_NAME = 'purchase-orders';

/** Properties of {@link PurchaseOrders}. */
export interface PurchaseOrdersProps {
  readonly table: dynamodb.ITableV2;
  readonly eventBus: events.IEventBus;
  /** The Object-Locked archive: outbox payloads and audit events are written (never deleted) here. */
  readonly archiveBucket: s3.IBucket;
  /** Vendor Central exports and ERP files: `stock/` and `catalog/` are read from here. */
  readonly inboxBucket: s3.IBucket;
  readonly spApiCredentials: secretsmanager.ISecret;
  readonly runtimeConfig: RuntimeConfig;
  /** The console API the review and due-soon routes are served on. */
  readonly api: HttpApi;
  readonly authorizer: IHttpRouteAuthorizer;
  readonly schedules: {
    /** How often submitted acknowledgements are followed up. */
    readonly pollTransactions: string;
    /** How often deadlines are checked for reminders and escalations. */
    readonly checkDeadlines: string;
  };
}

/**
 * Purchase orders: rule-based acknowledgements through the outbox, their follow-up with Amazon's
 * transaction status, deadline reminders and escalations, the stock and catalogue files the
 * rules read, and the routes an operator reviews and decides lines with.
 */
export class PurchaseOrders extends Construct {
  /** Decides and acknowledges each new PO. */
  readonly acknowledgePurchaseOrder: NodeFunction;
  /** Pushes queued/unknown acknowledgements on and reads submitted ones' transaction status. */
  readonly followUpAcknowledgements: NodeFunction;
  /** Reminders and escalations before acknowledgement deadlines. */
  readonly remindDeadlines: NodeFunction;
  /** Stock and catalogue files from the inbox. */
  readonly importInboxFile: NodeFunction;

  constructor(scope: Construct, id: string, props: PurchaseOrdersProps) {
    super(scope, id);
    const runtimeConfig = JSON.stringify(props.runtimeConfig);

    /** The functions that send acknowledgements: outbox, SP-API, audit and archive. */
    const sending = (fnId: string, entry: string, description: string, concurrency?: number) =>
      outboxWriterFunction(this, fnId, props, {
        entry,
        serviceName: SERVICE_NAME,
        description,
        timeout: Duration.seconds(60),
        ...(concurrency ? { reservedConcurrentExecutions: concurrency } : {}),
        archivePrefixes: [documentsPrefix('purchaseOrders'), AUDIT_PREFIX],
      });

    // One decision at a time: stock reservations are atomic either way, but serial decisions
    // never have to give stock back and decide again.
    this.acknowledgePurchaseOrder = sending(
      'AcknowledgePurchaseOrder',
      'functions/purchase-orders/acknowledge-purchase-order.ts',
      'Decides a new PO by the rules and sends its acknowledgement through the outbox',
      1,
    );
    this.acknowledgePurchaseOrder.onEvent('PurchaseOrderReceived', props.eventBus, {
      source: [EVENT_SOURCE.vendorIngest],
      detailType: [DETAIL_TYPE.purchaseOrderReceived],
    });

    this.followUpAcknowledgements = sending(
      'FollowUpAcknowledgements',
      'functions/purchase-orders/follow-up-acknowledgements.ts',
      'Pushes queued and unknown acknowledgements on; reads submitted ones’ transaction status',
      1,
    );
    this.followUpAcknowledgements.runOnSchedule('Schedule', props.schedules.pollTransactions);

    this.remindDeadlines = sending(
      'RemindDeadlines',
      'functions/purchase-orders/remind-deadlines.ts',
      'Reminders and escalations before acknowledgement deadlines',
      1,
    );
    this.remindDeadlines.runOnSchedule('Schedule', props.schedules.checkDeadlines);

    this.importInboxFile = new NodeFunction(this, 'ImportInboxFile', {
      entry: 'functions/purchase-orders/import-inbox-file.ts',
      serviceName: SERVICE_NAME,
      description: 'Stock and catalogue files from the inbox',
      timeout: Duration.minutes(5),
    });
    this.importInboxFile.setEnvironment(RUNTIME_CONFIG_ENV, runtimeConfig);
    this.importInboxFile.bindTable('TABLE_NAME', props.table, 'readWrite');
    this.importInboxFile.bindEventBus('EVENT_BUS_NAME', props.eventBus);
    this.importInboxFile.onInboxObject('StockFile', props.inboxBucket, 'stock/');
    this.importInboxFile.onInboxObject('CatalogFile', props.inboxBucket, 'catalog/');

    const detail = new NodeFunction(this, 'PurchaseOrderDetail', {
      entry: 'functions/console-api/purchase-order-detail.ts',
      serviceName: 'console-api',
      description: 'GET /api/purchase-orders/{purchaseOrderNumber}',
      timeout: Duration.seconds(10),
    });
    detail.bindTable('TABLE_NAME', props.table, 'read');
    detail.serveHttp(
      props.api,
      HttpMethod.GET,
      '/api/purchase-orders/{purchaseOrderNumber}',
      props.authorizer,
    );

    const list = new NodeFunction(this, 'ListAcknowledgements', {
      entry: 'functions/console-api/list-acknowledgements.ts',
      serviceName: 'console-api',
      description: 'GET /api/acknowledgements?state=review|due|...',
      timeout: Duration.seconds(10),
    });
    list.setEnvironment(RUNTIME_CONFIG_ENV, runtimeConfig);
    list.bindTable('TABLE_NAME', props.table, 'read');
    list.serveHttp(props.api, HttpMethod.GET, '/api/acknowledgements', props.authorizer);

    const decide = sending(
      'DecidePurchaseOrderLines',
      'functions/console-api/decide-purchase-order-lines.ts',
      'POST /api/purchase-orders/{purchaseOrderNumber}/decisions',
    );
    decide.serveHttp(
      props.api,
      HttpMethod.POST,
      '/api/purchase-orders/{purchaseOrderNumber}/decisions',
      props.authorizer,
    );
  }
}
