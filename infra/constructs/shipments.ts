import { Duration } from 'aws-cdk-lib';
import { type HttpApi, HttpMethod, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { RuntimeConfig } from '#shared/config/runtime.ts';
import { auditArchiveKey } from '#shared/domain/audit.ts';
import { newOutboxMessage, outboxArchiveKey } from '#shared/domain/outbox.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '#shared/events.ts';
import { RUNTIME_CONFIG_ENV } from '../runtime-config.ts';
import { NodeFunction } from './node-function.ts';
import { outboxWriterFunction } from './outbox-writer-function.ts';

const SERVICE_NAME = 'shipments';

/** Where warehouse shipment files land in the inbox. */
export const SHIPMENT_INBOX_PREFIX = 'shipments/';

/**
 * The archive prefixes the shipments functions write, computed by the same functions that make the
 * keys (so a change of the archive layout moves the grant with it): the outbox's archive of
 * submitted confirmations (`…/shipments/submitShipmentConfirmations/`) and the audit trail.
 */
export function shipmentArchivePrefixes(): { outbox: string; audit: string } {
  const at = '2026-01-01T00:00:00.000Z';
  const message = newOutboxMessage(
    {
      key: 'prefix-probe',
      module: 'shipments',
      operation: 'submitShipmentConfirmations',
      target: 'probe',
      subject: { type: 'Shipment', id: 'probe' },
      payload: {},
      actor: { type: 'system', id: 'probe' },
    },
    at,
  );
  const outboxKey = outboxArchiveKey(message);
  const auditKey = auditArchiveKey({
    id: 'probe',
    at,
    actor: { type: 'system', id: 'probe' },
    action: 'shipment.probe',
    entity: { type: 'Shipment', id: 'probe' },
    reason: '',
  });
  return {
    outbox: outboxKey.slice(0, outboxKey.indexOf('dt=')),
    audit: auditKey.slice(0, auditKey.indexOf('dt=')),
  };
}

/** Properties of {@link Shipments}. */
export interface ShipmentsProps {
  readonly table: dynamodb.ITableV2;
  readonly eventBus: events.IEventBus;
  /** The Object-Locked archive: confirmation payloads and audit events are written (never deleted) here. */
  readonly archiveBucket: s3.IBucket;
  /** Warehouse shipment files land here under `shipments/`. */
  readonly inboxBucket: s3.IBucket;
  readonly spApiCredentials: secretsmanager.ISecret;
  readonly runtimeConfig: RuntimeConfig;
  /** The console API the shipments routes are served on. */
  readonly api: HttpApi;
  /** Every route's authorizer (IAM): the warehouse pushes with its own IAM role or user. */
  readonly authorizer: IHttpRouteAuthorizer;
  readonly schedules: {
    /** How often submitted confirmations are followed up. */
    readonly pollTransactions: string;
    /** How often ship windows and ASN deadlines are checked for reminders and escalations. */
    readonly checkDeadlines: string;
  };
}

/**
 * Shipments: warehouse shipment files (inbox `shipments/`) and pushes (`POST /api/shipments`)
 * checked against the accepted POs and confirmed to Amazon (ASN) through the outbox, the
 * confirmations' follow-up with Amazon's transaction status, the fulfilment milestones of every
 * accepted PO with their reminders and escalations, and `GET /api/shipments`.
 */
export class Shipments extends Construct {
  /** Shipment files from the inbox. */
  readonly importShipmentFile: NodeFunction;
  /** POST /api/shipments. */
  readonly receiveShipments: NodeFunction;
  /** Starts tracking each accepted PO. */
  readonly trackFulfilment: NodeFunction;
  /** Pushes queued/unknown confirmations on and reads submitted ones' transaction status. */
  readonly followUpShipments: NodeFunction;
  /** Ship-window and ASN-deadline reminders and escalations. */
  readonly remindShipments: NodeFunction;
  /** GET /api/shipments. */
  readonly listShipments: NodeFunction;

  constructor(scope: Construct, id: string, props: ShipmentsProps) {
    super(scope, id);
    const runtimeConfig = JSON.stringify(props.runtimeConfig);
    const archive = shipmentArchivePrefixes();

    /** The functions that go through the outbox: table, bus, SP-API, archive and audit. */
    const sending = (
      fnId: string,
      entry: string,
      description: string,
      options: { timeout?: Duration; concurrency?: number } = {},
    ) =>
      outboxWriterFunction(this, fnId, props, {
        entry,
        serviceName: SERVICE_NAME,
        description,
        timeout: options.timeout ?? Duration.seconds(60),
        ...(options.concurrency ? { reservedConcurrentExecutions: options.concurrency } : {}),
        // Only where the outbox archives shipment confirmations and the audit trail writes.
        archivePrefixes: [archive.outbox, archive.audit],
      });

    // A file of many shipments takes a while; the outbox lease (shipments/dependencies.ts) outlasts it.
    this.importShipmentFile = sending(
      'ImportShipmentFile',
      'functions/shipments/import-shipment-file.ts',
      'Warehouse shipment files from the inbox: checked, then confirmed to Amazon through the outbox',
      { timeout: Duration.minutes(5) },
    );
    this.importShipmentFile.onInboxObject('ShipmentFile', props.inboxBucket, SHIPMENT_INBOX_PREFIX);

    this.receiveShipments = sending(
      'ReceiveShipments',
      'functions/shipments/receive-shipments.ts',
      'POST /api/shipments: warehouse shipments pushed, checked and confirmed through the outbox',
    );
    this.receiveShipments.serveHttp(props.api, HttpMethod.POST, '/api/shipments', props.authorizer);

    this.trackFulfilment = sending(
      'TrackFulfilment',
      'functions/shipments/track-fulfilment.ts',
      'Tracks the departure window and accepted quantities of each accepted PO',
    );
    this.trackFulfilment.onEvent('PurchaseOrderAcknowledged', props.eventBus, {
      source: [EVENT_SOURCE.purchaseOrders],
      detailType: [DETAIL_TYPE.purchaseOrderAcknowledged],
    });

    this.followUpShipments = sending(
      'FollowUpShipments',
      'functions/shipments/follow-up-shipments.ts',
      'Pushes queued and unknown shipment confirmations on; reads submitted ones’ transaction status',
      { concurrency: 1 },
    );
    this.followUpShipments.runOnSchedule('Schedule', props.schedules.pollTransactions);

    this.remindShipments = sending(
      'RemindShipments',
      'functions/shipments/remind-shipments.ts',
      'Reminders and escalations: POs inside their window without a shipment, shipments without an ASN',
      { concurrency: 1 },
    );
    this.remindShipments.runOnSchedule('Schedule', props.schedules.checkDeadlines);

    this.listShipments = new NodeFunction(this, 'ListShipments', {
      entry: 'functions/console-api/list-shipments.ts',
      serviceName: 'console-api',
      description: 'GET /api/shipments?state=…|due&days=N|purchaseOrderNumber=…',
      timeout: Duration.seconds(10),
    });
    this.listShipments.setEnvironment(RUNTIME_CONFIG_ENV, runtimeConfig);
    this.listShipments.bindTable('TABLE_NAME', props.table, 'read');
    this.listShipments.serveHttp(props.api, HttpMethod.GET, '/api/shipments', props.authorizer);
  }
}
