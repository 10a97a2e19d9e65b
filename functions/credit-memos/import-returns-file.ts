import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import { readReturnsRecords } from '#shared/aws/returns-file-reader.ts';
import { requireEnv } from '#shared/config/runtime.ts';
import { ValidationError } from '#shared/errors.ts';
import { logger, withObservability } from '#shared/observability.ts';
import { makeImportReturnsFile, type ReturnsFileSummary } from '#shared/use-cases/credit-memos/intake.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { creditMemoDependencies } from './dependencies.ts';

const { deps, s3 } = creditMemoDependencies();
const inbox = requireEnv('INBOX_BUCKET_NAME');

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
  statuses: deps.returnStatuses,
  events: deps.events,
  audit: deps.audit,
  now: () => deps.clock.now(),
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
