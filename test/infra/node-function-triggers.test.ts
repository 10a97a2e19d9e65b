import { Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpApi, HttpMethod, HttpNoneAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NAG_PLUGIN } from '#infra/constructs/nag.ts';
import { NodeFunction } from '#infra/constructs/node-function.ts';
import { Wiring } from '#infra/constructs/wiring.ts';
import { DATASETS_PREFIX, DOCUMENTS_PREFIX, StatefulStack } from '#infra/stacks/stateful-stack.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '#shared/events.ts';
import type { WiringFunction, WiringManifest } from '#shared/wiring.ts';
import {
  actionsOf,
  exampleConfig,
  logicalIdOf,
  type NagReport,
  readNagReport,
  type Statement,
  statementsOfRole,
  testApp,
} from './support.ts';
import { SynthesizedWiring } from './wiring-check.ts';

const ENTRY = 'functions/console-api/list-purchase-orders.ts';
const ENV = { account: '111111111111', region: 'eu-west-1' };

/** Anything that could delete, unlock or shorten the protection of an Object-Locked object. */
const ARCHIVE_FORBIDDEN =
  /\*|^s3:Delete|^s3:PutObjectRetention$|^s3:PutObjectLegalHold$|^s3:BypassGovernanceRetention$|^s3:PutBucket|^s3:PutLifecycleConfiguration$/;

const RECEIVED_PATTERN = {
  source: [EVENT_SOURCE.vendorIngest],
  detailType: [DETAIL_TYPE.purchaseOrderReceived],
  detail: { vendorCode: [{ prefix: 'ACME' }] },
};

/** The real stateful stack, and next to it a stack of probe functions using each new method. */
function buildProbe() {
  const app = testApp();
  const stateful = new StatefulStack(app, 'probe-stateful', { env: ENV, config: exampleConfig() });
  const stack = new Stack(app, 'probe-functions', { env: ENV });
  const probe = (id: string) => new NodeFunction(stack, id, { entry: ENTRY, serviceName: 'probe' });

  // Archives documents as a purchase order arrives.
  const archiver = probe('Archiver');
  archiver.bindBucket('ARCHIVE_BUCKET_NAME', stateful.archiveBucket, 'write', { prefix: DOCUMENTS_PREFIX });
  archiver.onEvent('OnPurchaseOrderReceived', stateful.eventBus, RECEIVED_PATTERN);

  // Imports Vendor Central returns dropped in the inbox.
  const importer = probe('ReturnsImporter');
  importer.onInboxObject('ReturnsExport', stateful.inboxBucket, 'returns/', { retryAttempts: 5 });

  // Reads the whole archive and rewrites datasets.
  const reporter = probe('Reporter');
  reporter.bindBucket('ARCHIVE_BUCKET_NAME', stateful.archiveBucket, 'read');
  reporter.bindBucket('ARCHIVE_BUCKET_NAME', stateful.archiveBucket, 'readWrite', {
    prefix: DATASETS_PREFIX,
  });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  const assembly = app.synth();
  const template = Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template);
  return { app, stateful, stack, assembly, template, archiver, importer, reporter };
}

describe('NodeFunction bucket bindings, bus rules and inbox triggers', () => {
  let probe: ReturnType<typeof buildProbe>;
  let manifest: WiringManifest;
  let template: Template;
  let nag: NagReport;

  beforeAll(() => {
    // cdk-nag runs in this synthesis: an unacknowledged error would throw here.
    probe = buildProbe();
    template = probe.template;
    manifest = Wiring.of(probe.app).manifest();
    nag = readNagReport(probe.assembly.directory);
  });

  const statementsOf = (fn: NodeFunction): Statement[] => statementsOfRole(template, logicalIdOf(fn.role));
  const functionOf = (id: string): WiringFunction => {
    const fn = manifest.functions.find((f) => f.id === id);
    if (!fn) throw new Error(`${id} is not in the manifest`);
    return fn;
  };
  /** The probe stack's import of a stateful resource's name (`Ref`) or ARN. */
  const importOf = (construct: IConstruct, attribute: 'Ref' | 'Arn') => {
    const id = logicalIdOf(construct);
    const value = attribute === 'Ref' ? { Ref: id } : { 'Fn::GetAtt': [id, 'Arn'] };
    const outputs = probe.assembly.getStackArtifact(probe.stateful.artifactId).template.Outputs as Record<
      string,
      { Value: unknown; Export?: { Name: string } }
    >;
    const output = Object.values(outputs).find(
      (o) => o.Export && JSON.stringify(o.Value) === JSON.stringify(value),
    );
    if (!output?.Export) throw new Error(`${construct.node.path} ${attribute} is not exported`);
    return { 'Fn::ImportValue': output.Export.Name };
  };
  const objectsUnder = (bucket: IConstruct, prefix: string) => ({
    'Fn::Join': ['', [importOf(bucket, 'Arn'), `/${prefix}*`]],
  });

  describe('onEvent', () => {
    it('deploys a rule on the bus with the EventBridge spelling of the pattern', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: importOf(probe.stateful.eventBus, 'Ref'),
        EventPattern: {
          source: ['acorn.vendor-ingest'],
          'detail-type': ['PurchaseOrderReceived'],
          detail: { vendorCode: [{ prefix: 'ACME' }] },
        },
        State: 'ENABLED',
      });
    });

    it('targets the function with EventBridge retries and the function dead-letter queue', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: Match.objectLike({ source: ['acorn.vendor-ingest'] }),
        Targets: [
          {
            Id: Match.anyValue(),
            Arn: { 'Fn::GetAtt': [logicalIdOf(probe.archiver.function), 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf(probe.archiver.deadLetterQueue), 'Arn'] } },
          },
        ],
      });
    });

    it('lets only that rule invoke the function and write to its dead-letter queue', () => {
      const [ruleId] = Object.keys(
        template.findResources('AWS::Events::Rule', {
          Properties: { EventPattern: Match.objectLike({ source: ['acorn.vendor-ingest'] }) },
        }),
      );
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [logicalIdOf(probe.archiver.function), 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalIdOf(probe.archiver.deadLetterQueue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
            }),
          ]),
        },
      });
    });

    it('records a rule trigger with the bus id and the pattern exactly as deployed', () => {
      expect(functionOf('Archiver').triggers).toEqual([
        {
          type: 'rule',
          id: 'OnPurchaseOrderReceived',
          bus: 'EventBus',
          pattern: {
            source: ['acorn.vendor-ingest'],
            'detail-type': ['PurchaseOrderReceived'],
            detail: { vendorCode: [{ prefix: 'ACME' }] },
          },
        },
      ]);
    });
  });

  describe('onInboxObject', () => {
    it('deploys a rule on the default bus for Object Created under the prefix of the inbox bucket', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: Match.absent(),
        EventPattern: {
          source: ['aws.s3'],
          'detail-type': ['Object Created'],
          detail: {
            bucket: { name: [importOf(probe.stateful.inboxBucket, 'Ref')] },
            object: { key: [{ prefix: 'returns/' }] },
          },
        },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [logicalIdOf(probe.importer.function), 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf(probe.importer.deadLetterQueue), 'Arn'] } },
          }),
        ],
      });
    });

    it('lets the function read the inbox under the prefix only, decrypting through S3 only', () => {
      const s3AndKms = statementsOf(probe.importer).filter((s) =>
        actionsOf([s]).some((a) => /^(s3|kms):/.test(a)),
      );
      expect(s3AndKms).toEqual([
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: objectsUnder(probe.stateful.inboxBucket, 'returns/'),
        },
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: importOf(probe.stateful.inboxBucket, 'Arn'),
          Condition: { StringLike: { 's3:prefix': ['returns/*'] } },
        },
        {
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: importOf(probe.stateful.dataKey, 'Arn'),
          Condition: {
            StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' },
            StringLike: {
              'kms:EncryptionContext:aws:s3:arn': [
                importOf(probe.stateful.inboxBucket, 'Arn'),
                objectsUnder(probe.stateful.inboxBucket, 'returns/'),
              ],
            },
          },
        },
      ]);
    });

    it('records an inbox trigger and INBOX_BUCKET_NAME as the registered bucket', () => {
      const fn = functionOf('ReturnsImporter');
      expect(fn.triggers).toEqual([{ type: 'inbox', bucket: 'InboxBucket', prefix: 'returns/' }]);
      expect(fn.environment.INBOX_BUCKET_NAME).toEqual({ resource: 'InboxBucket' });
    });

    it('refuses a bucket that sends no events to EventBridge', () => {
      const app = testApp();
      const stateful = new StatefulStack(app, 'probe-stateful', { env: ENV, config: exampleConfig() });
      const fn = new NodeFunction(new Stack(app, 'probe-functions', { env: ENV }), 'Importer', {
        entry: ENTRY,
        serviceName: 'probe',
      });
      fn.onInboxObject('FromArchive', stateful.archiveBucket, 'returns/');

      expect(() => app.synth()).toThrow(/ArchiveBucket sends no events to EventBridge/);
    });
  });

  describe('bindBucket', () => {
    it('lets a writer of the archive put objects under its prefix and nothing else', () => {
      const s3AndKms = statementsOf(probe.archiver).filter((s) =>
        actionsOf([s]).some((a) => /^(s3|kms):/.test(a)),
      );
      expect(actionsOf(s3AndKms).sort()).toEqual(['kms:GenerateDataKey', 's3:PutObject']);
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: logicalIdOf(probe.archiver.role) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Action: 's3:PutObject',
              Resource: objectsUnder(probe.stateful.archiveBucket, DOCUMENTS_PREFIX),
            },
            {
              Effect: 'Allow',
              Action: 'kms:GenerateDataKey',
              Resource: Match.anyValue(),
              Condition: {
                StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' },
                StringLike: {
                  'kms:EncryptionContext:aws:s3:arn': [
                    importOf(probe.stateful.archiveBucket, 'Arn'),
                    objectsUnder(probe.stateful.archiveBucket, DOCUMENTS_PREFIX),
                  ],
                },
              },
            },
          ]),
        },
      });
    });

    it('grants read on every key, and read and write on a prefix, with listing scoped the same way', () => {
      const statements = statementsOf(probe.reporter);
      const archive = probe.stateful.archiveBucket;
      const objectStatements = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('s3:')));
      expect(objectStatements).toEqual([
        { Effect: 'Allow', Action: 's3:GetObject', Resource: objectsUnder(archive, '') },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: importOf(archive, 'Arn') },
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject'],
          Resource: objectsUnder(archive, DATASETS_PREFIX),
        },
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: importOf(archive, 'Arn'),
          Condition: { StringLike: { 's3:prefix': [`${DATASETS_PREFIX}*`] } },
        },
      ]);
      expect(
        actionsOf(statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('kms:')))).sort(),
      ).toEqual(['kms:Decrypt', 'kms:Decrypt', 'kms:GenerateDataKey']);
    });

    it('gives no function role a way to delete, unlock or re-lifecycle archive objects', () => {
      const archive = logicalIdOf(probe.stateful.archiveBucket);
      const onArchive = Object.values(template.findResources('AWS::IAM::Policy'))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
        .filter((s) => JSON.stringify(s.Resource).includes(archive));

      expect(onArchive.length).toBeGreaterThan(0);
      expect(actionsOf(onArchive).filter((a) => ARCHIVE_FORBIDDEN.test(a))).toEqual([]);
    });

    it('records the bucket name as the registered bucket, once per variable', () => {
      expect(functionOf('Archiver').environment.ARCHIVE_BUCKET_NAME).toEqual({ resource: 'ArchiveBucket' });
      expect(functionOf('Reporter').environment.ARCHIVE_BUCKET_NAME).toEqual({ resource: 'ArchiveBucket' });
    });

    it('refuses one variable for two buckets, a wildcard in a prefix and an unregistered bucket', () => {
      const app = testApp();
      const stateful = new StatefulStack(app, 'probe-stateful', { env: ENV, config: exampleConfig() });
      const stack = new Stack(app, 'probe-functions', { env: ENV });
      const fn = new NodeFunction(stack, 'Probe', { entry: ENTRY, serviceName: 'probe' });
      fn.bindBucket('BUCKET_NAME', stateful.archiveBucket, 'read');

      expect(() => fn.bindBucket('BUCKET_NAME', stateful.inboxBucket, 'read')).toThrow(
        /BUCKET_NAME is already bound to ArchiveBucket/,
      );
      expect(() => fn.bindBucket('OTHER_NAME', stateful.archiveBucket, 'read', { prefix: 'a/*' })).toThrow(
        /key prefix must be a literal/,
      );
      expect(() => fn.bindBucket('LOGS_BUCKET_NAME', new s3.Bucket(stack, 'Unregistered'), 'read')).toThrow(
        /is not registered in the wiring manifest/,
      );
    });
  });

  it('refuses an event pattern holding a deploy-time value, which the local runtime could not match', () => {
    const app = testApp();
    const stateful = new StatefulStack(app, 'probe-stateful', { env: ENV, config: exampleConfig() });
    const fn = new NodeFunction(new Stack(app, 'probe-functions', { env: ENV }), 'Probe', {
      entry: ENTRY,
      serviceName: 'probe',
    });

    expect(() =>
      fn.onEvent('ByBucket', stateful.eventBus, { detail: { bucket: [stateful.archiveBucket.bucketName] } }),
    ).toThrow(/event pattern must be literal/);
    expect(() => fn.onEvent('Anything', stateful.eventBus, {})).toThrow(/at least one field/);
  });

  it('writes a manifest that matches the templates, rules and inbox triggers included', () => {
    const synthesized = new SynthesizedWiring(probe.app, probe.assembly, [probe.stateful, probe.stack]);
    for (const fn of manifest.functions) {
      synthesized.expectEnvironmentMatches(fn);
      synthesized.expectTriggersMatch(fn);
    }
  });

  describe('cdk-nag', () => {
    it('reports no unacknowledged finding', () => {
      expect(
        nag.violations.map(
          (v) => `${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`,
        ),
      ).toEqual([]);
      expect(nag.conclusion).toBe('success');
    });

    it('acknowledges each object ARN pattern on the role that holds it, by its granular id', () => {
      const objectPatterns = (nag.suppressedViolations ?? [])
        .filter((s) => s.acknowledgedId.includes('ExportsOutputFnGetAtt'))
        .map((s) => `${s.acknowledgedId.slice(`${NAG_PLUGIN}::`.length)} @ ${s.acknowledgedAt}`)
        .sort();
      const archive = `probe-stateful:ExportsOutputFnGetAtt${logicalIdOf(probe.stateful.archiveBucket)}Arn`;
      const inbox = `probe-stateful:ExportsOutputFnGetAtt${logicalIdOf(probe.stateful.inboxBucket)}Arn`;

      expect(objectPatterns).toEqual([
        expect.stringMatching(
          new RegExp(`^AwsSolutions-IAM5\\[Resource::${archive}\\w+/\\*\\] @ probe-functions/Reporter/Role$`),
        ),
        expect.stringMatching(
          new RegExp(
            `^AwsSolutions-IAM5\\[Resource::${archive}\\w+/datasets/\\*\\] @ probe-functions/Reporter/Role$`,
          ),
        ),
        expect.stringMatching(
          new RegExp(
            `^AwsSolutions-IAM5\\[Resource::${archive}\\w+/documents/\\*\\] @ probe-functions/Archiver/Role$`,
          ),
        ),
        expect.stringMatching(
          new RegExp(
            `^AwsSolutions-IAM5\\[Resource::${inbox}\\w+/returns/\\*\\] @ probe-functions/ReturnsImporter/Role$`,
          ),
        ),
      ]);
    });
  });
});

describe('NodeFunction HTTP routes', () => {
  function apiStack() {
    const app = testApp();
    const stack = new Stack(app, 'probe-http', { env: ENV });
    const api = new HttpApi(stack, 'Api');
    const fn = new NodeFunction(stack, 'Receiver', { entry: ENTRY, serviceName: 'probe' });
    return { app, stack, api, fn };
  }

  it('refuses a route without an authorizer unless it names the check its handler makes', () => {
    const { api, fn } = apiStack();
    expect(() => fn.serveHttp(api, HttpMethod.POST, '/hooks', new HttpNoneAuthorizer())).toThrow(
      /POST \/hooks has no authorizer; serve it with serveSelfAuthenticatedHttp/,
    );
  });

  it('records a token-free route with its check, and acknowledges APIG4 on that route only', () => {
    const { app, stack, api, fn } = apiStack();
    fn.serveSelfAuthenticatedHttp(api, HttpMethod.POST, '/hooks', {
      verifiedBy: 'WebhookSignatureError',
      reason: 'The sender signs each body with a shared secret, checked first.',
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /hooks',
      AuthorizationType: 'NONE',
    });
    const triggers = Wiring.of(app)
      .manifest()
      .functions.flatMap((f) => f.triggers);
    expect(triggers).toContainEqual({
      type: 'http',
      method: 'POST',
      path: '/hooks',
      authorization: 'none',
      verifiedBy: 'WebhookSignatureError',
    });
    const route = api.node.tryFindChild('POST--hooks');
    const acknowledged = route?.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.keys(m.data as Record<string, string>));
    expect(acknowledged).toEqual([`${NAG_PLUGIN}::AwsSolutions-APIG4`]);
  });
});
