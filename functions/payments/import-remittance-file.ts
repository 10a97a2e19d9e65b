import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import { requireEnv } from '#shared/config/runtime.ts';
import { logger, metrics, withObservability } from '#shared/observability.ts';
import {
  makeImportRemittance,
  type RemittanceImportSummary,
} from '#shared/use-cases/payments/import-remittance.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { paymentDependencies } from './dependencies.ts';

const deps = paymentDependencies();
const inbox = requireEnv('INBOX_BUCKET_NAME');

async function read(key: string): Promise<AsyncIterable<Uint8Array>> {
  const res = await deps.s3.send(new GetObjectCommand({ Bucket: inbox, Key: key }));
  return (res.Body as AsyncIterable<Uint8Array> | undefined) ?? (async function* () {})();
}

const importRemittance = makeImportRemittance({
  clock: deps.clock,
  read,
  invoices: deps.invoices,
  store: deps.store,
  evidence: deps.evidence,
  events: deps.events,
  audit: deps.audit,
  vendors: deps.config.vendors,
  defaultTermsDays: deps.defaultTermsDays,
});

const objectCreatedSchema = z.looseObject({
  detail: z.looseObject({
    bucket: z.looseObject({ name: z.string() }),
    object: z.looseObject({ key: z.string().min(1) }),
  }),
});

/**
 * S3 "Object Created" in the inbox under `remittance/<vendorCode>/<marketplace>/` → the Vendor
 * Central remittance export (CSV or XLSX) streamed, matched, classified and reconciled; bad rows
 * reported with their numbers. Errors are thrown (Lambda retries; a retried file applies each line
 * once).
 */
export async function importRemittanceFile(
  event: EventBridgeEvent<'Object Created', unknown>,
): Promise<RemittanceImportSummary> {
  const parsed = parseOrThrow(objectCreatedSchema, event, 'S3 Object Created event');
  const key = decodeURIComponent(parsed.detail.object.key.replace(/\+/g, ' '));
  const summary = await importRemittance(key);
  metrics.addMetric('RemittanceLinesApplied', 'Count', summary.applied);
  metrics.addMetric('RemittanceDiscrepancies', 'Count', summary.findings.discrepancies);
  logger.info('Imported remittance file', {
    file: key,
    lines: summary.lines,
    applied: summary.applied,
    quarantined: summary.quarantined,
    invoicesUpdated: summary.invoicesUpdated,
    findings: summary.findings,
    problems: summary.totalProblems,
    ...(summary.duplicateOf ? { duplicateOf: summary.duplicateOf } : {}),
  });
  return summary;
}

export const handler = withObservability(importRemittanceFile);
