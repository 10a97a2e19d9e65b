import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AcornConfig } from '../config.ts';
import { Analytics } from '../constructs/analytics.ts';
import { ConsoleApi } from '../constructs/console-api.ts';
import { Payments } from '../constructs/payments.ts';
import { PurchaseOrders } from '../constructs/purchase-orders.ts';
import { Shipments } from '../constructs/shipments.ts';
import { VendorIngest } from '../constructs/vendor-ingest.ts';
import { toRuntimeConfig } from '../runtime-config.ts';
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
  /** Purchase-order acknowledgements. */
  readonly purchaseOrders: PurchaseOrders;
  /** Shipment confirmations (ASN) and fulfilment milestones. */
  readonly shipments: Shipments;
  /** Archive export, Glue tables, Athena workgroup and named queries. */
  readonly analytics: Analytics;
  /** Remittance reconciliation, deductions and discrepancies. */
  readonly payments: Payments;

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

    this.consoleApi = new ConsoleApi(this, 'ConsoleApi', { table: stateful.table, runtimeConfig });

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

    this.analytics = new Analytics(this, 'Analytics', {
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

    new CfnOutput(this, 'ApiUrl', { value: this.consoleApi.url, description: 'Console API base URL' });
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
    new CfnOutput(this, 'CredentialNotificationsQueueUrl', {
      value: this.vendorIngest.credentialNotificationsQueue.queueUrl,
    });
    new CfnOutput(this, 'CredentialNotificationsQueueArn', {
      value: this.vendorIngest.credentialNotificationsQueue.queueArn,
      description: 'Register in Notification Preferences: Application Client New Secret (docs/deployment.md)',
    });
  }
}
