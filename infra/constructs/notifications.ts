import { Arn, Duration, Stack } from 'aws-cdk-lib';
import { type HttpApi, HttpMethod, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ALERTS_CONFIG_ENV } from '#shared/aws/notifications-environment.ts';
import type { RuntimeConfig } from '#shared/config/runtime.ts';
import { auditArchiveKey } from '#shared/domain/audit.ts';
import {
  type AlertsConfig,
  OPERATIONS_DETAIL_TYPE,
  routedDetailTypes,
} from '#shared/domain/notifications/alert-config.ts';
import { newOutboxMessage, outboxArchiveKey } from '#shared/domain/outbox.ts';
import { NodeFunction } from './node-function.ts';
import { outboxWriterFunction } from './outbox-writer-function.ts';
import { Wiring } from './wiring.ts';

const SERVICE_NAME = 'notifications';

/** Every alarm Acorn creates starts its description with this; the alarm rule matches on it. */
export const ACORN_ALARM_DESCRIPTION_PREFIX = 'Acorn alarm:';

/** How often deferred alerts (quiet hours, digests) and waiting retries are looked for. */
export const SWEEP_SCHEDULE = 'rate(1 minute)';

/** Receives of one nudge before it goes to the dead-letter queue (the alerts stay in the table). */
export const DELIVERY_MAX_RECEIVES = 10;

/** The archive prefixes the notification functions write: their module's outbox messages and the audit trail. */
export function notificationArchivePrefixes(): { outbox: string; audit: string } {
  const at = '2026-01-01T00:00:00.000Z';
  const outboxKey = outboxArchiveKey(
    newOutboxMessage(
      {
        key: 'prefix-probe',
        module: 'notifications',
        operation: 'postSlackMessage',
        target: 'probe',
        subject: { type: 'AlertMessage', id: 'probe' },
        payload: {},
        actor: { type: 'system', id: 'probe' },
      },
      at,
    ),
  );
  const auditKey = auditArchiveKey({
    id: 'probe',
    at,
    actor: { type: 'system', id: 'probe' },
    action: 'alert.probe',
    entity: { type: 'Alert', id: 'probe' },
    reason: '',
  });
  // The module's documents, every channel's operation under it: `documents/notifications/`.
  return {
    outbox: outboxKey.slice(0, outboxKey.indexOf('postSlackMessage/')),
    audit: auditKey.slice(0, auditKey.indexOf('dt=')),
  };
}

/** Properties of {@link Notifications}. */
export interface NotificationsProps {
  readonly table: dynamodb.ITableV2;
  readonly eventBus: events.IEventBus;
  /** The Object-Locked archive: messages sent and audit events are written (never deleted) here. */
  readonly archiveBucket: s3.IBucket;
  readonly spApiCredentials: secretsmanager.ISecret;
  /** Webhook URLs and signing secrets of the chat channels. */
  readonly notificationChannels: secretsmanager.ISecret;
  readonly runtimeConfig: RuntimeConfig;
  /** Channels, people, rules, quiet hours and digests. */
  readonly alerts: AlertsConfig;
  /** The console API `GET /api/alerts` is served on. */
  readonly api: HttpApi;
  readonly authorizer: IHttpRouteAuthorizer;
}

/**
 * Alerts: bus events (and CloudWatch alarms, failed Step Functions executions) routed by the
 * configured rules into alerts stored in the table; a delivery queue whose consumer sends each
 * channel's due alerts, paced on the channel's shared rate limit, through the outbox (module
 * `notifications`); a sweep for deferred alerts and retries; and `GET /api/alerts`.
 */
export class Notifications extends Construct {
  /** Nudges: "this channel has alerts due". */
  readonly deliveryQueue: sqs.Queue;
  /** Nudges received too often without the channel taking its alerts; redrive to the delivery queue. */
  readonly deliveryDeadLetterQueue: sqs.Queue;
  readonly routeAlert: NodeFunction;
  readonly deliverAlerts: NodeFunction;
  readonly sweepAlerts: NodeFunction;
  readonly listAlerts: NodeFunction;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const wiring = Wiring.of(this);
    const archive = notificationArchivePrefixes();
    const alertsConfig = JSON.stringify(props.alerts);

    this.deliveryDeadLetterQueue = new sqs.Queue(this, 'DeliveryDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    wiring.registerQueue('AlertDeliveryDeadLetterQueue', this.deliveryDeadLetterQueue);
    this.deliveryQueue = new sqs.Queue(this, 'DeliveryQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the deliverer's timeout (60 s): also the pause before a refused channel is retried.
      visibilityTimeout: Duration.seconds(360),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deliveryDeadLetterQueue, maxReceiveCount: DELIVERY_MAX_RECEIVES },
    });
    wiring.registerQueue('AlertDeliveryQueue', this.deliveryQueue);

    // What the notification functions read of the runtime configuration is the automation mode:
    // the rest (acknowledgement rules, vendors, SP-API accounts, which they never call) stays out
    // of their 4 KB of environment, which the alerts configuration needs.
    const slim: RuntimeConfig = {
      ...props.runtimeConfig,
      spApi: {
        rateLimitFraction: props.runtimeConfig.spApi.rateLimitFraction,
        retry: props.runtimeConfig.spApi.retry,
        accounts: [],
      },
      vendors: [],
      shipments: {
        ...props.runtimeConfig.shipments,
        shipFrom: props.runtimeConfig.shipments.shipFrom.slice(0, 1),
      },
      purchaseOrders: { ...props.runtimeConfig.purchaseOrders, rules: {} },
    };
    const notifying = (fnId: string, entry: string, description: string, timeout: Duration) => {
      const fn = outboxWriterFunction(
        this,
        fnId,
        { ...props, runtimeConfig: slim },
        {
          entry,
          serviceName: SERVICE_NAME,
          description,
          timeout,
          archivePrefixes: [archive.outbox, archive.audit],
        },
      );
      fn.setEnvironment(ALERTS_CONFIG_ENV, alertsConfig);
      fn.bindQueue('ALERT_QUEUE_URL', this.deliveryQueue);
      fn.bindSecret('NOTIFICATION_CHANNELS_SECRET_ID', props.notificationChannels, 'read');
      return fn;
    };

    this.routeAlert = notifying(
      'RouteAlert',
      'functions/notifications/route-alert.ts',
      'Bus events, alarms and failed executions → alerts by the configured rules',
      Duration.seconds(30),
    );
    const operations = new Set<string>(Object.values(OPERATIONS_DETAIL_TYPE));
    const routed = routedDetailTypes(props.alerts);
    const business = routed.filter((t) => !operations.has(t));
    if (business.length > 0) {
      this.routeAlert.onEvent('AlertEvents', props.eventBus, { detailType: business });
    }
    // AWS service events arrive on the default bus.
    const defaultBus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    if (routed.includes(OPERATIONS_DETAIL_TYPE.alarm)) {
      this.routeAlert.onEvent('AlarmStateChange', defaultBus, {
        source: ['aws.cloudwatch'],
        detailType: [OPERATIONS_DETAIL_TYPE.alarm],
        detail: {
          state: { value: ['ALARM'] },
          configuration: { description: [{ prefix: ACORN_ALARM_DESCRIPTION_PREFIX }] },
        },
      });
    }
    if (routed.includes(OPERATIONS_DETAIL_TYPE.stateMachine)) {
      this.routeAlert.onEvent('ExecutionFailed', defaultBus, {
        source: ['aws.states'],
        detailType: [OPERATIONS_DETAIL_TYPE.stateMachine],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'] },
      });
    }

    this.deliverAlerts = notifying(
      'DeliverAlerts',
      'functions/notifications/deliver-alerts.ts',
      'Sends each channel’s due alerts, paced within its limits, through the outbox',
      Duration.seconds(60),
    );
    this.deliverAlerts.consumeQueue(this.deliveryQueue, { batchSize: 10, maxConcurrency: 2 });
    const from = props.alerts.emailFrom;
    if (from && props.alerts.channels.some((c) => c.type === 'email')) {
      const identity = (name: string) =>
        Arn.format({ service: 'ses', resource: 'identity', resourceName: name }, Stack.of(this));
      this.deliverAlerts.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['ses:SendEmail'],
          // The sender's address or its domain, whichever is the verified identity.
          resources: [identity(from), identity(from.split('@')[1] ?? from)],
        }),
      );
    }

    this.sweepAlerts = notifying(
      'SweepAlerts',
      'functions/notifications/sweep-alerts.ts',
      'Nudges channels whose deferred alerts are due or whose messages wait for a retry',
      Duration.seconds(30),
    );
    this.sweepAlerts.runOnSchedule('Schedule', SWEEP_SCHEDULE);

    this.listAlerts = new NodeFunction(this, 'ListAlerts', {
      entry: 'functions/console-api/list-alerts.ts',
      serviceName: 'console-api',
      description: 'GET /api/alerts: recent alerts and their delivery state',
      timeout: Duration.seconds(10),
    });
    this.listAlerts.bindTable('TABLE_NAME', props.table, 'read');
    this.listAlerts.serveHttp(props.api, HttpMethod.GET, '/api/alerts', props.authorizer);
  }
}
