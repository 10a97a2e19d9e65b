import { createHash } from 'node:crypto';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '#infra/build-app.ts';
import { NodeFunction } from '#infra/constructs/node-function.ts';
import { SP_API_NOTIFICATIONS_ACCOUNT } from '#infra/constructs/vendor-ingest.ts';
import {
  actionsOf,
  allStatements,
  configWith,
  isCdkBucketDeployment,
  logicalIdOf,
  nestedTemplatesOf,
  type Statement,
  statementsOfRole,
  synth,
  templateOf,
} from './support.ts';

/** Actions that could shorten, bypass or destroy the archive's Object Lock protection. */
const ARCHIVE_DESTROYING =
  /^(\*|s3:\*|s3:Delete.*|s3:PutObjectRetention|s3:PutObjectLegalHold|s3:BypassGovernanceRetention|s3:PutBucketObjectLockConfiguration|s3:PutLifecycleConfiguration|s3:PutBucketPolicy)$/;

/** DynamoDB actions that change data. */
const DYNAMODB_WRITES = /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems|\*)$/;

describe('functions', () => {
  let built: BuiltApp;
  let template: Template;
  let functions: Record<string, NodeFunction>;

  beforeAll(() => {
    built = synth();
    template = templateOf(built, built.stateless);
    const { vendorIngest, consoleApi } = built.stateless;
    functions = {
      PullPurchaseOrders: vendorIngest.pullPurchaseOrders,
      PullPurchaseOrderStatus: vendorIngest.pullPurchaseOrderStatus,
      HandleCredentialNotification: vendorIngest.handleCredentialNotification,
      ListPurchaseOrders: consoleApi.listPurchaseOrders,
    };
  });

  const statementsOf = (name: string): Statement[] =>
    statementsOfRole(template, logicalIdOf(functions[name]!.role));

  it('are all created through NodeFunction', () => {
    const nodeFunctions = built.stateless.node.findAll().filter((c) => c instanceof NodeFunction);
    expect(
      [template, ...nestedTemplatesOf(built, built.stateless)]
        .flatMap((t) => Object.keys(t.findResources('AWS::Lambda::Function')))
        .filter((id) => !isCdkBucketDeployment(id))
        .sort(),
    ).toEqual(nodeFunctions.map((fn) => logicalIdOf(fn.function)).sort());
    expect(nodeFunctions).toEqual(expect.arrayContaining(Object.values(functions)));
  });

  it('run Node.js 24 on arm64 with active tracing, JSON logs into their own log group, and source maps', () => {
    for (const fn of Object.values(functions)) {
      const logGroup = logicalIdOf(fn.logGroup);
      template.hasResource('AWS::Lambda::Function', {
        Properties: Match.objectLike({
          Role: { 'Fn::GetAtt': [logicalIdOf(fn.role), 'Arn'] },
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          TracingConfig: { Mode: 'Active' },
          MemorySize: 512,
          LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logGroup } },
          Environment: {
            Variables: Match.objectLike({
              NODE_OPTIONS: '--enable-source-maps',
              POWERTOOLS_SERVICE_NAME: Match.stringLikeRegexp('^(vendor-ingest|console-api)$'),
              POWERTOOLS_METRICS_NAMESPACE: 'Acorn',
            }),
          },
        }),
      });
      expect(template.toJSON().Resources[logGroup].Properties).toMatchObject({ RetentionInDays: 90 });
    }
  });

  it('have no AWS-managed policy and may only write their own log group', () => {
    for (const [name, fn] of Object.entries(functions)) {
      const role = template.toJSON().Resources[logicalIdOf(fn.role)];
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      const logs = statementsOf(name).filter((s) => actionsOf([s]).some((a) => a.startsWith('logs:')));
      expect(logs).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logicalIdOf(fn.logGroup), 'Arn'] },
        },
      ]);
    }
  });

  it('send failed asynchronous invocations to their dead-letter queue after two retries', () => {
    // The scheduled pulls are invoked asynchronously; a queue consumer and an HTTP route are not.
    for (const name of ['PullPurchaseOrders', 'PullPurchaseOrderStatus']) {
      const fn = functions[name]!;
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: logicalIdOf(fn.function) },
        MaximumRetryAttempts: 2,
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(fn.deadLetterQueue), 'Arn'] } },
        },
      });
      expect(template.toJSON().Resources[logicalIdOf(fn.deadLetterQueue)].Properties).toMatchObject({
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
    }
    const configured = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig')).map(
      (r) => r.Properties.FunctionName,
    );
    for (const name of ['HandleCredentialNotification', 'ListPurchaseOrders']) {
      expect(configured).not.toContainEqual({ Ref: logicalIdOf(functions[name]!.function) });
    }
    // One dead-letter queue for a capability's functions.
    expect(functions.PullPurchaseOrders!.deadLetterQueue).toBe(
      functions.PullPurchaseOrderStatus!.deadLetterQueue,
    );
  });

  it('compresses large JSON settings, and refuses an environment still over the 4 KB Lambda limit, naming the function', () => {
    const vendor = (code: string) => ({
      vendorCode: code,
      spApiAccount: 'example-eu',
      marketplaces: ['DE', 'FR', 'IT', 'ES', 'NL', 'PL', 'SE', 'BE'],
    });
    // Forty vendors used to overflow the plain JSON; compressed they fit.
    const forty = Array.from({ length: 40 }, (_, i) => vendor(`VENDOR${String(i).padStart(3, '0')}`));
    expect(() => synth({ config: configWith({ vendors: forty }) })).not.toThrow();
    // Codes that do not compress: a thousand vendors are beyond what compression saves.
    const codes = Array.from({ length: 1000 }, (_, i) =>
      createHash('sha256').update(String(i)).digest('hex').slice(0, 10).toUpperCase(),
    );
    expect(() => synth({ config: configWith({ vendors: codes.map(vendor) }) })).toThrow(
      /VendorIngest\/PullPurchaseOrders is about \d+ bytes; Lambda allows 4096/,
    );
  });

  it('cap each scheduled pull at one concurrent run', () => {
    for (const name of ['PullPurchaseOrders', 'PullPurchaseOrderStatus']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Role: { 'Fn::GetAtt': [logicalIdOf(functions[name]!.role), 'Arn'] },
        Timeout: 300,
        ReservedConcurrentExecutions: 1,
      });
    }
  });

  describe('least privilege', () => {
    it('lets the pulls read but not write the SP-API credentials', () => {
      for (const name of ['PullPurchaseOrders', 'PullPurchaseOrderStatus']) {
        const actions = actionsOf(statementsOf(name));
        expect(actions).toContain('secretsmanager:GetSecretValue');
        expect(actions.filter((a) => a.startsWith('secretsmanager:'))).toEqual([
          'secretsmanager:GetSecretValue',
        ]);
      }
    });

    it('lets HandleCredentialNotification write new versions of that one secret only', () => {
      const secretStatements = statementsOf('HandleCredentialNotification').filter((s) =>
        actionsOf([s]).some((a) => a.startsWith('secretsmanager:')),
      );
      expect(secretStatements).toEqual([
        {
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
          Resource: { 'Fn::ImportValue': expect.stringMatching(/SpApiCredentials/) },
        },
      ]);
    });

    it('gives ListPurchaseOrders read-only access to the table and nothing else', () => {
      const actions = actionsOf(statementsOf('ListPurchaseOrders'));
      expect(actions.filter((a) => DYNAMODB_WRITES.test(a))).toEqual([]);
      expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual([
        'dynamodb:BatchGetItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:DescribeTable',
        'dynamodb:GetItem',
        'dynamodb:Query',
      ]);
      expect(actions.filter((a) => /^(events|secretsmanager|s3):/.test(a))).toEqual([]);
      expect(actions.filter((a) => a.startsWith('kms:')).sort()).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    });

    it('grants the table and its two indexes by name, never index/*', () => {
      for (const name of Object.keys(functions)) {
        const table = statementsOf(name).find((s) => actionsOf([s]).includes('dynamodb:GetItem'));
        const resources = JSON.stringify(table?.Resource);
        expect(resources).toContain('/index/gsi1');
        expect(resources).toContain('/index/gsi2');
        expect(resources).not.toContain('index/*');
      }
    });

    it('uses the key only through DynamoDB, Secrets Manager and S3 (S3: for the bound bucket only)', () => {
      for (const name of Object.keys(functions)) {
        for (const statement of statementsOf(name).filter((s) =>
          actionsOf([s]).some((a) => a.startsWith('kms:')),
        )) {
          const { StringEquals, StringLike, ...others } = statement.Condition as Record<
            string,
            Record<string, unknown> | undefined
          >;
          expect(StringEquals).toEqual({
            'kms:ViaService': expect.stringMatching(
              /^(dynamodb|secretsmanager|s3)\.eu-west-1\.amazonaws\.com$/,
            ),
          });
          const s3 = String(StringEquals?.['kms:ViaService']).startsWith('s3.');
          expect(StringLike === undefined ? [] : Object.keys(StringLike)).toEqual(
            s3 ? ['kms:EncryptionContext:aws:s3:arn'] : [],
          );
          expect(others).toEqual({});
        }
      }
    });

    it('lets ingest put events on the acorn bus only', () => {
      for (const name of ['PullPurchaseOrders', 'PullPurchaseOrderStatus', 'HandleCredentialNotification']) {
        const putEvents = statementsOf(name).filter((s) => actionsOf([s]).includes('events:PutEvents'));
        expect(putEvents).toEqual([
          {
            Effect: 'Allow',
            Action: 'events:PutEvents',
            Resource: { 'Fn::ImportValue': expect.stringMatching(/EventBus.*Arn/) },
          },
        ]);
      }
    });

    it('gives no function a way to delete, unlock or re-lifecycle archive objects', () => {
      const statements = [
        ...[template, ...nestedTemplatesOf(built, built.stateless)].flatMap(allStatements),
        ...allStatements(templateOf(built, built.stateful)),
      ];
      expect(actionsOf(statements).filter((a) => ARCHIVE_DESTROYING.test(a))).toEqual([]);
    });

    it('uses no wildcard action', () => {
      const wildcards = actionsOf(
        [template, ...nestedTemplatesOf(built, built.stateless)].flatMap(allStatements),
      ).filter((a) => a.includes('*'));
      expect(wildcards).toEqual([]);
    });
  });

  describe('schedules', () => {
    it('invoke each pull on the configured expression, with retries and the dead-letter queue', () => {
      const config = configWith({
        schedules: { pullPurchaseOrders: 'cron(0/10 * * * ? *)', pullPurchaseOrderStatus: 'rate(2 hours)' },
      });
      const custom = synth({ config });
      const customTemplate = templateOf(custom, custom.stateless);
      const ingest = custom.stateless.vendorIngest;

      for (const [fn, expression] of [
        [ingest.pullPurchaseOrders, 'cron(0/10 * * * ? *)'],
        [ingest.pullPurchaseOrderStatus, 'rate(2 hours)'],
      ] as const) {
        customTemplate.hasResourceProperties('AWS::Scheduler::Schedule', {
          ScheduleExpression: expression,
          FlexibleTimeWindow: { Mode: 'OFF' },
          State: 'ENABLED',
          Target: {
            Arn: { 'Fn::GetAtt': [logicalIdOf(fn.function), 'Arn'] },
            Input: '{}',
            RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf(fn.deadLetterQueue), 'Arn'] } },
            RoleArn: Match.anyValue(),
          },
        });
      }
    });

    it('use the example configuration expressions, one schedule per pull', () => {
      const ingest = built.stateless.vendorIngest;
      const expressionsOf = (fn: NodeFunction) =>
        Object.values(
          template.findResources('AWS::Scheduler::Schedule', {
            Properties: { Target: { Arn: { 'Fn::GetAtt': [logicalIdOf(fn.function), 'Arn'] } } },
          }),
        ).map((schedule) => schedule.Properties.ScheduleExpression);

      expect(expressionsOf(ingest.pullPurchaseOrders)).toEqual(['rate(15 minutes)']);
      expect(expressionsOf(ingest.pullPurchaseOrderStatus)).toEqual(['rate(1 hour)']);
    });
  });

  describe('credential notifications queue', () => {
    let queueId: string;
    beforeAll(() => {
      queueId = logicalIdOf(built.stateless.vendorIngest.credentialNotificationsQueue);
    });

    it('lets SP-API send to it, and nobody without TLS', () => {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            {
              Sid: 'SellingPartnerApiNotifications',
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${SP_API_NOTIFICATIONS_ACCOUNT}:root` },
              Action: ['sqs:GetQueueAttributes', 'sqs:SendMessage'],
              Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
            },
          ]),
        },
      });
    });

    it('uses SQS-managed encryption (a customer key would shut out Amazon) and a dead-letter queue', () => {
      const queue = template.toJSON().Resources[queueId].Properties;
      expect(queue).toMatchObject({ SqsManagedSseEnabled: true, VisibilityTimeout: 360 });
      expect(queue).not.toHaveProperty('KmsMasterKeyId');
      expect(queue.RedrivePolicy).toEqual({
        deadLetterTargetArn: {
          'Fn::GetAtt': [
            logicalIdOf(built.stateless.vendorIngest.credentialNotificationsDeadLetterQueue),
            'Arn',
          ],
        },
        maxReceiveCount: 5,
      });
    });

    it('feeds HandleCredentialNotification one message at a time, reporting failures per message', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: {
          Ref: logicalIdOf(built.stateless.vendorIngest.handleCredentialNotification.function),
        },
        EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
        BatchSize: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 2 },
      });
    });
  });

  describe('console API', () => {
    it('routes GET /api/purchase-orders to ListPurchaseOrders behind the Cognito JWT authorizer', () => {
      const integrations = template.findResources('AWS::ApiGatewayV2::Integration', {
        Properties: {
          IntegrationType: 'AWS_PROXY',
          IntegrationUri: {
            'Fn::GetAtt': [logicalIdOf(built.stateless.consoleApi.listPurchaseOrders.function), 'Arn'],
          },
        },
      });
      const [integrationId] = Object.keys(integrations);

      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: 'GET /api/purchase-orders',
        AuthorizationType: 'JWT',
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] },
      });
    });

    it('logs every request as JSON and throttles the stage', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        AccessLogSettings: {
          DestinationArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
          Format: Match.serializedJson(
            Match.objectLike({ requestId: '$context.requestId', status: '$context.status' }),
          ),
        },
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      });
    });

    it('outputs the API URL and the credential queue URL and ARN', () => {
      template.hasOutput('ApiUrl', {});
      template.hasOutput('CredentialNotificationsQueueUrl', {});
      template.hasOutput('CredentialNotificationsQueueArn', {});
    });
  });
});
