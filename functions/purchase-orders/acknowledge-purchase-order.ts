import type { Context, EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import { logger, metrics, withObservability } from '#shared/observability.ts';
import { makeAcknowledgePurchaseOrder } from '#shared/use-cases/purchase-orders/acknowledge-purchase-order.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { purchaseOrderDependencies } from './dependencies.ts';

const { deps } = purchaseOrderDependencies();
const acknowledge = makeAcknowledgePurchaseOrder(deps);

const eventSchema = z.looseObject({
  'detail-type': z.string(),
  detail: z.looseObject({ purchaseOrderNumber: z.string().min(1) }),
});

/**
 * PurchaseOrderReceived → decide every line by the rules and send the acknowledgement (or put the
 * PO in front of a person). Errors are thrown: Lambda's async retries and the on-failure queue keep
 * the event, and the use case is idempotent.
 */
export async function acknowledgePurchaseOrder(
  event: EventBridgeEvent<string, unknown>,
  _context: Context,
): Promise<{ purchaseOrderNumber: string; state?: string }> {
  const parsed = parseOrThrow(eventSchema, event, 'PurchaseOrderReceived event');
  const po = parsed.detail.purchaseOrderNumber;
  const record = await acknowledge(po);
  metrics.addMetric(`Acknowledgement_${record?.state ?? 'skipped'}`, 'Count', 1);
  logger.info('Purchase order handled', {
    purchaseOrderNumber: po,
    state: record?.state ?? 'not New at Amazon',
  });
  return { purchaseOrderNumber: po, ...(record ? { state: record.state } : {}) };
}

export const handler = withObservability(acknowledgePurchaseOrder);
