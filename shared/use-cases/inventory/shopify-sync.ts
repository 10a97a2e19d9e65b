import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { AuditActor } from '../../domain/audit.ts';
import {
  type AllocationRules,
  allocate,
  dropLease,
  exposeMore,
  type InventoryRecord,
  observeShopify,
  pushed,
  type ShopifyItem,
  takeLease,
  withDrift,
  withShopifyItem,
} from '../../domain/inventory/allocation.ts';
import { AppError } from '../../errors.ts';
import { EVENT_SOURCE, INVENTORY_DETAIL_TYPE } from '../../events.ts';
import type { SetQuantitiesVariables } from '../../shopify/inventory.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { EventPublisher } from '../ports.ts';
import { mutate } from './mutate.ts';
import type { InventoryStore } from './ports.ts';

/** The outbox operation of a push to Shopify. */
export const SET_QUANTITIES_OPERATION = 'inventorySetQuantities';
export const STALE_CODE = 'CHANGE_FROM_QUANTITY_STALE';
/** How long a sync may hold a SKU; longer than the syncing function's timeout. */
const LEASE_MS = 5 * 60_000;

export const SYNC_ACTOR: AuditActor = { type: 'system', id: 'inventory-sync' };

/** A push whose outcome is not known yet (in flight, unknown, to retry): the caller's queue retries. */
export class ShopifySyncPendingError extends AppError {
  readonly retryable = true;
}

/** What the sync needs from Shopify (shared/shopify/inventory.ts). */
export interface ShopifyInventoryReader {
  itemsBySku(skus: readonly string[]): Promise<Map<string, string[]>>;
  primaryLocation(): Promise<string | undefined>;
  available(inventoryItemIds: readonly string[], locationId: string): Promise<Map<string, number>>;
}

export interface ShopifySyncDeps {
  readonly store: InventoryStore;
  readonly outbox: Outbox;
  readonly shopify: ShopifyInventoryReader;
  readonly rules: AllocationRules;
  readonly clock: Clock;
  readonly events: EventPublisher;
  /** The Shopify location Acorn sells from; the first active one when absent. */
  readonly locationId?: string;
}

export type SkuSyncOutcome =
  | 'in-sync'
  | 'pushed'
  | 'simulated'
  | 'held'
  | 'failed'
  | 'not-at-shopify'
  | 'no-stock-position';

/** SKUs (by the Shopify location) looked up once and remembered on their records. */
async function lookUpItems(deps: ShopifySyncDeps, skus: readonly string[]): Promise<void> {
  if (skus.length === 0) return;
  const locationId = deps.locationId ?? (await deps.shopify.primaryLocation());
  const found = await deps.shopify.itemsBySku(skus);
  const at = deps.clock.now().toISOString();
  for (const sku of skus) {
    const ids = found.get(sku) ?? [];
    // Shopify does not enforce unique SKUs: with two variants of one SKU we would set the wrong one.
    const item: ShopifyItem | null =
      ids.length === 1 && ids[0] && locationId ? { inventoryItemId: ids[0], locationId } : null;
    await mutate(deps.store, sku, (record) =>
      record.shopify.item === undefined
        ? { result: undefined, next: withShopifyItem(record, item, at) }
        : { result: undefined },
    );
  }
}

/**
 * Brings Shopify's `available` of one SKU to what the allocation gives Shopify, through the
 * outbox (module `inventory`): a raise is recorded before it is pushed (nobody else is promised
 * those units meanwhile), a cut after Shopify took it. Every push names the quantity Shopify must
 * still show (`changeFromQuantity`); when it is stale (an order or an edit at Shopify we have not
 * heard of), Shopify's quantity is read, recorded, and the push planned again.
 */
export function makeSyncShopifySku(deps: ShopifySyncDeps) {
  return async function syncShopifySku(sku: string): Promise<SkuSyncOutcome> {
    let current = await deps.store.get(sku);
    if (current.revision === 0 || Object.keys(current.locations).length === 0) return 'no-stock-position';
    if (current.shopify.item === undefined) {
      await lookUpItems(deps, [sku]);
      current = await deps.store.get(sku);
    }
    const item = current.shopify.item;
    if (!item) return 'not-at-shopify';

    // One sync of a SKU at a time (a lease on its record): a push and a re-read of the same SKU
    // never interleave, so what we record as shown is always what Shopify took or showed.
    const owner = randomUUID();
    const leaseUntil = () => new Date(deps.clock.now().getTime() + LEASE_MS).toISOString();
    const { result: leased } = await mutate(deps.store, sku, (record) => {
      const next = takeLease(record, owner, deps.clock.now().toISOString(), leaseUntil());
      return next ? { result: true, next } : { result: false };
    });
    if (!leased) throw new ShopifySyncPendingError(`Another sync of ${sku} is running; retry later`);
    const release = (record: InventoryRecord) => dropLease(record, owner);
    let outcome: SkuSyncOutcome = 'in-sync';
    try {
      for (let attempt = 0; attempt < 6; attempt++) {
        const at = deps.clock.now().toISOString();
        const { result: plan } = await mutate(deps.store, sku, (record) => {
          const target = allocate(record, deps.rules).shopify.target;
          const from = record.shopify.exposed;
          const plan = { target, from, revision: record.revision };
          if (target === from && record.shopify.raising === undefined)
            return { result: { ...plan, inSync: true } };
          const raised = exposeMore(record, target, at);
          return { result: { ...plan, inSync: false }, ...(raised ? { next: raised } : {}) };
        });
        if (plan.inSync) return outcome;

        const key = `inventory#${sku}#${plan.revision}#${plan.from}-${plan.target}`;
        const payload: SetQuantitiesVariables = {
          input: {
            name: 'available',
            reason: 'correction',
            referenceDocumentUri: `gid://acorn/InventorySync/${encodeURIComponent(key)}`,
            quantities: [
              {
                inventoryItemId: item.inventoryItemId,
                locationId: item.locationId,
                quantity: plan.target,
                changeFromQuantity: plan.from,
              },
            ],
          },
        };
        await deps.outbox.enqueue({
          key,
          module: 'inventory',
          operation: SET_QUANTITIES_OPERATION,
          target: 'shopify',
          subject: { type: 'Sku', id: sku },
          payload,
          actor: SYNC_ACTOR,
        });
        const dispatched = await deps.outbox.dispatch(key);
        const kind = dispatched.kind === 'settled' ? dispatched.message.state : dispatched.kind;
        const done = deps.clock.now().toISOString();
        if (kind === 'sent') {
          // Orders applied since the plan lowered `exposed` from `from`: Shopify lowered the new value alike.
          await mutate(deps.store, sku, (record) => ({
            result: undefined,
            next: pushed(record, plan.target + (record.shopify.exposed - plan.from), done),
          }));
          outcome = 'pushed';
          continue; // the allocation may have moved meanwhile: check again
        }
        if (kind === 'simulated' || kind === 'held') {
          await mutate(deps.store, sku, (record) =>
            record.shopify.raising === undefined
              ? { result: undefined }
              : { result: undefined, next: pushed(record, undefined, done) },
          );
          return kind;
        }
        if (kind === 'failed' && dispatched.message.lastError?.code === STALE_CODE) {
          const actual =
            (await deps.shopify.available([item.inventoryItemId], item.locationId)).get(
              item.inventoryItemId,
            ) ?? 0;
          await mutate(deps.store, sku, (record) => ({
            result: undefined,
            next: pushed(observeShopify(record, actual, done), undefined, done),
          }));
          continue;
        }
        if (kind === 'failed') {
          await mutate(deps.store, sku, (record) => ({
            result: undefined,
            next: pushed(record, undefined, done),
          }));
          return 'failed';
        }
        // retry / unknown / in-flight: the raise stays reserved until the message settles.
        throw new ShopifySyncPendingError(`Push of ${sku} to Shopify is ${kind}; retry later`);
      }
    } finally {
      await mutate(deps.store, sku, (record) =>
        record.shopify.lease?.owner === owner
          ? { result: undefined, next: release(record) }
          : { result: undefined },
      );
    }
    throw new ShopifySyncPendingError(`Shopify's quantity of ${sku} kept changing; retry later`);
  };
}

/** One SKU's drift found by the reconciliation. */
export interface Drift {
  readonly sku: string;
  readonly expected: number;
  readonly actual: number;
}

/**
 * The full reconciliation: every SKU's record page by page (an index query), SKUs not looked up
 * yet looked up, Shopify's `available` read in batches and compared with what we expect it to
 * show; a difference is recorded as drift (and taken as Shopify's truth: sales we have not heard
 * of, or an edit in the admin), reported in one event, and every SKU off its target pushed.
 */
export function makeReconcileShopify(deps: ShopifySyncDeps & { pageSize?: number }) {
  const sync = makeSyncShopifySku(deps);
  return async function reconcileShopify(): Promise<{
    skus: number;
    drifts: Drift[];
    pushed: number;
    failed: number;
  }> {
    const drifts: Drift[] = [];
    let skus = 0;
    let pushedCount = 0;
    let failed = 0;
    let cursor: string | undefined;
    do {
      const page = await deps.store.list({ limit: deps.pageSize ?? 100, ...(cursor ? { cursor } : {}) });
      cursor = page.cursor;
      skus += page.items.length;
      await lookUpItems(
        deps,
        page.items.filter((r) => r.shopify.item === undefined).map((r) => r.sku),
      );
      const records = await deps.store.getMany(page.items.map((r) => r.sku));
      const withItem = [...records.values()].filter(
        (r): r is InventoryRecord & { shopify: { item: ShopifyItem } } => Boolean(r.shopify.item),
      );
      const byLocation = new Map<string, typeof withItem>();
      for (const r of withItem)
        byLocation.set(r.shopify.item.locationId, [...(byLocation.get(r.shopify.item.locationId) ?? []), r]);
      for (const [locationId, group] of byLocation) {
        const actual = await deps.shopify.available(
          group.map((r) => r.shopify.item.inventoryItemId),
          locationId,
        );
        const at = deps.clock.now().toISOString();
        for (const r of group) {
          const seen = actual.get(r.shopify.item.inventoryItemId) ?? 0;
          await mutate(deps.store, r.sku, (record) => {
            // A push in flight owns the quantity: leave it to its own stale check.
            if (record.shopify.raising !== undefined) return { result: undefined };
            if (record.shopify.lease && record.shopify.lease.until > at) return { result: undefined };
            const drift = seen - record.shopify.exposed;
            if (drift !== 0) drifts.push({ sku: r.sku, expected: record.shopify.exposed, actual: seen });
            const observed =
              drift === 0
                ? { ...record, shopify: { ...record.shopify, lastSyncAt: at } }
                : observeShopify(record, seen, at);
            return { result: undefined, next: withDrift(observed, drift, at) };
          });
        }
        for (const r of group) {
          const outcome = await sync(r.sku).catch(() => 'failed' as const);
          if (outcome === 'pushed') pushedCount++;
          if (outcome === 'failed') failed++;
        }
      }
    } while (cursor);
    if (drifts.length > 0) {
      await deps.events.publish([
        {
          source: EVENT_SOURCE.inventory,
          detailType: INVENTORY_DETAIL_TYPE.inventoryDriftDetected,
          detail: { drifts: drifts.slice(0, 500), totalDrifts: drifts.length },
        },
      ]);
    }
    return { skus, drifts, pushed: pushedCount, failed };
  };
}
