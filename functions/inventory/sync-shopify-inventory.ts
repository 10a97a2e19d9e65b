import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import { logger, withObservability } from '#shared/observability.ts';
import { type DfPushOutcome, makePushDfInventory } from '#shared/use-cases/inventory/df-inventory-push.ts';
import { makeSyncShopifySku, type SkuSyncOutcome } from '#shared/use-cases/inventory/shopify-sync.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { inventorySyncDependencies } from './dependencies.ts';

const deps = inventorySyncDependencies();
const sync = makeSyncShopifySku(deps);
const pushDf = makePushDfInventory({ ...deps, targets: deps.directFulfillment });

const eventSchema = z.looseObject({
  detail: z.looseObject({ skus: z.array(z.string().min(1)).min(1).max(200) }),
});

/**
 * StockPositionChanged → each SKU's Shopify quantity brought to its allocation (when Shopify is
 * on), and Amazon's available quantity pushed to every configured Direct Fulfillment warehouse,
 * both through the outbox. A push still pending throws, so the event is retried (both are
 * idempotent: the outbox keys them by SKU revision).
 */
export async function syncShopifyInventory(event: EventBridgeEvent<string, unknown>) {
  const { detail } = parseOrThrow(eventSchema, event, 'StockPositionChanged event');
  const outcomes: Record<string, SkuSyncOutcome> = {};
  const directFulfillment: Record<string, Record<string, DfPushOutcome>> = {};
  let pending: unknown;
  const keep = (error: unknown) => {
    pending ??= error;
  };
  for (const sku of new Set(detail.skus)) {
    if (deps.shopifyEnabled)
      outcomes[sku] = await sync(sku).catch((e: unknown) => {
        keep(e);
        return 'failed' as const;
      });
    if (deps.directFulfillment.length > 0)
      directFulfillment[sku] = await pushDf(sku).catch((e: unknown) => {
        keep(e);
        return {};
      });
  }
  logger.info('Synced SKUs', { outcomes, directFulfillment });
  if (pending) throw pending;
  return deps.directFulfillment.length > 0 ? { ...outcomes, directFulfillment } : outcomes;
}

export const handler = withObservability(syncShopifyInventory);
