import { Duration } from 'aws-cdk-lib';
import { type HttpApi, HttpMethod, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { RuntimeConfig } from '#shared/config/runtime.ts';
import { AUDIT_PREFIX, documentsPrefix } from '#shared/domain/archive/layout.ts';
import { DETAIL_TYPE, EVENT_SOURCE, INVENTORY_DETAIL_TYPE } from '#shared/events.ts';
import { RUNTIME_CONFIG_ENV } from '../runtime-config.ts';
import { NodeFunction } from './node-function.ts';
import { outboxWriterFunction } from './outbox-writer-function.ts';

const SERVICE_NAME = 'inventory';

/** Properties of {@link Inventory}. */
export interface InventoryProps {
  readonly table: dynamodb.ITableV2;
  readonly eventBus: events.IEventBus;
  /** Outbox payloads (pushes to Shopify) and audit events are archived here. */
  readonly archiveBucket: s3.IBucket;
  readonly spApiCredentials: secretsmanager.ISecret;
  /** The Shopify app: `{ shopDomain, clientId, clientSecret }`. */
  readonly shopifyCredentials: secretsmanager.ISecret;
  readonly runtimeConfig: RuntimeConfig;
  readonly api: HttpApi;
  readonly authorizer: IHttpRouteAuthorizer;
  /** Shopify sync on; off: Amazon alone uses the stock, nothing is pushed or received. @default true */
  readonly shopifyEnabled?: boolean;
  /** How often every SKU is reconciled with Shopify. */
  readonly reconcileSchedule: string;
  /** How often the store's DTC conversion is pulled, and how many days back. @default hourly, 30 days */
  readonly dtcConversion?: { readonly schedule: string; readonly days: number };
}

/**
 * Inventory shared between Amazon and Shopify: stock counts pushed by the ERP (files come through
 * the purchase-order inbox import under `stock/`), Shopify's webhooks, the event-driven push of
 * each SKU's allocation to Shopify through the outbox, the scheduled reconciliation, and
 * `GET /api/inventory`.
 */
export class Inventory extends Construct {
  readonly pushStockPositions: NodeFunction;
  readonly listInventory: NodeFunction;
  readonly releaseShippedReservations: NodeFunction;
  readonly receiveShopifyWebhook?: NodeFunction;
  readonly syncShopifyInventory?: NodeFunction;
  readonly reconcileShopifyInventory?: NodeFunction;
  readonly pullDtcConversion?: NodeFunction;

  constructor(scope: Construct, id: string, props: InventoryProps) {
    super(scope, id);
    const runtimeConfig = JSON.stringify(props.runtimeConfig);
    const recording = (fnId: string, entry: string, description: string, serviceName = SERVICE_NAME) => {
      const fn = new NodeFunction(this, fnId, {
        entry,
        serviceName,
        description,
        timeout: Duration.seconds(30),
      });
      fn.setEnvironment(RUNTIME_CONFIG_ENV, runtimeConfig);
      fn.bindTable('TABLE_NAME', props.table, 'readWrite');
      fn.bindEventBus('EVENT_BUS_NAME', props.eventBus);
      return fn;
    };

    this.pushStockPositions = recording(
      'PushStockPositions',
      'functions/inventory/push-stock-positions.ts',
      'POST /api/inventory/positions: stock counts from the ERP/WMS',
    );
    this.pushStockPositions.serveHttp(
      props.api,
      HttpMethod.POST,
      '/api/inventory/positions',
      props.authorizer,
    );

    this.releaseShippedReservations = recording(
      'ReleaseShippedReservations',
      'functions/inventory/release-shipped-reservations.ts',
      'ShipmentConfirmed: the shipped eaches leave their POs’ reservations, once per shipment; a closed PO gives back the rest',
    );
    this.releaseShippedReservations.onEvent('ShipmentConfirmed', props.eventBus, {
      source: [EVENT_SOURCE.shipments],
      detailType: [DETAIL_TYPE.shipmentConfirmed],
    });
    this.releaseShippedReservations.onEvent('PurchaseOrderClosed', props.eventBus, {
      source: [EVENT_SOURCE.vendorIngest],
      detailType: [DETAIL_TYPE.purchaseOrderStatusChanged],
      detail: { purchaseOrderStatus: ['CLOSED'] },
    });

    this.listInventory = new NodeFunction(this, 'ListInventory', {
      entry: 'functions/console-api/list-inventory.ts',
      serviceName: 'console-api',
      description: 'GET /api/inventory',
      timeout: Duration.seconds(10),
    });
    this.listInventory.setEnvironment(RUNTIME_CONFIG_ENV, runtimeConfig);
    this.listInventory.bindTable('TABLE_NAME', props.table, 'read');
    this.listInventory.bindEventBus('EVENT_BUS_NAME', props.eventBus);
    this.listInventory.serveHttp(props.api, HttpMethod.GET, '/api/inventory', props.authorizer);

    const directFulfillment = (props.runtimeConfig.inventory?.directFulfillment ?? []).length > 0;
    if (props.shopifyEnabled === false) {
      // Shopify off: the same sync function still pushes stock to the DF warehouses, if any.
      if (directFulfillment) this.syncShopifyInventory = this.#syncFunction(props, false);
      return;
    }

    this.receiveShopifyWebhook = recording(
      'ReceiveShopifyWebhook',
      'functions/inventory/receive-shopify-webhook.ts',
      'POST /webhooks/shopify: orders, refunds and inventory levels, HMAC-verified and deduplicated',
    );
    this.receiveShopifyWebhook.bindSecret('SHOPIFY_SECRET_ID', props.shopifyCredentials, 'read');
    // Shopify cannot sign with AWS credentials: the HMAC of the body is the route's authentication.
    this.receiveShopifyWebhook.serveSelfAuthenticatedHttp(props.api, HttpMethod.POST, '/webhooks/shopify', {
      verifiedBy: 'WebhookSignatureError',
      reason:
        'Shopify delivers webhooks without AWS credentials; the function authenticates each delivery by the HMAC-SHA256 of the raw body with the app client secret (X-Shopify-Hmac-Sha256) and answers 401 to anything else before using it.',
    });

    const syncing = (fnId: string, entry: string, description: string) => {
      const fn = outboxWriterFunction(this, fnId, props, {
        entry,
        serviceName: SERVICE_NAME,
        description,
        timeout: Duration.seconds(120),
        // One writer per deployment: pushes of one SKU never race each other for Shopify's bucket.
        reservedConcurrentExecutions: 1,
        archivePrefixes: [documentsPrefix('inventory'), AUDIT_PREFIX],
      });
      fn.bindSecret('SHOPIFY_SECRET_ID', props.shopifyCredentials, 'read');
      return fn;
    };
    this.syncShopifyInventory = this.#syncFunction(props, true);

    this.reconcileShopifyInventory = syncing(
      'ReconcileShopifyInventory',
      'functions/inventory/reconcile-shopify-inventory.ts',
      'Compares every SKU with Shopify, reports drift and corrects it',
    );
    this.reconcileShopifyInventory.runOnSchedule('Schedule', props.reconcileSchedule);

    // Read-only against Shopify (ShopifyQL analytics): no outbox, only the table and the secret.
    this.pullDtcConversion = new NodeFunction(this, 'PullDtcConversion', {
      entry: 'functions/storefront/pull-dtc-conversion.ts',
      serviceName: 'storefront',
      description:
        'Pulls the Shopify store’s daily sessions, completed checkouts and orders (DTC conversion)',
      timeout: Duration.seconds(60),
    });
    this.pullDtcConversion.bindTable('TABLE_NAME', props.table, 'readWrite');
    // Its own items only (`DTC#<day>`): any other partition key is denied, and every index (it uses none).
    this.pullDtcConversion.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:ConditionCheckItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
        ],
        resources: [props.table.tableArn, `${props.table.tableArn}/index/*`],
        conditions: { 'ForAnyValue:StringNotLike': { 'dynamodb:LeadingKeys': ['DTC#*'] } },
      }),
    );
    this.pullDtcConversion.bindSecret('SHOPIFY_SECRET_ID', props.shopifyCredentials, 'read');
    const dtc = props.dtcConversion ?? { schedule: 'rate(1 hour)', days: 30 };
    this.pullDtcConversion.runOnSchedule('Schedule', dtc.schedule, { input: { days: dtc.days } });
  }

  /** StockPositionChanged → Shopify (when on) and the DF warehouses, through the outbox. */
  #syncFunction(props: InventoryProps, shopify: boolean): NodeFunction {
    const fn = outboxWriterFunction(this, 'SyncShopifyInventory', props, {
      entry: 'functions/inventory/sync-shopify-inventory.ts',
      serviceName: SERVICE_NAME,
      description: 'Pushes each changed SKU’s allocation to Shopify and DF warehouses through the outbox',
      timeout: Duration.seconds(120),
      reservedConcurrentExecutions: 1,
      archivePrefixes: [documentsPrefix('inventory'), AUDIT_PREFIX],
    });
    if (shopify) fn.bindSecret('SHOPIFY_SECRET_ID', props.shopifyCredentials, 'read');
    fn.onEvent('StockPositionChanged', props.eventBus, {
      source: [EVENT_SOURCE.inventory],
      detailType: [INVENTORY_DETAIL_TYPE.stockPositionChanged],
    });
    return fn;
  }
}
