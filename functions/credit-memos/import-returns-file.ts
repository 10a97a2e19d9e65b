import type { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import { DynamoDbAuditLog } from '#shared/aws/dynamodb-audit.ts';
import { DynamoDbReturnStatusStore } from '#shared/aws/dynamodb-credit-memos.ts';
import { EventBridgePublisher } from '#shared/aws/event-publisher.ts';
import { readReturnsRecords } from '#shared/aws/returns-file-reader.ts';
import { S3Archive } from '#shared/aws/s3-archive.ts';
import { clockFromEnv } from '#shared/clock.ts';
import { requireEnv } from '#shared/config/runtime.ts';
import { ValidationError } from '#shared/errors.ts';
import { logger, withObservability } from '#shared/observability.ts';
import { makeImportReturnsFile, type ReturnsFileSummary } from '#shared/use-cases/credit-memos/intake.ts';
import { makeAuditTrail } from '#shared/use-cases/outbox/audit-trail.ts';
import { parseOrThrow } from '#shared/validation.ts';

// Only what an import needs (no outbox, no SP-API): the XLSX reader is big enough on its own.
const clock = clockFromEnv();
const dynamo = new DynamoDBClient({});
const table = { client: dynamo, tableName: requireEnv('TABLE_NAME') };
const s3 = new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) });
const inbox = requireEnv('INBOX_BUCKET_NAME');
const audit = makeAuditTrail({
  log: new DynamoDbAuditLog(table),
  archive: new S3Archive({ client: s3, bucketName: requireEnv('ARCHIVE_BUCKET_NAME') }),
});
const events = new EventBridgePublisher({
  client: new EventBridgeClient({}),
  busName: requireEnv('EVENT_BUS_NAME'),
  now: () => clock.now(),
});

const importFile = makeImportReturnsFile({
  async readRecords(key) {
    const res = await s3.send(new GetObjectCommand({ Bucket: inbox, Key: key }));
    if (!res.Body) throw new ValidationError(`inbox object ${key} has no body`);
    const { records, problems } = await readReturnsRecords(key, res.Body as Readable);
    if (problems.length > 0 && records.length === 0) {
      throw new ValidationError(
        `returns file ${key} cannot be read`,
        problems.map((p) => ({ path: `row ${p.row}`, message: p.message })),
      );
    }
    return records;
  },
  statuses: new DynamoDbReturnStatusStore(table),
  events,
  audit,
  now: () => clock.now(),
});

const objectCreatedSchema = z.looseObject({
  detail: z.looseObject({ object: z.looseObject({ key: z.string().min(1) }) }),
});

/**
 * S3 "Object Created" in the inbox under `returns/` (Vendor Central returns exports, CSV or
 * XLSX) → one `ReturnReceived` per return with its 72-hour deadline; every bad row reported
 * (InboxFileRejectedRows) with its row number and field.
 */
export async function importReturnsFile(
  event: EventBridgeEvent<'Object Created', unknown>,
): Promise<ReturnsFileSummary> {
  const parsed = parseOrThrow(objectCreatedSchema, event, 'S3 Object Created event');
  const key = decodeURIComponent(parsed.detail.object.key.replace(/\+/g, ' '));
  const summary = await importFile(key);
  logger.info('Imported returns file', {
    file: key,
    rows: summary.rows,
    returns: summary.returns,
    problems: summary.problems.length,
  });
  return summary;
}

export const handler = withObservability(importReturnsFile);
