import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '#infra/build-app.ts';
import { glueDatabaseName } from '#infra/constructs/analytics.ts';
import { loadNamedQueries, NAMED_QUERIES_DIR } from '#infra/named-queries.ts';
import { QUERY_RESULTS_DAYS } from '#infra/stacks/stateful-stack.ts';
import { DATASET_LIST, glueType } from '#shared/domain/archive/datasets.ts';
import {
  actionsOf,
  configWith,
  logicalIdOf,
  type Statement,
  stackTemplateOf,
  statementsOfRole,
  synth,
  templateOf,
} from './support.ts';

/** Actions that could change, shorten the retention of, or destroy archive objects. */
const ARCHIVE_DESTROYING =
  /^(\*|s3:\*|s3:Delete.*|s3:PutObjectRetention|s3:PutObjectLegalHold|s3:BypassGovernanceRetention|s3:PutBucketObjectLockConfiguration|s3:PutLifecycleConfiguration|s3:PutBucketPolicy)$/;

describe('analytics', () => {
  let built: BuiltApp;
  let template: Template;
  let stateful: Template;
  let archiveArn: unknown;

  beforeAll(() => {
    built = synth();
    template = stackTemplateOf(built, built.stateless.analytics);
    stateful = templateOf(built, built.stateful);
    archiveArn = { 'Fn::ImportValue': expect.stringMatching(/ArchiveBucket.*Arn/) };
  });

  describe('Glue catalog', () => {
    it('creates the deployment database and one external Parquet table per dataset, no crawler', () => {
      template.hasResourceProperties('AWS::Glue::Database', {
        DatabaseInput: { Name: glueDatabaseName('acorn-example') },
      });
      template.resourceCountIs('AWS::Glue::Table', DATASET_LIST.length);
      template.resourceCountIs('AWS::Glue::Crawler', 0);
      for (const dataset of DATASET_LIST) {
        template.hasResourceProperties('AWS::Glue::Table', {
          DatabaseName: 'acorn_example_archive',
          TableInput: Match.objectLike({
            Name: dataset.name,
            TableType: 'EXTERNAL_TABLE',
            PartitionKeys: dataset.partitionKeys.map((key) =>
              Match.objectLike({ Name: key, Type: 'string' }),
            ),
            StorageDescriptor: Match.objectLike({
              Columns: dataset.columns.map((c) => ({
                Name: c.name,
                Type: glueType(c.type),
                Comment: c.comment,
              })),
              InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
              SerdeInfo: Match.objectLike({
                SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
              }),
            }),
          }),
        });
      }
    });

    it('projects the partitions: dates over the retention, the configured marketplaces, the layout path', () => {
      const tables = Object.values(template.findResources('AWS::Glue::Table'));
      const byName = new Map(
        tables.map((t) => [t.Properties.TableInput.Name as string, t.Properties.TableInput]),
      );

      const orders = byName.get('purchase_orders');
      expect(orders.Parameters).toMatchObject({
        classification: 'parquet',
        'projection.enabled': 'true',
        'projection.dt.type': 'date',
        'projection.dt.format': 'yyyy-MM-dd',
        'projection.dt.range': 'NOW-548DAYS,NOW+1DAYS',
        'projection.marketplace.type': 'enum',
        'projection.marketplace.values': 'CA,DE,ES,FR,IT,UK,US',
      });
      expect(JSON.stringify(orders.Parameters['storage.location.template'])).toMatch(
        /\/datasets\/purchase_orders\/marketplace=\$\{marketplace\}\/dt=\$\{dt\}\/"/,
      );
      const snapshots = byName.get('inventory_snapshots');
      expect(snapshots.PartitionKeys).toEqual([{ Name: 'dt', Type: 'string', Comment: expect.any(String) }]);
      expect(snapshots.Parameters).toMatchObject({
        'projection.enabled': 'true',
        'projection.dt.type': 'date',
        'projection.dt.range': 'NOW-548DAYS,NOW+1DAYS',
      });
      expect(snapshots.Parameters).not.toHaveProperty('projection.marketplace.type');
      expect(JSON.stringify(snapshots.Parameters['storage.location.template'])).toMatch(
        /\/datasets\/inventory_snapshots\/dt=\$\{dt\}\/"/,
      );
      expect(
        snapshots.StorageDescriptor.Columns.filter((c: { Name: string }) =>
          ['on_hand', 'revision', 'updated_at', 'amazon_available'].includes(c.Name),
        ).map((c: { Name: string; Type: string }) => `${c.Name}:${c.Type}`),
      ).toEqual(['revision:int', 'updated_at:timestamp', 'on_hand:bigint', 'amazon_available:bigint']);
      const auditEvents = byName.get('audit_events');
      expect(auditEvents.Parameters).not.toHaveProperty('projection.marketplace.type');
      expect(JSON.stringify(auditEvents.Parameters['storage.location.template'])).toMatch(
        /\/datasets\/audit_events\/dt=\$\{dt\}\/"/,
      );
    });
  });

  describe('Athena workgroup', () => {
    it('enforces its settings, encrypts results with the data key and cuts off each query at the configured scan', () => {
      template.hasResourceProperties('AWS::Athena::WorkGroup', {
        Name: 'acorn-example-analytics',
        State: 'ENABLED',
        WorkGroupConfiguration: {
          EnforceWorkGroupConfiguration: true,
          PublishCloudWatchMetricsEnabled: true,
          BytesScannedCutoffPerQuery: 1024 * 1024 * 1024,
          EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
          ResultConfiguration: {
            OutputLocation: {
              'Fn::Join': [
                '',
                ['s3://', { 'Fn::ImportValue': Match.stringLikeRegexp('QueryResultsBucket') }, '/athena/'],
              ],
            },
            EncryptionConfiguration: {
              EncryptionOption: 'SSE_KMS',
              KmsKey: { 'Fn::ImportValue': Match.stringLikeRegexp('DataKey.*Arn') },
            },
            ExpectedBucketOwner: Match.anyValue(),
          },
        },
      });
    });

    it('takes the scan cutoff from the configuration', () => {
      const custom = synth({
        config: configWith({
          archive: {
            retentionDays: 730,
            objectLockMode: 'COMPLIANCE',
            coldStorageAfterDays: 90,
            maxScannedMbPerQuery: 50,
          },
        }),
      });
      const customTemplate = stackTemplateOf(custom, custom.stateless.analytics);
      customTemplate.hasResourceProperties('AWS::Athena::WorkGroup', {
        WorkGroupConfiguration: Match.objectLike({ BytesScannedCutoffPerQuery: 50 * 1024 * 1024 }),
      });
      customTemplate.hasResourceProperties('AWS::Glue::Table', {
        TableInput: Match.objectLike({
          Parameters: Match.objectLike({ 'projection.dt.range': 'NOW-730DAYS,NOW+1DAYS' }),
        }),
      });
    });

    it('has the inventory named queries, their bodies the .sql files', () => {
      for (const name of ['stock_position_at', 'oversell_exposure']) {
        const sql = readFileSync(join(NAMED_QUERIES_DIR, `${name}.sql`), 'utf8');
        template.hasResourceProperties('AWS::Athena::NamedQuery', {
          Name: name,
          Database: 'acorn_example_archive',
          QueryString: sql,
        });
      }
    });

    it('has one named query per analytics/queries file, its body the file itself', () => {
      const files = loadNamedQueries();
      expect(files.length).toBeGreaterThanOrEqual(5);
      template.resourceCountIs('AWS::Athena::NamedQuery', files.length);
      const workGroup = logicalIdOf(built.stateless.analytics.workGroup);
      for (const query of files) {
        template.hasResourceProperties('AWS::Athena::NamedQuery', {
          Name: query.name,
          Database: 'acorn_example_archive',
          WorkGroup: { Ref: workGroup },
          QueryString: query.sql,
          Description: query.description,
        });
      }
    });
  });

  describe('analyst policy', () => {
    let statements: Statement[];

    beforeAll(() => {
      const policy = template.toJSON().Resources[logicalIdOf(built.stateless.analytics.analystPolicy)];
      expect(policy.Type).toBe('AWS::IAM::ManagedPolicy');
      statements = policy.Properties.PolicyDocument.Statement as Statement[];
    });

    it('can query in the workgroup and read the Glue tables, never change them', () => {
      const actions = actionsOf(statements);
      expect(actions.filter((a) => a.startsWith('glue:'))).toEqual(
        expect.arrayContaining(['glue:GetTable', 'glue:GetPartitions']),
      );
      expect(
        actions.filter((a) => /^glue:(Create|Update|Delete|Batch(Create|Delete|Update))/.test(a)),
      ).toEqual([]);
      expect(actions.filter((a) => /^athena:(Create|Update|Delete)/.test(a))).toEqual([]);
      expect(actions).toContain('athena:StartQueryExecution');
      expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    });

    it('reads the archive and writes nothing to it: no put, delete, retention or legal hold', () => {
      expect(actionsOf(statements).filter((a) => ARCHIVE_DESTROYING.test(a))).toEqual([]);
      const onArchive = statements.filter((s) => JSON.stringify(s.Resource).includes('ArchiveBucket'));
      expect(actionsOf(onArchive).sort()).toEqual([
        's3:GetBucketLocation',
        's3:GetObject',
        's3:GetObjectVersion',
        's3:ListBucket',
      ]);
      // The one write: Athena's results, under athena/ of the results bucket.
      const puts = statements.filter((s) => actionsOf([s]).includes('s3:PutObject'));
      expect(puts).toHaveLength(1);
      expect(JSON.stringify(puts[0]!.Resource)).toMatch(/QueryResultsBucket.*\/athena\/\*/);
    });
  });

  describe('export function', () => {
    it('runs on the configured schedule, by default at minute 5 of every hour', () => {
      const fn = built.stateless.analytics.exportArchive;
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(5 * * * ? *)',
        Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOf(fn.function), 'Arn'] } }),
      });
    });

    it('may only add objects under datasets/ and quarantine/ of the archive, and read the table through its indexes', () => {
      const fn = built.stateless.analytics.exportArchive;
      const statements = statementsOfRole(template, logicalIdOf(fn.role));
      const s3 = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('s3:')));
      expect([...new Set(actionsOf(s3))]).toEqual(['s3:PutObject']);
      expect(s3.flatMap((s) => s.Resource)).toEqual([
        { 'Fn::Join': ['', [archiveArn, '/datasets/*']] },
        { 'Fn::Join': ['', [archiveArn, '/quarantine/*']] },
      ]);
      expect(actionsOf(statements)).not.toContain('dynamodb:Scan');
    });
  });

  describe('stateful parts', () => {
    it('keeps encrypted, logged query results for a limited time', () => {
      stateful.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({
              ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }),
            }),
          ],
        },
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'query-results/' }),
        LifecycleConfiguration: {
          Rules: [Match.objectLike({ ExpirationInDays: QUERY_RESULTS_DAYS, Status: 'Enabled' })],
        },
      });
    });

    it('expires replaced quarantine files once their lock is over, like replaced datasets', () => {
      const archive = stateful.toJSON().Resources[logicalIdOf(built.stateful.archiveBucket)];
      const rules = archive.Properties.LifecycleConfiguration.Rules as Record<string, unknown>[];
      expect(rules).toContainEqual(
        expect.objectContaining({
          Prefix: 'quarantine/',
          NoncurrentVersionExpiration: { NoncurrentDays: 549 },
        }),
      );
      // Only legal documents go to classes Athena cannot read.
      for (const rule of rules.filter((r) => r.Prefix !== 'documents/')) {
        expect(JSON.stringify(rule)).not.toMatch(/DEEP_ARCHIVE|GLACIER"/);
      }
    });
  });
});
