import type { Clock } from '../../clock.ts';
import {
  type AllocationRules,
  allocate,
  applyPosition,
  type PositionOutcome,
  releasePurchaseOrder,
  reserveForPurchaseOrder,
} from '../../domain/inventory/allocation.ts';
import type { LocationPosition, PositionsResult } from '../../domain/inventory/stock-positions.ts';
import type { FileProblem } from '../../domain/purchase-orders/catalog-file.ts';
import { EVENT_SOURCE, INVENTORY_DETAIL_TYPE } from '../../events.ts';
import type { EventPublisher } from '../ports.ts';
import type { StockStore } from '../purchase-orders/ports.ts';
import { mutate } from './mutate.ts';
import type { InventoryStore } from './ports.ts';

/** What one file or push of positions did. */
export interface PositionsSummary {
  readonly source: string;
  readonly rows: number;
  readonly applied: number;
  /** Older than the count held: ignored (an older snapshot never overwrites a newer one). */
  readonly stale: number;
  readonly unchanged: number;
  /** Same instant as the count held, another quantity: the held one stays. */
  readonly conflicts: number;
  readonly problems: readonly FileProblem[];
  readonly outcomes: readonly { sku: string; location: string; outcome: PositionOutcome }[];
}

/** Announces SKUs whose availability may have moved, so the Shopify sync picks them up. */
export async function announceChanged(
  events: EventPublisher,
  skus: readonly string[],
  cause: string,
): Promise<void> {
  for (let i = 0; i < skus.length; i += 200) {
    await events.publish([
      {
        source: EVENT_SOURCE.inventory,
        detailType: INVENTORY_DETAIL_TYPE.stockPositionChanged,
        detail: { skus: skus.slice(i, i + 200), cause },
      },
    ]);
  }
}

/**
 * Applies parsed positions, one conditional write per SKU each; reports bad rows (by event) and
 * announces the SKUs that changed.
 */
export function makeApplyStockPositions(deps: {
  store: InventoryStore;
  events: EventPublisher;
  clock: Clock;
}) {
  return async function applyStockPositions(
    source: string,
    parsed: PositionsResult,
  ): Promise<PositionsSummary> {
    const outcomes: { sku: string; location: string; outcome: PositionOutcome }[] = [];
    const at = deps.clock.now().toISOString();
    for (const position of parsed.positions) {
      const { result } = await mutate(deps.store, position.sku, (record) => {
        const { outcome, next } = applyPosition(record, position as LocationPosition, at);
        return { result: outcome, ...(next ? { next } : {}) };
      });
      outcomes.push({ sku: position.sku, location: position.location, outcome: result });
    }
    const changed = [...new Set(outcomes.filter((o) => o.outcome === 'applied').map((o) => o.sku))];
    if (changed.length > 0) await announceChanged(deps.events, changed, `stock positions from ${source}`);
    if (parsed.problems.length > 0) {
      await deps.events.publish([
        {
          source: EVENT_SOURCE.inventory,
          detailType: INVENTORY_DETAIL_TYPE.stockPositionsRejected,
          detail: { source, problems: parsed.problems.slice(0, 200), totalProblems: parsed.problems.length },
        },
      ]);
    }
    const count = (o: PositionOutcome) => outcomes.filter((x) => x.outcome === o).length;
    return {
      source,
      rows: parsed.positions.length + new Set(parsed.problems.map((p) => p.row)).size,
      applied: count('applied'),
      stale: count('older'),
      unchanged: count('unchanged'),
      conflicts: count('conflict'),
      problems: parsed.problems,
      outcomes,
    };
  };
}

/**
 * The purchase-order rules' view of stock: Amazon's side of the allocation. A reservation is one
 * conditional write on the SKU's record, checked against everything else promised (other POs,
 * Shopify orders, what Shopify shows as available), so no two promises share units.
 */
export function makeAmazonStock(deps: {
  store: InventoryStore;
  rules: AllocationRules;
  clock: Clock;
  /** Told which SKUs a reservation moved (the Shopify sync listens). */
  changed?: (skus: readonly string[]) => Promise<void>;
}): StockStore {
  return {
    async available(skus) {
      const records = await deps.store.getMany(skus);
      const out = new Map<string, number>();
      for (const [sku, record] of records) {
        if (Object.keys(record.locations).length > 0)
          out.set(sku, allocate(record, deps.rules).amazon.available);
      }
      return out;
    },
    async reserve(sku, purchaseOrderNumber, quantity) {
      const { result, written } = await mutate(deps.store, sku, (record) => {
        const outcome = reserveForPurchaseOrder(
          record,
          deps.rules,
          purchaseOrderNumber,
          quantity,
          deps.clock.now().toISOString(),
        );
        return {
          result: outcome.outcome === 'reserved',
          ...(outcome.outcome === 'reserved' && outcome.next ? { next: outcome.next } : {}),
        };
      });
      if (written) await deps.changed?.([sku]);
      return result;
    },
    async release(sku, purchaseOrderNumber) {
      const { written } = await mutate(deps.store, sku, (record) => {
        const next = releasePurchaseOrder(record, purchaseOrderNumber, deps.clock.now().toISOString());
        return { result: undefined, ...(next ? { next } : {}) };
      });
      if (written) await deps.changed?.([sku]);
    },
  };
}
