import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type { HttpApi, HttpMethod, IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import { packEnvJson } from '#shared/config/env-json.ts';
import { LAMBDA_BUNDLE, PROJECT_ROOT } from '../bundling.ts';
import { acknowledgeNag, acknowledgeNagWildcardResource } from './nag.ts';
import { type FunctionWiring, Wiring } from './wiring.ts';

/** The repository root: function entries and the lock file are resolved from here. */
export { PROJECT_ROOT };

/** Metrics namespace shared by every Acorn function. */
export const METRICS_NAMESPACE = 'Acorn';

/** Lambda's limit on the total size of a function's environment variables. */
const MAX_ENVIRONMENT_BYTES = 4096;
/** Room counted for a variable whose value is a resource name or ARN, unknown until deployment. */
const RESOURCE_VALUE_BYTES = 256;

/** What a binding lets the function do with a table or secret. */
export type Access = 'read' | 'readWrite';

/** DynamoDB actions per access level. No Scan (no full-table scans on a hot path), no transactions (rule 9). */
const TABLE_ACTIONS: Record<Access, readonly string[]> = {
  read: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'dynamodb:DescribeTable',
  ],
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'dynamodb:DescribeTable',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
};

/** KMS actions a caller needs on a table's customer-managed key, used only through DynamoDB. */
const TABLE_KEY_ACTIONS: Record<Access, readonly string[]> = {
  read: ['kms:Decrypt', 'kms:DescribeKey'],
  readWrite: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
};

/** What a binding lets the function do with a bucket. */
export type BucketAccess = 'read' | 'write' | 'readWrite';

/**
 * S3 object actions per access level. `write` is PutObject alone, so a writer to the Object Lock
 * archive can add objects and versions but never delete them or touch their retention or legal
 * hold (no s3:DeleteObject*, s3:PutObjectRetention, s3:PutObjectLegalHold,
 * s3:BypassGovernanceRetention).
 */
const BUCKET_OBJECT_ACTIONS: Record<BucketAccess, readonly string[]> = {
  read: ['s3:GetObject'],
  write: ['s3:PutObject'],
  readWrite: ['s3:GetObject', 's3:PutObject'],
};

/**
 * KMS actions a caller needs on a bucket's customer-managed key, used only through S3: Decrypt to
 * read, GenerateDataKey to put an object in one request (a multipart upload would also need
 * Decrypt; nothing in Acorn uploads in parts).
 */
const BUCKET_KEY_ACTIONS: Record<BucketAccess, readonly string[]> = {
  read: ['kms:Decrypt'],
  write: ['kms:GenerateDataKey'],
  readWrite: ['kms:Decrypt', 'kms:GenerateDataKey'],
};

/** The bus EventBridge delivers AWS service events (S3 "Object Created") to. */
const DEFAULT_BUS = 'default';

const deadLetterQueues = new WeakMap<IConstruct, sqs.Queue>();

/**
 * The dead-letter queue of the functions created in `scope` (a capability construct), created with
 * the first of them. One queue per capability rather than per function: CloudFormation allows 500
 * resources per stack, and a queue with its policy per function spent a fifth of them. Lambda's
 * on-failure records carry the function's ARN, and the scheduler's and rules' dead letters their
 * schedule or rule, so a shared queue still says what failed.
 */
function capabilityDeadLetterQueue(scope: Construct): sqs.Queue {
  const existing = deadLetterQueues.get(scope);
  if (existing) return existing;
  const queue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  acknowledgeNag(
    queue,
    'AwsSolutions-SQS3',
    'This queue is itself a dead-letter queue: the on-failure destination of the capability’s functions and the DLQ of their schedules and rules.',
  );
  deadLetterQueues.set(scope, queue);
  return queue;
}

/** Properties of a {@link NodeFunction}. */
export interface NodeFunctionProps {
  /** Source file relative to the project root, e.g. `functions/vendor-ingest/pull-purchase-orders.ts`. */
  readonly entry: string;
  /**
   * Exported handler name in the entry file.
   * @default 'handler'
   */
  readonly handler?: string;
  /** Powertools service name (`POWERTOOLS_SERVICE_NAME`): the capability the function belongs to. */
  readonly serviceName: string;
  /**
   * Description shown in the Lambda console.
   * @default - none
   */
  readonly description?: string;
  /**
   * Maximum run time of one invocation.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Memory in MB (arm64 CPU scales with it).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Concurrency reserved for (and capping) the function.
   * @default - no reservation: the function uses the account's unreserved pool
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * How long the function's log events are kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Retries of a failed asynchronous invocation before the event goes to the dead-letter queue.
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * Maximum age of an asynchronous event before it goes to the dead-letter queue unprocessed.
   * @default Duration.hours(6)
   */
  readonly maxEventAge?: Duration;
}

/** Options of {@link NodeFunction.runOnSchedule}. */
export interface ScheduleTriggerOptions {
  /**
   * Event passed to the function.
   * @default {}
   */
  readonly input?: Record<string, unknown>;
  /**
   * Retries by EventBridge Scheduler when the invoke call itself fails, before the dead-letter queue.
   * @default 3
   */
  readonly retryAttempts?: number;
  /**
   * How long Scheduler keeps trying to deliver one run; a later run replaces a stale one.
   * @default Duration.hours(1)
   */
  readonly maxEventAge?: Duration;
  /**
   * Another schedule's Scheduler role to reuse: it may then invoke this function too. Saves a
   * role and its policy per schedule in a stack near CloudFormation's resource limit.
   * @default a role of its own
   */
  readonly schedulerRole?: iam.Role;
}

/** Options of {@link NodeFunction.bindBucket}. */
export interface BucketBindingOptions {
  /**
   * Key prefix the grant is limited to, e.g. `documents/`: objects under it, and listing only
   * under it. A literal, without IAM wildcards (`*`, `?`).
   * @default - every key of the bucket
   */
  readonly prefix?: string;
}

/**
 * An EventBridge event pattern on the fields Acorn routes by, in CDK's spelling (`detailType` is
 * deployed as `detail-type`). Values are literals: the same pattern runs on AWS and, from the
 * wiring manifest, in the local runtime.
 */
export interface EventRulePattern {
  /**
   * Event sources, e.g. `EVENT_SOURCE.purchaseOrders` (shared/events.ts).
   * @default - any source
   */
  readonly source?: readonly string[];
  /**
   * Detail types, e.g. `DETAIL_TYPE.purchaseOrderReceived`.
   * @default - any detail type
   */
  readonly detailType?: readonly string[];
  /**
   * Content filter on `detail` (EventBridge pattern syntax).
   * @default - any detail
   */
  readonly detail?: Record<string, unknown>;
}

/** Options of {@link NodeFunction.onEvent} and {@link NodeFunction.onInboxObject}. */
export interface RuleTriggerOptions {
  /**
   * Retries by EventBridge when the asynchronous invoke call itself fails (throttling, service
   * errors), before the event goes to the function's dead-letter queue. Errors of the function
   * are retried by Lambda (the function's `retryAttempts`).
   * @default 3
   */
  readonly retryAttempts?: number;
  /**
   * How long EventBridge keeps trying to deliver one event.
   * @default Duration.hours(1)
   */
  readonly maxEventAge?: Duration;
}

/** Options of {@link NodeFunction.consumeQueue}. */
export interface QueueTriggerOptions {
  /**
   * Messages per invocation.
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * Concurrent invocations the event source mapping may run (2–1000).
   * @default 2
   */
  readonly maxConcurrency?: number;
}

/**
 * THE Lambda construct of Acorn (STYLE rule 10): Node.js 24 on arm64, X-Ray tracing, an explicit
 * log group with retention, an own role with no AWS-managed policy, an ESM bundle that includes
 * the AWS SDK, Powertools environment, and a dead-letter queue for asynchronous invocations.
 *
 * Every environment variable, grant and trigger goes through its methods, which create the real
 * wiring and record it in the wiring manifest in the same call ({@link Wiring}).
 */
export class NodeFunction extends Construct {
  /** The Lambda function. */
  readonly function: NodejsFunction;
  /** The execution role; grants are added by the bind* methods. */
  readonly role: iam.Role;
  /** Where the function logs. */
  readonly logGroup: logs.LogGroup;
  /**
   * Failed asynchronous invocations and undeliverable scheduled runs and rule events end up here:
   * one queue for the functions of a capability (each message names its function, schedule or rule).
   */
  readonly deadLetterQueue: sqs.Queue;
  readonly #wiring: FunctionWiring;
  readonly #timeout: Duration;
  readonly #asyncInvocation: { retryAttempts: number; maxEventAge: Duration };
  #acceptsAsyncInvocations = false;
  /** Bytes of each environment variable (name and value), for Lambda's 4 KB limit. */
  readonly #environmentBytes = new Map<string, number>();
  /** Manifest id of the resource each resource variable names: one variable, one resource. */
  readonly #boundResources = new Map<string, string>();

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    const entry = join(PROJECT_ROOT, props.entry);
    if (!existsSync(entry)) {
      throw new Error(`${this.node.path}: entry ${props.entry} does not exist (relative to ${PROJECT_ROOT})`);
    }
    const handler = props.handler ?? 'handler';
    this.#timeout = props.timeout ?? Duration.seconds(30);
    this.#asyncInvocation = {
      retryAttempts: props.retryAttempts ?? 2,
      maxEventAge: props.maxEventAge ?? Duration.hours(6),
    };

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An own role instead of the default one, which would carry AWSLambdaBasicExecutionRole
    // (an AWS-managed policy, AwsSolutions-IAM4): write access to this function's log group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    this.logGroup.grantWrite(this.role);
    acknowledgeNag(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so Resource must be "*".',
    );

    this.deadLetterQueue = capabilityDeadLetterQueue(scope);

    this.function = new NodejsFunction(this, 'Function', {
      entry,
      handler,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: this.#timeout,
      description: props.description,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      bundling: {
        format: OutputFormat.ESM,
        target: LAMBDA_BUNDLE.target,
        mainFields: [...LAMBDA_BUNDLE.mainFields],
        minify: LAMBDA_BUNDLE.minify,
        sourceMap: true,
        sourcesContent: false,
        // The per-service SDK clients are bundled, which pins their version (STYLE "Decisions").
        externalModules: [],
        banner: LAMBDA_BUNDLE.banner,
        esbuildArgs: Object.fromEntries(
          Object.entries(LAMBDA_BUNDLE.alias).map(([from, to]) => [`--alias:${from}`, to]),
        ),
      },
    });

    this.#wiring = Wiring.of(this).addFunction(this, {
      id,
      entry: props.entry,
      handler,
      timeoutSeconds: this.#timeout.toSeconds(),
    });
    this.setEnvironment('POWERTOOLS_SERVICE_NAME', props.serviceName);
    this.setEnvironment('POWERTOOLS_METRICS_NAMESPACE', METRICS_NAMESPACE);
    this.setEnvironment('NODE_OPTIONS', '--enable-source-maps');

    this.node.addValidation({ validate: () => this.#validateEnvironmentSize() });
  }

  /** Sets a literal environment variable. */
  setEnvironment(name: string, rawValue: string): void {
    // JSON settings over 1 KB go in compressed (shared/config/env-json.ts): Lambda allows 4 KB in all.
    const value = rawValue.startsWith('{') || rawValue.startsWith('[') ? packEnvJson(rawValue) : rawValue;
    this.function.addEnvironment(name, value);
    this.#environmentBytes.set(name, Buffer.byteLength(name) + Buffer.byteLength(value));
    this.#wiring.setEnvironment(name, { literal: value });
  }

  /**
   * Gives the function the table's name in `envName` and the DynamoDB (and KMS, through DynamoDB
   * only) permissions of `access` on the table and its registered indexes.
   */
  bindTable(envName: string, table: dynamodb.ITableV2, access: Access): void {
    const schema = Wiring.of(this).resource(table, 'table');
    this.#setResourceEnvironment(envName, table.tableName, schema.id);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...TABLE_ACTIONS[access]],
        // Each index by name: no `index/*` wildcard.
        resources: [
          table.tableArn,
          ...schema.globalIndexes.map((index) => `${table.tableArn}/index/${index.name}`),
        ],
      }),
    );
    if (table.encryptionKey) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: [...TABLE_KEY_ACTIONS[access]],
          resources: [table.encryptionKey.keyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(this).region}.amazonaws.com` },
          },
        }),
      );
    }
  }

  /** Gives the function the bus name in `envName` and permission to put events on that bus only. */
  bindEventBus(envName: string, bus: events.IEventBus): void {
    const id = Wiring.of(this).resource(bus, 'bus').id;
    this.#setResourceEnvironment(envName, bus.eventBusName, id);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [bus.eventBusArn] }),
    );
  }

  /**
   * Gives the function the secret's ARN in `envName` and permission to read it (`read`) or also
   * to write new versions of it (`readWrite`), with the KMS use that needs, through Secrets Manager only.
   */
  bindSecret(envName: string, secret: secretsmanager.ISecret, access: Access): void {
    const id = Wiring.of(this).resource(secret, 'secret').id;
    this.#setResourceEnvironment(envName, secret.secretArn, id);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions:
          access === 'read'
            ? ['secretsmanager:GetSecretValue']
            : ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
        resources: [secret.secretArn],
      }),
    );
    if (secret.encryptionKey) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: access === 'read' ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [secret.encryptionKey.keyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` },
          },
        }),
      );
    }
  }

  /**
   * Gives the function the bucket's name in `envName` and the S3 permissions of `access` on its
   * objects, or on those under `options.prefix`:
   * - `read`: s3:GetObject, and s3:ListBucket limited to the prefix (so a missing key is a 404,
   *   not a 403);
   * - `write`: s3:PutObject and nothing else, the only write the Object Lock archive admits;
   * - `readWrite`: both.
   *
   * On a KMS-encrypted bucket, also the KMS actions of `access` on its key, through S3 only and
   * for this bucket only (`kms:ViaService`, `kms:EncryptionContext:aws:s3:arn`). The bucket must be
   * registered in the wiring.
   */
  bindBucket(
    envName: string,
    bucket: s3.IBucket,
    access: BucketAccess,
    options: BucketBindingOptions = {},
  ): void {
    const id = Wiring.of(this).resource(bucket, 'bucket').id;
    const prefix = options.prefix ?? '';
    this.#checkPrefix(prefix, `bindBucket(${envName})`);
    this.#setResourceEnvironment(envName, bucket.bucketName, id);

    const objects = bucket.arnForObjects(`${prefix}*`);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: [...BUCKET_OBJECT_ACTIONS[access]], resources: [objects] }),
    );
    acknowledgeNagWildcardResource(
      this.role,
      objects,
      `S3 object actions are granted on an object ARN pattern: ${prefix ? `the keys under ${prefix}` : 'every key'} of ${id}.`,
    );
    if (access !== 'write') {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [bucket.bucketArn],
          ...(prefix ? { conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } } } : {}),
        }),
      );
    }
    if (bucket.encryptionKey) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: [...BUCKET_KEY_ACTIONS[access]],
          resources: [bucket.encryptionKey.keyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` },
            // The bucket ARN with an S3 Bucket Key, the object ARN without: the key is shared with
            // the table and the other buckets, and this grant is for this bucket's objects.
            StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucket.bucketArn, objects] },
          },
        }),
      );
    }
  }

  /**
   * Retries and the dead-letter destination of asynchronous invocations (schedules, rules, inbox
   * objects), configured with the first such trigger: a function only served over HTTP or run by
   * a state machine is invoked synchronously and needs neither (nor the resource they cost).
   */
  #acceptAsyncInvocations(): void {
    if (this.#acceptsAsyncInvocations) return;
    this.#acceptsAsyncInvocations = true;
    this.function.configureAsyncInvoke({
      onFailure: new SqsDestination(this.deadLetterQueue),
      ...this.#asyncInvocation,
    });
  }

  /**
   * Runs the function on the events of `bus` that match `pattern`: an EventBridge rule with this
   * function as its target, invoked asynchronously (Lambda's retries and the function's
   * dead-letter queue apply), with EventBridge retries and the same dead-letter queue for events
   * it cannot deliver. The bus must be registered in the wiring, or be the default bus.
   */
  onEvent(
    id: string,
    bus: events.IEventBus,
    pattern: EventRulePattern,
    options: RuleTriggerOptions = {},
  ): events.Rule {
    this.#acceptAsyncInvocations();
    const busId =
      !Token.isUnresolved(bus.eventBusName) && bus.eventBusName === DEFAULT_BUS
        ? DEFAULT_BUS
        : Wiring.of(this).resource(bus, 'bus').id;
    const deployed = {
      ...(pattern.source ? { source: [...pattern.source] } : {}),
      ...(pattern.detailType ? { 'detail-type': [...pattern.detailType] } : {}),
      ...(pattern.detail ? { detail: pattern.detail } : {}),
    };
    if (Object.keys(deployed).length === 0) {
      throw new Error(`${this.node.path}/${id}: an event pattern must name at least one field`);
    }
    if (containsToken(deployed)) {
      throw new Error(
        `${this.node.path}/${id}: the event pattern must be literal; the local runtime reads it from the wiring manifest`,
      );
    }
    const rule = this.#ruleTo(
      id,
      bus,
      {
        ...(pattern.source ? { source: [...pattern.source] } : {}),
        ...(pattern.detailType ? { detailType: [...pattern.detailType] } : {}),
        ...(pattern.detail ? { detail: pattern.detail } : {}),
      },
      options,
    );
    this.#wiring.addTrigger({ type: 'rule', id, bus: busId, pattern: deployed });
    return rule;
  }

  /**
   * Runs the function on each object created under `prefix` of an inbox bucket: S3 sends
   * "Object Created" to the default bus (the bucket's EventBridge notifications must be on), and
   * a rule there matches the bucket and the prefix, delivered as in {@link onEvent}. Also binds
   * the bucket for reading under the prefix, as `INBOX_BUCKET_NAME`.
   */
  onInboxObject(
    id: string,
    bucket: s3.IBucket,
    prefix: string,
    options: RuleTriggerOptions = {},
  ): events.Rule {
    this.#acceptAsyncInvocations();
    const bucketId = Wiring.of(this).resource(bucket, 'bucket').id;
    if (prefix === '') throw new Error(`${this.node.path}/${id}: an inbox trigger needs a key prefix`);
    this.#checkPrefix(prefix, id);
    this.node.addValidation({ validate: () => eventBridgeNotificationErrors(bucket) });
    const rule = this.#ruleTo(
      id,
      // No bus: the rule goes on the default bus.
      undefined,
      {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [bucket.bucketName] }, object: { key: [{ prefix }] } },
      },
      options,
    );
    this.bindBucket('INBOX_BUCKET_NAME', bucket, 'read', { prefix });
    this.#wiring.addTrigger({ type: 'inbox', bucket: bucketId, prefix });
    return rule;
  }

  /**
   * Runs the function on an EventBridge Scheduler schedule (`rate(15 minutes)` or `cron(...)`),
   * invoked asynchronously, with Scheduler retries and this function's dead-letter queue.
   */
  runOnSchedule(id: string, expression: string, options: ScheduleTriggerOptions = {}): scheduler.Schedule {
    this.#acceptAsyncInvocations();
    const input = options.input ?? {};
    const role =
      options.schedulerRole ??
      new iam.Role(this, `${id}Role`, {
        assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
        description: `EventBridge Scheduler role of ${this.node.id}/${id}`,
      });
    const schedule = new scheduler.Schedule(this, id, {
      schedule: scheduler.ScheduleExpression.expression(expression),
      description: `${this.node.id}: ${expression}`,
      target: new LambdaInvoke(this.function, {
        role,
        input: scheduler.ScheduleTargetInput.fromObject(input),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: options.retryAttempts ?? 3,
        maxEventAge: options.maxEventAge ?? Duration.hours(1),
      }),
    });
    const functionLogicalId = Stack.of(this).getLogicalId(
      this.function.node.defaultChild as lambda.CfnFunction,
    );
    acknowledgeNag(
      role,
      `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
      'Added by Function.grantInvoke (used by the scheduler LambdaInvoke target): ":*" covers the qualified ARNs (versions and aliases) of this one function.',
    );
    this.#wiring.addTrigger({ type: 'schedule', id, expression, input });
    return schedule;
  }

  /**
   * Runs the function on batches of an SQS queue, reporting failed messages one by one
   * (ReportBatchItemFailures). The queue must be registered in the wiring and its visibility
   * timeout must be at least six times the function timeout.
   */
  consumeQueue(queue: sqs.Queue, options: QueueTriggerOptions = {}): void {
    const registered = Wiring.of(this).resource(queue, 'queue');
    const minimum = 6 * this.#timeout.toSeconds();
    if (registered.visibilityTimeoutSeconds < minimum) {
      throw new Error(
        `${queue.node.path}: visibility timeout ${registered.visibilityTimeoutSeconds}s is below 6 × the timeout of ${this.node.path} (${minimum}s)`,
      );
    }
    const batchSize = options.batchSize ?? 10;
    this.function.addEventSource(
      new SqsEventSource(queue, {
        batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: options.maxConcurrency ?? 2,
      }),
    );
    this.#wiring.addTrigger({
      type: 'queue',
      queue: registered.id,
      batchSize,
      reportBatchItemFailures: true,
    });
  }

  /**
   * Gives the function the queue's URL in `envName` and permission to send messages to that queue
   * only (with the KMS use that needs on a KMS-encrypted queue). The queue must be registered in the wiring.
   */
  bindQueue(envName: string, queue: sqs.IQueue): void {
    const id = Wiring.of(this).resource(queue, 'queue').id;
    this.#setResourceEnvironment(envName, queue.queueUrl, id);
    queue.grantSendMessages(this.role);
  }

  /** Serves an HTTP API route with the function (Lambda proxy integration, payload 2.0). */
  serveHttp(api: HttpApi, method: HttpMethod, path: string, authorizer: IHttpRouteAuthorizer): void {
    api.addRoutes({
      path,
      methods: [method],
      integration: new HttpLambdaIntegration(`${this.node.id}Integration`, this.function),
      authorizer,
    });
    // The authorizer kind goes into the manifest, so the local HTTP layer checks tokens as AWS does.
    const kind = (authorizer as { authorizationType?: string }).authorizationType;
    const authorization = kind === 'JWT' ? 'jwt' : kind === 'AWS_IAM' ? 'iam' : 'none';
    this.#wiring.addTrigger({ type: 'http', method, path, authorization });
  }

  #ruleTo(
    id: string,
    bus: events.IEventBus | undefined,
    eventPattern: events.EventPattern,
    options: RuleTriggerOptions,
  ): events.Rule {
    return new events.Rule(this, id, {
      eventBus: bus,
      eventPattern,
      description: `${this.node.id}: ${id}`,
      targets: [
        new targets.LambdaFunction(this.function, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: options.retryAttempts ?? 3,
          maxEventAge: options.maxEventAge ?? Duration.hours(1),
        }),
      ],
    });
  }

  /** A key prefix is a literal: the manifest records it, and IAM would read `*` and `?` as wildcards. */
  #checkPrefix(prefix: string, what: string): void {
    if (Token.isUnresolved(prefix) || /[*?]/.test(prefix) || prefix.startsWith('/')) {
      throw new Error(
        `${this.node.path} ${what}: the key prefix must be a literal without *, ? or a leading slash, got ${prefix}`,
      );
    }
  }

  /**
   * Gives the function the state machine's ARN in `envName` and either permission to start
   * executions of it (`start`) or to answer its task tokens (`respond`: SendTaskSuccess /
   * SendTaskFailure / SendTaskHeartbeat, scoped to this state machine as narrowly as IAM allows).
   */
  bindStateMachine(envName: string, stateMachine: sfn.IStateMachine, access: 'start' | 'respond'): void {
    const id = Wiring.of(this).resourceId(stateMachine);
    this.#setResourceEnvironment(envName, stateMachine.stateMachineArn, id);
    if (access === 'start') stateMachine.grantStartExecution(this.role);
    else stateMachine.grantTaskResponse(this.role);
  }

  #setResourceEnvironment(name: string, value: string, resourceId: string): void {
    const bound = this.#boundResources.get(name);
    if (bound !== undefined && bound !== resourceId) {
      throw new Error(`${this.node.path}: ${name} is already bound to ${bound}, not ${resourceId}`);
    }
    this.#boundResources.set(name, resourceId);
    this.function.addEnvironment(name, value);
    this.#environmentBytes.set(name, Buffer.byteLength(name) + RESOURCE_VALUE_BYTES);
    this.#wiring.setEnvironment(name, { resource: resourceId });
  }

  #validateEnvironmentSize(): string[] {
    let bytes = 0;
    for (const size of this.#environmentBytes.values()) bytes += size;
    return bytes > MAX_ENVIRONMENT_BYTES
      ? [
          `The environment of ${this.node.path} is about ${bytes} bytes; Lambda allows ${MAX_ENVIRONMENT_BYTES}. Shorten the configuration (vendors, marketplaces) or move it out of the environment.`,
        ]
      : [];
  }
}

/** True when a value holds a CDK token anywhere (a deploy-time value the manifest cannot carry). */
function containsToken(value: unknown): boolean {
  if (typeof value === 'string' || typeof value === 'number') return Token.isUnresolved(value);
  if (Array.isArray(value)) return value.some(containsToken);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([key, v]) => Token.isUnresolved(key) || containsToken(v));
  }
  return false;
}

/** Why a bucket cannot feed an inbox trigger: its "Object Created" events must go to EventBridge. */
function eventBridgeNotificationErrors(bucket: s3.IBucket): string[] {
  const cfn = bucket.node.defaultChild as s3.CfnBucket | undefined;
  const notifications = cfn?.notificationConfiguration as
    | s3.CfnBucket.NotificationConfigurationProperty
    | undefined;
  const eventBridge = notifications?.eventBridgeConfiguration as
    | s3.CfnBucket.EventBridgeConfigurationProperty
    | undefined;
  return eventBridge?.eventBridgeEnabled === true
    ? []
    : [
        `${bucket.node.path} sends no events to EventBridge; set notificationConfiguration.eventBridgeConfiguration.eventBridgeEnabled on its AWS::S3::Bucket for inbox triggers`,
      ];
}
