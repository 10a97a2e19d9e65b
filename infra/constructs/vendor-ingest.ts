import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { RuntimeConfig } from '#shared/config/runtime.ts';
import { RUNTIME_CONFIG_ENV } from '../runtime-config.ts';
import { NodeFunction } from './node-function.ts';
import { Wiring } from './wiring.ts';

/** AWS account from which SP-API delivers notifications to a subscriber's SQS queue. */
export const SP_API_NOTIFICATIONS_ACCOUNT = '437568002678';

const SERVICE_NAME = 'vendor-ingest';

/** Properties of {@link VendorIngest}. */
export interface VendorIngestProps {
  /** The single table (documents, cursors, rate-limit slots). */
  readonly table: dynamodb.ITableV2;
  /** Bus the ingest functions publish business events to. */
  readonly eventBus: events.IEventBus;
  /** SP-API LWA credentials. */
  readonly spApiCredentials: secretsmanager.ISecret;
  /** Runtime configuration handed to the functions. */
  readonly runtimeConfig: RuntimeConfig;
  /** EventBridge Scheduler expressions of the pulls. */
  readonly schedules: {
    /** New and changed purchase orders, e.g. `rate(15 minutes)`. */
    readonly pullPurchaseOrders: string;
    /** Purchase order line status, e.g. `rate(1 hour)`. */
    readonly pullPurchaseOrderStatus: string;
  };
  /**
   * Concurrency reserved for each scheduled pull. One pull of a kind at a time keeps its cursor
   * single-writer; the SP-API rate limit itself is shared through the table (rule 12).
   * @default 1
   */
  readonly pullConcurrency?: number;
}

/**
 * Vendor ingest: scheduled pulls of purchase orders and their status from SP-API into the table
 * and the bus, and the handler of Amazon's credential-rotation notifications.
 */
export class VendorIngest extends Construct {
  /** Pulls new and changed purchase orders. */
  readonly pullPurchaseOrders: NodeFunction;
  /** Pulls purchase order line status. */
  readonly pullPurchaseOrderStatus: NodeFunction;
  /** Stores a new LWA client secret sent by Amazon, and rotates before expiry. */
  readonly handleCredentialNotification: NodeFunction;
  /** Queue registered in Vendor Central / the Developer Console for credential notifications. */
  readonly credentialNotificationsQueue: sqs.Queue;
  /** Where credential notifications that failed five times wait for an operator. */
  readonly credentialNotificationsDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: VendorIngestProps) {
    super(scope, id);
    const wiring = Wiring.of(this);
    const runtimeConfig = JSON.stringify(props.runtimeConfig);

    const pull = (fnId: string, entry: string, expression: string, description: string) => {
      const fn = new NodeFunction(this, fnId, {
        entry,
        serviceName: SERVICE_NAME,
        description,
        timeout: Duration.minutes(5),
        reservedConcurrentExecutions: props.pullConcurrency ?? 1,
      });
      fn.setEnvironment(RUNTIME_CONFIG_ENV, runtimeConfig);
      fn.bindTable('TABLE_NAME', props.table, 'readWrite');
      fn.bindEventBus('EVENT_BUS_NAME', props.eventBus);
      fn.bindSecret('SP_API_SECRET_ID', props.spApiCredentials, 'read');
      fn.runOnSchedule('Schedule', expression);
      return fn;
    };
    this.pullPurchaseOrders = pull(
      'PullPurchaseOrders',
      'functions/vendor-ingest/pull-purchase-orders.ts',
      props.schedules.pullPurchaseOrders,
      'Pulls new and changed purchase orders from SP-API',
    );
    this.pullPurchaseOrderStatus = pull(
      'PullPurchaseOrderStatus',
      'functions/vendor-ingest/pull-purchase-order-status.ts',
      props.schedules.pullPurchaseOrderStatus,
      'Pulls purchase order line status from SP-API',
    );

    // Messages carry a new client secret. SQS-managed SSE rather than our KMS key: SP-API sends
    // from Amazon's account, which a customer-managed key would have to be opened to.
    this.credentialNotificationsDeadLetterQueue = new sqs.Queue(
      this,
      'CredentialNotificationsDeadLetterQueue',
      {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      },
    );
    wiring.registerQueue(
      'CredentialNotificationsDeadLetterQueue',
      this.credentialNotificationsDeadLetterQueue,
    );
    this.credentialNotificationsQueue = new sqs.Queue(this, 'CredentialNotificationsQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.minutes(6),
      deadLetterQueue: { queue: this.credentialNotificationsDeadLetterQueue, maxReceiveCount: 5 },
    });
    this.credentialNotificationsQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SellingPartnerApiNotifications',
        principals: [new iam.AccountPrincipal(SP_API_NOTIFICATIONS_ACCOUNT)],
        actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes'],
        resources: [this.credentialNotificationsQueue.queueArn],
      }),
    );
    wiring.registerQueue('CredentialNotificationsQueue', this.credentialNotificationsQueue);

    this.handleCredentialNotification = new NodeFunction(this, 'HandleCredentialNotification', {
      entry: 'functions/vendor-ingest/handle-credential-notification.ts',
      serviceName: SERVICE_NAME,
      description: 'Stores the LWA client secret SP-API sends, and rotates it before it expires',
      timeout: Duration.minutes(1),
    });
    this.handleCredentialNotification.setEnvironment(RUNTIME_CONFIG_ENV, runtimeConfig);
    // The table holds the shared SP-API rate-limit slots the rotation call reserves.
    this.handleCredentialNotification.bindTable('TABLE_NAME', props.table, 'readWrite');
    this.handleCredentialNotification.bindEventBus('EVENT_BUS_NAME', props.eventBus);
    this.handleCredentialNotification.bindSecret('SP_API_SECRET_ID', props.spApiCredentials, 'readWrite');
    this.handleCredentialNotification.consumeQueue(this.credentialNotificationsQueue, { batchSize: 1 });
  }
}
