import type { Context, EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import { logger, withObservability } from '#shared/observability.ts';
import { makeTrackFulfilment } from '#shared/use-cases/shipments/track-fulfilment.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { shipmentDependencies } from './dependencies.ts';

const { deps } = shipmentDependencies();
const track = makeTrackFulfilment(deps);

const eventSchema = z.looseObject({
  detail: z.looseObject({ purchaseOrderNumber: z.string().min(1) }),
});

/**
 * PurchaseOrderAcknowledged → the PO's departure window and accepted quantities tracked, so the
 * ship-window reminders and escalation run while nothing ships.
 */
export async function trackFulfilment(
  event: EventBridgeEvent<string, unknown>,
  _context: Context,
): Promise<{ purchaseOrderNumber: string; state?: string }> {
  const po = parseOrThrow(eventSchema, event, 'PurchaseOrderAcknowledged event').detail.purchaseOrderNumber;
  const record = await track(po);
  logger.info('Fulfilment tracked', {
    purchaseOrderNumber: po,
    state: record?.state ?? 'nothing accepted',
    window: record?.window,
  });
  return { purchaseOrderNumber: po, ...(record ? { state: record.state } : {}) };
}

export const handler = withObservability(trackFulfilment);
