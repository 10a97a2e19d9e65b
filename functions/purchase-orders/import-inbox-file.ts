import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import { DynamoDbCatalog } from '#shared/aws/dynamodb-catalog.ts';
import { DynamoDbInventoryStore } from '#shared/aws/dynamodb-inventory.ts';
import { EventBridgePublisher } from '#shared/aws/event-publisher.ts';
import { clockFromEnv } from '#shared/clock.ts';
import { requireEnv, runtimeConfigFromEnv } from '#shared/config/runtime.ts';
import { logger, withObservability } from '#shared/observability.ts';
import { makeApplyStockPositions } from '#shared/use-cases/inventory/stock-positions.ts';
import {
  type ImportSummary,
  makeImportCatalogFile,
  makeImportStockFile,
} from '#shared/use-cases/purchase-orders/import-inbox-file.ts';
import { parseOrThrow } from '#shared/validation.ts';

const config = runtimeConfigFromEnv();
const tableName = requireEnv('TABLE_NAME');
const inbox = requireEnv('INBOX_BUCKET_NAME');
const clock = clockFromEnv();
const dynamo = new DynamoDBClient({});
const s3 = new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) });
const events = new EventBridgePublisher({
  client: new EventBridgeClient({}),
  busName: requireEnv('EVENT_BUS_NAME'),
  now: () => clock.now(),
});

async function read(key: string): Promise<string> {
  const res = await s3.send(new GetObjectCommand({ Bucket: inbox, Key: key }));
  return (await res.Body?.transformToString('utf-8')) ?? '';
}

const catalog = new DynamoDbCatalog({ client: dynamo, tableName });
const importStock = makeImportStockFile({
  read,
  apply: makeApplyStockPositions({
    store: new DynamoDbInventoryStore({ client: dynamo, tableName }),
    events,
    clock,
  }),
});
const importCatalog = makeImportCatalogFile({
  read,
  put: (entries, at) => catalog.put(entries, at),
  events,
  clock,
  marketplaces: new Set(config.vendors.flatMap((v) => v.marketplaces)),
});

const objectCreatedSchema = z.looseObject({
  detail: z.looseObject({
    bucket: z.looseObject({ name: z.string() }),
    object: z.looseObject({ key: z.string().min(1) }),
  }),
});

/**
 * S3 "Object Created" in the inbox under `stock/` or `catalog/` → the stock positions or the
 * catalogue rows applied; every bad row reported with its number, the file left in the inbox.
 */
export async function importInboxFile(
  event: EventBridgeEvent<'Object Created', unknown>,
): Promise<ImportSummary> {
  const parsed = parseOrThrow(objectCreatedSchema, event, 'S3 Object Created event');
  const key = decodeURIComponent(parsed.detail.object.key.replace(/\+/g, ' '));
  const summary = key.startsWith('catalog/') ? await importCatalog(key) : await importStock(key);
  logger.info('Imported inbox file', { ...summary, problems: summary.problems.length });
  return summary;
}

export const handler = withObservability(importInboxFile);
