import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { logger, metrics, withObservability } from '#shared/observability.ts';
import { type ExportSummary, makeExportArchive } from '#shared/use-cases/archive/export-archive.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { archiveDependencies } from './dependencies.ts';

/** Leave this much of the invocation for the hour in progress and the metrics flush. */
const TIME_RESERVE_MS = 90_000;

/**
 * What the schedule sends (`{}`), or an operator's re-export from an hour on
 * (`{ "fromHour": "2026-03-01T00" }`, UTC).
 */
const exportEventSchema = z.looseObject({ fromHour: z.string().optional() });

const exportArchive = makeExportArchive(archiveDependencies());

/** Scheduled hourly: every complete hour's changes into the archive's datasets (bare handler, for tests). */
export async function exportArchiveHandler(event: unknown, context: Context): Promise<ExportSummary> {
  const request = parseOrThrow(exportEventSchema, event ?? {}, 'export-archive event');
  const summary = await exportArchive({
    ...(request.fromHour ? { fromHour: request.fromHour } : {}),
    shouldContinue: () => context.getRemainingTimeInMillis() > TIME_RESERVE_MS,
  });
  metrics.addMetric('ArchiveHoursExported', 'Count', summary.hours.length);
  metrics.addMetric('ArchiveObjectsWritten', 'Count', summary.objects);
  metrics.addMetric('ArchiveRecordsQuarantined', 'Count', summary.quarantined);
  if (summary.quarantined > 0) {
    logger.warn('Archive export quarantined records', { quarantined: summary.quarantined });
  }
  logger.info('Exported the archive', { summary });
  return summary;
}

export const handler = withObservability(exportArchiveHandler);
