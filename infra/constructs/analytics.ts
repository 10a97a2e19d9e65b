import { Duration, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { RuntimeConfig } from '#shared/config/runtime.ts';
import { DATASET_LIST, type DatasetDefinition, glueType } from '#shared/domain/archive/datasets.ts';
import { DATASETS_PREFIX, datasetPrefix, QUARANTINE_PREFIX } from '#shared/domain/archive/layout.ts';
import { loadNamedQueries, type NamedQuery } from '../named-queries.ts';
import { RUNTIME_CONFIG_ENV } from '../runtime-config.ts';
import { acknowledgeNagWildcardResource } from './nag.ts';
import { NodeFunction } from './node-function.ts';

const SERVICE_NAME = 'archive';

/** Properties of {@link Analytics}. */
export interface AnalyticsProps {
  /** The table the export reads changes from (and keeps its cursor in). */
  readonly table: dynamodb.ITableV2;
  /** The Object-Locked archive: the export adds datasets and quarantine files, never deletes. */
  readonly archiveBucket: s3.IBucket;
  /** Where Athena writes query results, encrypted with `resultsKey`. */
  readonly queryResultsBucket: s3.IBucket;
  /** The key of the archive and of the query results. */
  readonly dataKey: kms.IKey;
  readonly runtimeConfig: RuntimeConfig;
  /** Deployment name (`name` of the configuration): names the Glue database and the workgroup. */
  readonly deploymentName: string;
  /** When the export runs (EventBridge Scheduler expression). */
  readonly exportSchedule: string;
  /** Per-query cutoff of the workgroup, in megabytes scanned. */
  readonly maxScannedMbPerQuery: number;
  /** Object Lock retention: how far back the date partitions are projected. */
  readonly retentionDays: number;
  /**
   * The named queries.
   * @default - every `.sql` file of analytics/queries/
   */
  readonly namedQueries?: readonly NamedQuery[];
}

/** The Glue database of a deployment: `acorn_example_archive` for `acorn-example`. */
export function glueDatabaseName(deploymentName: string): string {
  return `${deploymentName.toLowerCase().replace(/[^a-z0-9]/g, '_')}_archive`;
}

/** Parquet through Hive's SerDe: how Athena reads the dataset files. */
const PARQUET_STORAGE = {
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  serdeInfo: {
    serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
    parameters: { 'serialization.format': '1' },
  },
};

const PARTITION_COMMENTS = {
  marketplace: 'Marketplace code (DE, UK, US, …)',
  dt: 'UTC day, yyyy-mm-dd',
} as const;

/**
 * Archive & analytics (issue 7): the hourly export of the table's changes into the archive's
 * Parquet datasets, the Glue tables over them (partition projection, no crawler), an Athena
 * workgroup with encrypted results, enforced settings and a scan cutoff, the named queries of
 * analytics/queries/, and the analysts' read-only managed policy.
 */
export class Analytics extends Construct {
  /** Writes every complete hour's changes to `datasets/` (and rejects to `quarantine/`). */
  readonly exportArchive: NodeFunction;
  readonly databaseName: string;
  readonly database: glue.CfnDatabase;
  /** One Glue table per dataset, by dataset name. */
  readonly tables: ReadonlyMap<string, glue.CfnTable>;
  readonly workGroup: athena.CfnWorkGroup;
  readonly namedQueries: readonly athena.CfnNamedQuery[];
  /** Attach to the analysts' role or group: query and read, never write to or delete from the archive. */
  readonly analystPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: AnalyticsProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.exportArchive = new NodeFunction(this, 'ExportArchive', {
      entry: 'functions/archive/export-archive.ts',
      serviceName: SERVICE_NAME,
      description: "Writes every complete hour's changes to the archive's Parquet datasets",
      timeout: Duration.minutes(5),
      memorySize: 1024,
      // One export at a time: two would write the same hours twice.
      reservedConcurrentExecutions: 1,
    });
    this.exportArchive.setEnvironment(RUNTIME_CONFIG_ENV, JSON.stringify(props.runtimeConfig));
    // Query through the indexes; the only write is the export's cursor (one conditional update).
    this.exportArchive.bindTable('TABLE_NAME', props.table, 'readWrite');
    this.exportArchive.bindBucket('ARCHIVE_BUCKET_NAME', props.archiveBucket, 'write', {
      prefix: DATASETS_PREFIX,
    });
    this.exportArchive.bindBucket('ARCHIVE_BUCKET_NAME', props.archiveBucket, 'write', {
      prefix: QUARANTINE_PREFIX,
    });
    this.exportArchive.runOnSchedule('Schedule', props.exportSchedule);

    this.databaseName = glueDatabaseName(props.deploymentName);
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: this.databaseName,
        description: `Acorn ${props.deploymentName}: the archive's analytical datasets (docs/archive.md)`,
      },
    });
    const marketplaces = [...new Set(props.runtimeConfig.vendors.flatMap((v) => v.marketplaces))].sort();
    const tables = new Map<string, glue.CfnTable>();
    for (const dataset of DATASET_LIST) {
      const table = this.#table(dataset, props, marketplaces);
      tables.set(dataset.name, table);
    }
    this.tables = tables;

    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: `${props.deploymentName}-analytics`,
      description: `Acorn ${props.deploymentName}: analysts' queries over the archive`,
      state: 'ENABLED',
      workGroupConfiguration: {
        // Clients cannot override the result location, its encryption or the cutoff.
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.maxScannedMbPerQuery * 1024 * 1024,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${props.queryResultsBucket.bucketName}/athena/`,
          expectedBucketOwner: stack.account,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.dataKey.keyArn },
        },
      },
    });

    this.namedQueries = (props.namedQueries ?? loadNamedQueries()).map((query) => {
      const named = new athena.CfnNamedQuery(this, `Query_${query.name}`, {
        name: query.name,
        description: query.description,
        database: this.databaseName,
        workGroup: this.workGroup.ref,
        queryString: query.sql,
      });
      named.addResourceDependency(this.workGroup);
      named.addResourceDependency(this.database);
      return named;
    });

    this.analystPolicy = this.#analystPolicy(props);
  }

  #table(dataset: DatasetDefinition, props: AnalyticsProps, marketplaces: readonly string[]): glue.CfnTable {
    const location = `s3://${props.archiveBucket.bucketName}/${datasetPrefix(dataset.name)}`;
    const template = `${location}${dataset.partitionKeys.map((key) => `${key}=\${${key}}/`).join('')}`;
    const projection: Record<string, string> = {
      'projection.enabled': 'true',
      // Days back to the oldest a retention keeps, and a day ahead for clocks and time zones.
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': `NOW-${props.retentionDays}DAYS,NOW+1DAYS`,
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      ...(dataset.partitionKeys.includes('marketplace')
        ? { 'projection.marketplace.type': 'enum', 'projection.marketplace.values': marketplaces.join(',') }
        : {}),
      'storage.location.template': template,
    };
    const table = new glue.CfnTable(this, `Table_${dataset.name}`, {
      catalogId: Stack.of(this).account,
      databaseName: this.databaseName,
      tableInput: {
        name: dataset.name,
        description: dataset.description,
        tableType: 'EXTERNAL_TABLE',
        parameters: { classification: 'parquet', EXTERNAL: 'TRUE', ...projection },
        partitionKeys: dataset.partitionKeys.map((key) => ({
          name: key,
          type: 'string',
          comment: PARTITION_COMMENTS[key],
        })),
        storageDescriptor: {
          location,
          columns: dataset.columns.map((column) => ({
            name: column.name,
            type: glueType(column.type),
            comment: column.comment,
          })),
          ...PARQUET_STORAGE,
        },
      },
    });
    table.addResourceDependency(this.database);
    return table;
  }

  #analystPolicy(props: AnalyticsProps): iam.ManagedPolicy {
    const stack = Stack.of(this);
    const glueArn = (resource: string) =>
      `arn:${stack.partition}:glue:${stack.region}:${stack.account}:${resource}`;
    const archiveObjects = props.archiveBucket.arnForObjects('*');
    const resultObjects = props.queryResultsBucket.arnForObjects('athena/*');

    const policy = new iam.ManagedPolicy(this, 'AnalystPolicy', {
      description:
        'Acorn analysts: run and read queries in the analytics workgroup, read the Glue tables and the archive. No write to or delete from the archive.',
      statements: [
        new iam.PolicyStatement({
          sid: 'QueryInTheWorkgroup',
          actions: [
            'athena:StartQueryExecution',
            'athena:StopQueryExecution',
            'athena:GetQueryExecution',
            'athena:BatchGetQueryExecution',
            'athena:GetQueryResults',
            'athena:GetQueryResultsStream',
            'athena:GetQueryRuntimeStatistics',
            'athena:ListQueryExecutions',
            'athena:GetWorkGroup',
            'athena:ListNamedQueries',
            'athena:GetNamedQuery',
            'athena:BatchGetNamedQuery',
          ],
          resources: [
            `arn:${stack.partition}:athena:${stack.region}:${stack.account}:workgroup/${this.workGroup.ref}`,
          ],
        }),
        new iam.PolicyStatement({
          sid: 'ReadTheCatalog',
          actions: [
            'athena:GetDataCatalog',
            'athena:GetDatabase',
            'athena:ListDatabases',
            'athena:GetTableMetadata',
            'athena:ListTableMetadata',
          ],
          resources: [
            `arn:${stack.partition}:athena:${stack.region}:${stack.account}:datacatalog/AwsDataCatalog`,
          ],
        }),
        new iam.PolicyStatement({
          sid: 'ReadTheGlueTables',
          actions: [
            'glue:GetDatabase',
            'glue:GetDatabases',
            'glue:GetTable',
            'glue:GetTables',
            'glue:GetPartition',
            'glue:GetPartitions',
          ],
          // Each table by name: no `table/<database>/*` wildcard.
          resources: [
            glueArn('catalog'),
            glueArn(`database/${this.databaseName}`),
            ...DATASET_LIST.map((dataset) => glueArn(`table/${this.databaseName}/${dataset.name}`)),
          ],
        }),
        new iam.PolicyStatement({
          sid: 'ReadTheArchive',
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: [archiveObjects],
        }),
        new iam.PolicyStatement({
          sid: 'ListTheArchiveAndResults',
          actions: ['s3:ListBucket', 's3:GetBucketLocation'],
          resources: [props.archiveBucket.bucketArn, props.queryResultsBucket.bucketArn],
        }),
        new iam.PolicyStatement({
          // Athena writes a query's results with the caller's permissions: the only write allowed.
          sid: 'WriteQueryResults',
          actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
          resources: [resultObjects],
        }),
        new iam.PolicyStatement({
          sid: 'UseTheKeyThroughS3',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [props.dataKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
        }),
      ],
    });
    acknowledgeNagWildcardResource(
      policy,
      archiveObjects,
      'Analysts read the whole archive (datasets for Athena, documents for auditors): s3:GetObject takes an object ARN pattern. Read only: no write, delete, retention or legal-hold action is granted.',
    );
    acknowledgeNagWildcardResource(
      policy,
      resultObjects,
      "Athena writes each query's results under athena/ of the results bucket with the analyst's permissions: s3:PutObject and s3:GetObject take an object ARN pattern.",
    );
    return policy;
  }
}
