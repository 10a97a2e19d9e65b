import { logger, withObservability } from '#shared/observability.ts';
import { makeReconcileShopify } from '#shared/use-cases/inventory/shopify-sync.ts';
import { inventorySyncDependencies } from './dependencies.ts';

const reconcile = makeReconcileShopify(inventorySyncDependencies());

/** Scheduled (hourly by default): every SKU compared with Shopify, drift recorded, reported and corrected. */
export async function reconcileShopifyInventory() {
  const result = await reconcile();
  logger.info('Reconciled inventory with Shopify', {
    skus: result.skus,
    drifts: result.drifts.length,
    pushed: result.pushed,
    failed: result.failed,
  });
  return { skus: result.skus, drifts: result.drifts, pushed: result.pushed, failed: result.failed };
}

export const handler = withObservability(reconcileShopifyInventory);
