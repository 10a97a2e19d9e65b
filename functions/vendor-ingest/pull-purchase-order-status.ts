import type { Context } from 'aws-lambda';
import { logger, metrics, withObservability } from '#shared/observability.ts';
import {
  makePullPurchaseOrderStatus,
  type PullSummary,
} from '#shared/use-cases/vendor-ingest/pull-purchase-orders.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { vendorIngestDependencies } from './dependencies.ts';
import { pullEventSchema, TIME_RESERVE_MS } from './pull-event.ts';

const pull = makePullPurchaseOrderStatus(vendorIngestDependencies());

/** Scheduled pull of PO line status (acknowledged and received quantities) into the table. */
export async function pullPurchaseOrderStatus(event: unknown, context: Context): Promise<PullSummary> {
  const request = parseOrThrow(pullEventSchema, event ?? {}, 'pull-purchase-order-status event');
  const summary = await pull({
    backfillDays: request.backfillDays,
    shouldContinue: () => context.getRemainingTimeInMillis() > TIME_RESERVE_MS,
  });
  metrics.addMetric('PurchaseOrderStatusUpdated', 'Count', summary.created + summary.updated);
  logger.info('Pulled purchase order status', { summary });
  return summary;
}

export const handler = withObservability(pullPurchaseOrderStatus);
