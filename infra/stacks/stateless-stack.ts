import { CfnOutput, NestedStack, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { buildConsoleAssets } from '../../web/console/build.ts';
import type { AcornConfig } from '../config.ts';
import { Analytics } from '../constructs/analytics.ts';
import { ConsoleApi } from '../constructs/console-api.ts';
import { ConsoleRoles } from '../constructs/console-roles.ts';
import { ConsoleWeb } from '../constructs/console-web.ts';
import { CreditMemos } from '../constructs/credit-memos.ts';
import { Inventory } from '../constructs/inventory.ts';
import { Invoices } from '../constructs/invoices.ts';
import { Notifications } from '../constructs/notifications.ts';
import { Operations } from '../constructs/operations.ts';
import { Payments } from '../constructs/payments.ts';
import { PurchaseOrders } from '../constructs/purchase-orders.ts';
import { Shipments } from '../constructs/shipments.ts';
import { VendorIngest } from '../constructs/vendor-ingest.ts';
import { toCreditMemosConfig, toRuntimeConfig } from '../runtime-config.ts';
import type { StatefulStack } from './stateful-stack.ts';

/** Properties of the {@link StatelessStack}. */
export interface StatelessStackProps extends StackProps {
  /** The validated deployment configuration. */
  readonly config: AcornConfig;
  /** The data stores the capabilities use. */
  readonly stateful: StatefulStack;
}

/**
 * The code and its wiring: one construct per capability, composed here and nothing else. It can
 * be destroyed and redeployed without losing data (the data lives in the stateful stack).
 */
export class StatelessStack extends Stack {
  /** Vendor ingest capability. */
  readonly vendorIngest: VendorIngest;
  /** Console API. */
  readonly consoleApi: ConsoleApi;
  /** The console web app (S3 + CloudFront). */
  readonly consoleWeb: ConsoleWeb;
  /** IAM managed policies of the console's roles. */
  readonly consoleRoles: ConsoleRoles;
  /** Purchase-order acknowledgements. */
  readonly purchaseOrders: PurchaseOrders;
  /** Shipment confirmations (ASN) and fulfilment milestones. */
  readonly shipments: Shipments;
  /** Archive export, Glue tables, Athena workgroup and named queries. */
  readonly analytics: Analytics;
  /** Invoices: generation, numbering, validation, submission, payment status. */
  readonly invoices: Invoices;
  /** Inventory shared between Amazon and Shopify. */
  readonly inventory: Inventory;
  /** Credit memos: returns and debit notes → workflow with approval → credit notes. */
  readonly creditMemos: CreditMemos;
  /** Remittance reconciliation, deductions and discrepancies. */
  readonly payments: Payments;
  /** Alert routing, paced delivery to email, Slack, DingTalk and Feishu, GET /api/alerts. */
  readonly notifications: Notifications;
  /** Dashboard and alarms of every function, queue and state machine above (created last). */
  readonly operations: Operations;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    const { config, stateful, ...stackProps } = props;
    super(scope, id, stackProps);
    const runtimeConfig = toRuntimeConfig(config);

    this.vendorIngest = new VendorIngest(this, 'VendorIngest', {
      table: stateful.table,
      eventBus: stateful.eventBus,
      spApiCredentials: stateful.spApiCredentials,
      runtimeConfig,
      schedules: config.schedules,
    });

    this.consoleWeb = new ConsoleWeb(this, 'ConsoleWeb');
    this.consoleApi = new ConsoleApi(this, 'ConsoleApi', {
      table: stateful.table,
      runtimeConfig,
      archiveBucket: stateful.archiveBucket,
      identity: stateful.consoleIdentity,
      consoleOrigin: this.consoleWeb.origin,
    });
    this.consoleWeb.deploy(buildConsoleAssets(), {
      mode: 'cognito',
      apiUrl: this.consoleApi.url,
      authDomain: stateful.consoleIdentity.domain.baseUrl(),
      clientId: this.consoleApi.consoleClient.userPoolClientId,
    });

    this.purchaseOrders = new PurchaseOrders(this, 'PurchaseOrders', {
      table: stateful.table,
      eventBus: stateful.eventBus,
      archiveBucket: stateful.archiveBucket,
      inboxBucket: stateful.inboxBucket,
      spApiCredentials: stateful.spApiCredentials,
      runtimeConfig,
      api: this.consoleApi.api,
      authorizer: this.consoleApi.authorizer,
      schedules: config.purchaseOrders,
    });

    this.shipments = new Shipments(this, 'Shipments', {
      table: stateful.table,
      eventBus: stateful.eventBus,
      archiveBucket: stateful.archiveBucket,
      inboxBucket: stateful.inboxBucket,
      spApiCredentials: stateful.spApiCredentials,
      runtimeConfig,
      api: this.consoleApi.api,
      authorizer: this.consoleApi.authorizer,
      schedules: config.shipments,
    });

    this.invoices = new Invoices(this, 'Invoices', {
      table: stateful.table,
      eventBus: stateful.eventBus,
      archiveBucket: stateful.archiveBucket,
      inboxBucket: stateful.inboxBucket,
      spApiCredentials: stateful.spApiCredentials,
      runtimeConfig,
      api: this.consoleApi.api,
      authorizer: this.consoleApi.authorizer,
      schedules: config.invoices,
    });
    this.inventory = new Inventory(this, 'Inventory', {
      table: stateful.table,
      eventBus: stateful.eventBus,
      archiveBucket: stateful.archiveBucket,
      spApiCredentials: stateful.spApiCredentials,
      shopifyCredentials: stateful.shopifyCredentials,
      runtimeConfig,
      api: this.consoleApi.api,
      authorizer: this.consoleApi.authorizer,
      shopifyEnabled: config.inventory.shopify.enabled,
      reconcileSchedule: config.inventory.shopify.reconcile,
      dtcConversion: config.inventory.shopify.dtcConversion,
    });
    this.creditMemos = new CreditMemos(this, 'CreditMemos', {
      table: stateful.table,
      eventBus: stateful.eventBus,
      archiveBucket: stateful.archiveBucket,
      inboxBucket: stateful.inboxBucket,
      spApiCredentials: stateful.spApiCredentials,
      approvalLinkKey: stateful.approvalLinkKey,
      runtimeConfig,
      settings: toCreditMemosConfig(config),
      api: this.consoleApi.api,
      authorizer: this.consoleApi.authorizer,
      reviewBaseUrl: config.creditMemos.reviewBaseUrl,
      slack: config.creditMemos.slackChannel !== undefined,
      checkApprovals: config.creditMemos.checkApprovals,
    });

    this.payments = new Payments(this, 'Payments', {
      table: stateful.table,
      eventBus: stateful.eventBus,
      archiveBucket: stateful.archiveBucket,
      inboxBucket: stateful.inboxBucket,
      runtimeConfig,
      api: this.consoleApi.api,
      authorizer: this.consoleApi.authorizer,
      defaultTermsDays: config.payments.defaultTermsDays,
      checkOverdueSchedule: config.payments.checkOverdue,
    });
    // In a nested stack of its own: one Glue table and named query per dataset and question would
    // take this stack past CloudFormation's 500 resources (test/infra/stack-limits.test.ts).
    this.analytics = new Analytics(new NestedStack(this, 'AnalyticsStack'), 'Analytics', {
      table: stateful.table,
      archiveBucket: stateful.archiveBucket,
      queryResultsBucket: stateful.queryResultsBucket,
      dataKey: stateful.dataKey,
      runtimeConfig,
      deploymentName: config.name,
      exportSchedule: config.archive.exportSchedule,
      maxScannedMbPerQuery: config.archive.maxScannedMbPerQuery,
      retentionDays: config.archive.retentionDays,
    });

    this.notifications = new Notifications(this, 'Notifications', {
      table: stateful.table,
      eventBus: stateful.eventBus,
      archiveBucket: stateful.archiveBucket,
      spApiCredentials: stateful.spApiCredentials,
      notificationChannels: stateful.notificationChannels,
      runtimeConfig,
      alerts: config.alerts,
      api: this.consoleApi.api,
      authorizer: this.consoleApi.authorizer,
    });

    // Keep last among the capabilities: it alarms on every function, queue and state machine above.
    // In a nested stack of its own: its ~150 alarms would take this stack past CloudFormation's 500
    // resources; the names it watches come in as the nested stack's parameters.
    this.operations = new Operations(new NestedStack(this, 'OperationsStack'), 'Operations', { watch: this });

    new CfnOutput(this, 'ApiUrl', { value: this.consoleApi.url, description: 'Console API base URL' });
    this.consoleRoles = new ConsoleRoles(this, 'ConsoleRoles', {
      table: stateful.table,
      dataKey: stateful.dataKey,
      inboxBucket: stateful.inboxBucket,
      userPool: stateful.consoleIdentity.userPool,
      spApiCredentials: stateful.spApiCredentials,
      analystPolicy: this.analytics.analystPolicy,
    });
    new CfnOutput(this, 'ConsoleUrl', { value: this.consoleWeb.origin, description: 'The console' });
    new CfnOutput(this, 'WarehouseClientId', {
      value: this.consoleApi.warehouseClient.userPoolClientId,
      description:
        'Client-credentials client of the warehouse (scope acorn/shipments.write) for POST /api/shipments',
    });
    new CfnOutput(this, 'PullPurchaseOrdersFunctionName', {
      value: this.vendorIngest.pullPurchaseOrders.function.functionName,
      description: 'npm run backfill -- --days N --function <this>',
    });
    new CfnOutput(this, 'PullPurchaseOrderStatusFunctionName', {
      value: this.vendorIngest.pullPurchaseOrderStatus.function.functionName,
      description: 'npm run backfill -- --days N --function … --status-function <this>',
    });
    new CfnOutput(this, 'AnalyticsWorkGroup', {
      value: this.analytics.workGroup.ref,
      description: 'Athena workgroup of the named queries (docs/archive.md)',
    });
    new CfnOutput(this, 'AnalyticsDatabase', { value: this.analytics.databaseName });
    new CfnOutput(this, 'AnalystPolicyArn', {
      value: this.analytics.analystPolicy.managedPolicyArn,
      description: "Attach to the analysts' role: query and read the archive, nothing else",
    });
    new CfnOutput(this, 'OperationsDashboardName', { value: this.operations.dashboard.dashboardName });
    new CfnOutput(this, 'AlertDeliveryDeadLetterQueueUrl', {
      value: this.notifications.deliveryDeadLetterQueue.queueUrl,
      description: 'Redrive to the delivery queue after fixing a channel (docs/deployment.md)',
    });
    new CfnOutput(this, 'CredentialNotificationsQueueUrl', {
      value: this.vendorIngest.credentialNotificationsQueue.queueUrl,
    });
    new CfnOutput(this, 'CredentialNotificationsQueueArn', {
      value: this.vendorIngest.credentialNotificationsQueue.queueArn,
      description: 'Register in Notification Preferences: Application Client New Secret (docs/deployment.md)',
    });
  }
}
