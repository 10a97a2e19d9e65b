import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import { logger, withObservability } from '#shared/observability.ts';
import { makeSyncShopifySku, type SkuSyncOutcome } from '#shared/use-cases/inventory/shopify-sync.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { inventorySyncDependencies } from './dependencies.ts';

const sync = makeSyncShopifySku(inventorySyncDependencies());

const eventSchema = z.looseObject({
  detail: z.looseObject({ skus: z.array(z.string().min(1)).min(1).max(200) }),
});

/**
 * StockPositionChanged → each SKU's Shopify quantity brought to its allocation through the
 * outbox. A push still pending throws, so the event is retried.
 */
export async function syncShopifyInventory(event: EventBridgeEvent<string, unknown>) {
  const { detail } = parseOrThrow(eventSchema, event, 'StockPositionChanged event');
  const outcomes: Record<string, SkuSyncOutcome> = {};
  for (const sku of new Set(detail.skus)) outcomes[sku] = await sync(sku);
  logger.info('Synced SKUs to Shopify', { outcomes });
  return outcomes;
}

export const handler = withObservability(syncShopifyInventory);
