import { type AllocationRules, allocate, type InventoryRecord } from '../../domain/inventory/allocation.ts';
import type { InventoryStore } from './ports.ts';

/** One SKU as `GET /api/inventory` shows it. */
export interface InventoryView {
  readonly sku: string;
  readonly onHand: number;
  readonly safetyStock: number;
  readonly locations: InventoryRecord['locations'];
  readonly reserved: { readonly amazon: number; readonly shopify: number; readonly shopifyUnseen: number };
  readonly available: { readonly amazon: number; readonly shopify: number };
  readonly shopify: {
    readonly shown: number;
    readonly target: number;
    readonly inventoryItemId: string | null;
    readonly lastSyncAt: string | null;
    readonly drift: number;
    readonly driftAt: string | null;
  };
  readonly idle: number;
  readonly updatedAt: string;
}

export function viewOf(record: InventoryRecord, rules: AllocationRules): InventoryView {
  const a = allocate(record, rules);
  return {
    sku: record.sku,
    onHand: a.onHand,
    safetyStock: a.safetyStock,
    locations: record.locations,
    reserved: { amazon: a.amazon.reserved, shopify: a.shopify.committed, shopifyUnseen: a.shopify.unseen },
    available: { amazon: a.amazon.available, shopify: a.shopify.target },
    shopify: {
      shown: record.shopify.exposed,
      target: a.shopify.target,
      inventoryItemId: record.shopify.item?.inventoryItemId ?? null,
      lastSyncAt: record.shopify.lastSyncAt ?? null,
      drift: record.shopify.drift ?? 0,
      driftAt: record.shopify.driftAt ?? null,
    },
    idle: a.idle,
    updatedAt: record.updatedAt,
  };
}

/** `GET /api/inventory` (a page of SKUs) and `?sku=A,B` (those SKUs). */
export function makeListInventory(deps: { store: InventoryStore; rules: AllocationRules }) {
  return async function listInventory(query: { skus?: readonly string[]; limit: number; cursor?: string }) {
    if (query.skus && query.skus.length > 0) {
      const records = await deps.store.getMany(query.skus);
      return {
        items: query.skus.flatMap((s) =>
          records.has(s) ? [viewOf(records.get(s) as InventoryRecord, deps.rules)] : [],
        ),
      };
    }
    const page = await deps.store.list({
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return {
      items: page.items.map((r) => viewOf(r, deps.rules)),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    };
  };
}
