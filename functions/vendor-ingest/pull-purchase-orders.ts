import type { Context } from 'aws-lambda';
import { logger, metrics, withObservability } from '#shared/observability.ts';
import {
  makePullPurchaseOrders,
  type PullSummary,
} from '#shared/use-cases/vendor-ingest/pull-purchase-orders.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { vendorIngestDependencies } from './dependencies.ts';
import { pullEventSchema, TIME_RESERVE_MS } from './pull-event.ts';

const pull = makePullPurchaseOrders(vendorIngestDependencies());

/** Scheduled pull of new and changed purchase orders into the table (bare handler, for tests). */
export async function pullPurchaseOrders(event: unknown, context: Context): Promise<PullSummary> {
  const request = parseOrThrow(pullEventSchema, event ?? {}, 'pull-purchase-orders event');
  const summary = await pull({
    backfillDays: request.backfillDays,
    shouldContinue: () => context.getRemainingTimeInMillis() > TIME_RESERVE_MS,
  });
  metrics.addMetric('PurchaseOrdersCreated', 'Count', summary.created);
  metrics.addMetric('PurchaseOrdersUpdated', 'Count', summary.updated);
  metrics.addMetric('SpApiPages', 'Count', summary.pages);
  logger.info('Pulled purchase orders', { summary });
  return summary;
}

export const handler = withObservability(pullPurchaseOrders);
