/**
 * In-memory inventory ports with the DynamoDB adapters' rules (revision-conditioned writes, a
 * webhook id claimed once), a clock whose sleeps pass in virtual time, and a builder that wires
 * the real use cases, the real outbox and the real Shopify client against the Shopify sandbox.
 */

import { makeInventoryOutbox } from '#shared/aws/inventory-outbox.ts';
import type { Clock } from '#shared/clock.ts';
import type { AutomationMode } from '#shared/config/runtime.ts';
import {
  type AllocationRules,
  emptyRecord,
  type InventoryRecord,
} from '#shared/domain/inventory/allocation.ts';
import { ShopifyGraphqlClient } from '#shared/shopify/client.ts';
import { ShopifyInventoryApi } from '#shared/shopify/inventory.ts';
import type { InventoryStore, WebhookLedger } from '#shared/use-cases/inventory/ports.ts';
import type { ShopifySyncDeps } from '#shared/use-cases/inventory/shopify-sync.ts';
import type { ShopifySandbox } from '../../local/shopify-sandbox/index.ts';
import { RecordingArchive, RecordingAuditTrail } from './acknowledgement-fakes.ts';
import { RecordingPublisher } from './fakes.ts';
import { InMemoryOutboxStore } from './outbox-fakes.ts';

export class InMemoryInventoryStore implements InventoryStore {
  readonly items = new Map<string, InventoryRecord>();
  conflicts = 0;

  async get(sku: string): Promise<InventoryRecord> {
    await Promise.resolve();
    const held = this.items.get(sku);
    return held ? structuredClone(held) : emptyRecord(sku, '1970-01-01T00:00:00.000Z');
  }

  async getMany(skus: readonly string[]): Promise<Map<string, InventoryRecord>> {
    await Promise.resolve();
    const out = new Map<string, InventoryRecord>();
    for (const sku of skus) {
      const held = this.items.get(sku);
      if (held) out.set(sku, structuredClone(held));
    }
    return out;
  }

  async write(record: InventoryRecord): Promise<'written' | 'conflict'> {
    await Promise.resolve();
    const held = this.items.get(record.sku);
    if ((held?.revision ?? 0) !== record.revision - 1) {
      this.conflicts++;
      return 'conflict';
    }
    this.items.set(record.sku, structuredClone(record));
    return 'written';
  }

  async list(options: { limit: number; cursor?: string }) {
    const skus = [...this.items.keys()].sort();
    const start = options.cursor ? skus.indexOf(options.cursor) + 1 : 0;
    const page = skus.slice(start, start + options.limit);
    const last = page.at(-1);
    return {
      items: page.map((s) => structuredClone(this.items.get(s) as InventoryRecord)),
      ...(start + options.limit < skus.length && last ? { cursor: last } : {}),
    };
  }
}

export class InMemoryWebhookLedger implements WebhookLedger {
  readonly seen = new Set<string>();
  async claim(webhookId: string): Promise<'first' | 'replay'> {
    await Promise.resolve();
    if (this.seen.has(webhookId)) return 'replay';
    this.seen.add(webhookId);
    return 'first';
  }
  async release(webhookId: string): Promise<void> {
    this.seen.delete(webhookId);
  }
}

/** Time that moves only when someone sleeps (or `advance`): throttling waits cost nothing real. */
export class VirtualClock implements Clock {
  #now: number;
  constructor(start: string) {
    this.#now = Date.parse(start);
  }
  now(): Date {
    return new Date(this.#now);
  }
  async sleep(ms: number): Promise<void> {
    this.#now += Math.max(0, ms);
    await Promise.resolve();
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** The sync's dependencies over in-memory stores, the real outbox and client, against `shopify`. */
export function syncWorld(opts: {
  shopify: ShopifySandbox;
  clock: Clock;
  rules: AllocationRules;
  store?: InMemoryInventoryStore;
  mode?: AutomationMode;
}) {
  const store = opts.store ?? new InMemoryInventoryStore();
  const events = new RecordingPublisher();
  const outboxStore = new InMemoryOutboxStore();
  const audit = new RecordingAuditTrail();
  const api = new ShopifyInventoryApi(
    new ShopifyGraphqlClient({ credentials: async () => opts.shopify.credentials, clock: opts.clock }),
  );
  const deps: ShopifySyncDeps = {
    store,
    outbox: makeInventoryOutbox({
      store: outboxStore,
      archive: new RecordingArchive(),
      audit,
      clock: opts.clock,
      modeOf: () => opts.mode ?? 'live',
      api: async () => api,
      leaseMs: 240_000,
    }),
    shopify: api,
    rules: opts.rules,
    clock: opts.clock,
    events,
  };
  return { deps, store, events, outboxStore, audit, api };
}
