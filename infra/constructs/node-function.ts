import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { HttpApi, HttpMethod, IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LAMBDA_BUNDLE, PROJECT_ROOT } from '../bundling.ts';
import { acknowledgeNag } from './nag.ts';
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
  /** Failed asynchronous invocations and undeliverable scheduled runs end up here. */
  readonly deadLetterQueue: sqs.Queue;
  readonly #wiring: FunctionWiring;
  readonly #timeout: Duration;
  /** Bytes of each environment variable (name and value), for Lambda's 4 KB limit. */
  readonly #environmentBytes = new Map<string, number>();

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    const entry = join(PROJECT_ROOT, props.entry);
    if (!existsSync(entry)) {
      throw new Error(`${this.node.path}: entry ${props.entry} does not exist (relative to ${PROJECT_ROOT})`);
    }
    const handler = props.handler ?? 'handler';
    this.#timeout = props.timeout ?? Duration.seconds(30);

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

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeNag(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is itself a dead-letter queue: the on-failure destination of the function and the DLQ of its schedules.',
    );

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
      onFailure: new SqsDestination(this.deadLetterQueue),
      retryAttempts: props.retryAttempts ?? 2,
      maxEventAge: props.maxEventAge ?? Duration.hours(6),
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
  setEnvironment(name: string, value: string): void {
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
   * Runs the function on an EventBridge Scheduler schedule (`rate(15 minutes)` or `cron(...)`),
   * invoked asynchronously, with Scheduler retries and this function's dead-letter queue.
   */
  runOnSchedule(id: string, expression: string, options: ScheduleTriggerOptions = {}): scheduler.Schedule {
    const input = options.input ?? {};
    const role = new iam.Role(this, `${id}Role`, {
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

  /** Serves an HTTP API route with the function (Lambda proxy integration, payload 2.0). */
  serveHttp(api: HttpApi, method: HttpMethod, path: string, authorizer: IHttpRouteAuthorizer): void {
    api.addRoutes({
      path,
      methods: [method],
      integration: new HttpLambdaIntegration(`${this.node.id}Integration`, this.function),
      authorizer,
    });
    this.#wiring.addTrigger({ type: 'http', method, path });
  }

  #setResourceEnvironment(name: string, value: string, resourceId: string): void {
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
