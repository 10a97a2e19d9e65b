import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { encodeParquet } from '#shared/archive/parquet.ts';
import { DynamoDbArchiveSource } from '#shared/aws/dynamodb-archive-source.ts';
import { DynamoDbCursorStore } from '#shared/aws/dynamodb-documents.ts';
import { S3Archive } from '#shared/aws/s3-archive.ts';
import { clockFromEnv } from '#shared/clock.ts';
import { requireEnv, runtimeConfigFromEnv } from '#shared/config/runtime.ts';
import { validateAllocationRules } from '#shared/domain/inventory/allocation.ts';
import type { ExportArchiveDeps } from '#shared/use-cases/archive/export-archive.ts';

/** Hours the very first export reaches back. */
const FIRST_RUN_LOOKBACK_HOURS = 24;

/**
 * The archive export's clients and adapters, created once per container from the environment
 * the Analytics construct sets. A missing variable fails init with its name.
 */
export function archiveDependencies(env: NodeJS.ProcessEnv = process.env): ExportArchiveDeps {
  const config = runtimeConfigFromEnv(env);
  const tableName = requireEnv('TABLE_NAME', env);
  const bucketName = requireEnv('ARCHIVE_BUCKET_NAME', env);
  const dynamo = new DynamoDBClient({});
  const s3 = new S3Client({ forcePathStyle: Boolean(env.AWS_ENDPOINT_URL_S3) });
  return {
    clock: clockFromEnv(env),
    source: new DynamoDbArchiveSource({ client: dynamo, tableName }),
    archive: new S3Archive({ client: s3, bucketName }),
    cursors: new DynamoDbCursorStore({ client: dynamo, tableName }),
    vendors: config.vendors,
    // The snapshots' available figures: the allocation under the configured rules (a bad rule fails init).
    allocationRules: validateAllocationRules(config.inventory?.allocation),
    encode: encodeParquet,
    sha256: (text) => createHash('sha256').update(text, 'utf8').digest('hex'),
    // A new deployment's first export runs within the hour; an older table is exported with
    // `{ "fromHour": … }` (docs/archive.md).
    firstRunLookbackHours: FIRST_RUN_LOOKBACK_HOURS,
  };
}
