import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import { requireEnv } from '#shared/config/runtime.ts';
import { parseExistingInvoiceFile } from '#shared/domain/invoices/existing-invoice-file.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '#shared/events.ts';
import { logger, withObservability } from '#shared/observability.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { invoiceDependencies } from './dependencies.ts';

const { deps, s3, existing } = invoiceDependencies();
const inbox = requireEnv('INBOX_BUCKET_NAME');

const objectCreatedSchema = z.looseObject({
  detail: z.looseObject({ object: z.looseObject({ key: z.string().min(1) }) }),
});

/**
 * S3 "Object Created" under `invoices/existing/` → the vendor's own invoices (Vendor Central or
 * EDI export) stored for the parallel-run report; bad rows are reported by row and field
 * (InboxFileRejectedRows) and the good ones kept.
 */
export async function importExistingInvoices(event: EventBridgeEvent<'Object Created', unknown>) {
  const key = decodeURIComponent(
    parseOrThrow(objectCreatedSchema, event, 'S3 Object Created event').detail.object.key.replace(/\+/g, ' '),
  );
  const res = await s3.send(new GetObjectCommand({ Bucket: inbox, Key: key }));
  const { rows, problems } = parseExistingInvoiceFile((await res.Body?.transformToString('utf-8')) ?? '');
  for (const row of rows) await existing.put({ ...row, source: key });
  if (problems.length > 0) {
    await deps.events.publish([
      {
        source: EVENT_SOURCE.invoices,
        detailType: DETAIL_TYPE.inboxFileRejectedRows,
        detail: { file: key, problems },
      },
    ]);
  }
  logger.info('Imported existing invoices', { file: key, rows: rows.length, problems });
  return { file: key, imported: rows.length, problems };
}

export const handler = withObservability(importExistingInvoices);
