/**
 * The inventory use cases with the real Shopify client, the real outbox and the Shopify sandbox
 * over HTTP (webhooks included, signed and delivered by the sandbox), on in-memory stores and a
 * virtual clock: concurrent Shopify orders and Amazon POs at scarce stock, stale
 * `changeFromQuantity`, throttling.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type AllocationRules, allocate } from '#shared/domain/inventory/allocation.ts';
import {
  makeReconcileShopify,
  makeSyncShopifySku,
  ShopifySyncPendingError,
} from '#shared/use-cases/inventory/shopify-sync.ts';
import { makeReceiveShopifyWebhook } from '#shared/use-cases/inventory/shopify-webhooks.ts';
import { makeAmazonStock, makeApplyStockPositions } from '#shared/use-cases/inventory/stock-positions.ts';
import { type ShopifySandbox, startShopifySandbox } from '../../local/shopify-sandbox/index.ts';
import {
  InMemoryInventoryStore,
  InMemoryWebhookLedger,
  syncWorld,
  VirtualClock,
} from '../support/inventory-fakes.ts';

const AS_OF = '2026-11-30T06:00:00.000Z';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A store, a sandbox, and Acorn's webhook endpoint over HTTP in front of the real use case. */
async function setUp(opts: {
  skus: Record<string, number>;
  rules: AllocationRules;
  bucket?: { maximumAvailable: number; restoreRate: number };
}) {
  const clock = new VirtualClock('2026-11-30T08:00:00Z');
  const store = new InMemoryInventoryStore();
  const shopify: ShopifySandbox = await startShopifySandbox({
    clock,
    skus: Object.keys(opts.skus),
    ...(opts.bucket ? { bucket: opts.bucket } : {}),
  });
  closers.push(() => shopify.close());
  const world = syncWorld({ shopify, clock, rules: opts.rules, store });
  await makeApplyStockPositions({ store, events: world.events, clock })('test', {
    positions: Object.entries(opts.skus).map(([sku, onHand]) => ({
      sku,
      location: 'WH1',
      onHand,
      asOf: AS_OF,
    })),
    problems: [],
  });
  const receive = makeReceiveShopifyWebhook({
    store,
    ledger: new InMemoryWebhookLedger(),
    events: world.events,
    clock,
    secret: async () => shopify.credentials.clientSecret,
  });
  const received: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const h = (n: string) => (typeof req.headers[n] === 'string' ? (req.headers[n] as string) : undefined);
    try {
      const r = await receive({
        rawBody: Buffer.concat(chunks),
        hmac: h('x-shopify-hmac-sha256'),
        topic: h('x-shopify-topic'),
        webhookId: h('x-shopify-webhook-id'),
      });
      received.push(r.outcome);
      res.writeHead(200).end();
    } catch {
      res.writeHead(500).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  shopify.setWebhookUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/shopify`);
  return { clock, store, shopify, world, received, sync: makeSyncShopifySku(world.deps) };
}

describe('inventory shared by Amazon and Shopify', () => {
  it('never commits more than on hand when Shopify orders and Amazon POs race for scarce stock, with webhooks late, reversed and twice', async () => {
    const rules: AllocationRules = {
      safetyStock: 2,
      amazon: { priority: 10 },
      shopify: { share: 0.5, priority: 20 },
      skus: {},
    };
    const { store, shopify, clock, sync, received } = await setUp({ skus: { PAN: 14, LID: 9 }, rules });
    const amazon = makeAmazonStock({ store, rules, clock });
    const onHand: Record<string, number> = { PAN: 14, LID: 9 };
    for (const sku of ['PAN', 'LID']) expect(await sync(sku)).toBe('pushed');
    expect(shopify.available('PAN')).toBe(6); // half of the 12 sellable

    shopify.faults.hold = true;
    shopify.faults.duplicate = true;
    const violations: string[] = [];
    const check = async () => {
      for (const sku of ['PAN', 'LID']) {
        const a = allocate(await store.get(sku), rules);
        // What Shopify really sold (its committed) plus what Amazon was promised, against on hand.
        const promised = a.amazon.reserved + (shopify.committed(sku) ?? 0);
        if (promised > (onHand[sku] ?? 0) - rules.safetyStock)
          violations.push(`${sku}: ${promised} promised`);
      }
    };
    const syncQuietly = async (sku: string) => {
      try {
        await sync(sku);
      } catch (error) {
        if (!(error instanceof ShopifySyncPendingError)) throw error;
      }
    };
    let accepted = 0;
    const shoppers = Array.from({ length: 24 }, (_, i) => async () => {
      const sku = i % 3 === 0 ? 'LID' : 'PAN';
      shopify.placeOrder([{ sku, quantity: 1 + (i % 2) }]);
      await check();
      await syncQuietly(sku);
    });
    const purchaseOrders = Array.from({ length: 10 }, (_, i) => async () => {
      const sku = i % 2 === 0 ? 'PAN' : 'LID';
      if (await amazon.reserve(sku, `PO${i}`, 1 + (i % 3))) accepted++;
      await check();
      await syncQuietly(sku);
    });
    await Promise.all([...shoppers, ...purchaseOrders].map((run) => run()));
    // Halfway: some webhooks arrive (in reverse order, each twice), more orders come in.
    await shopify.releaseHeld();
    shopify.faults.hold = false;
    for (const sku of ['PAN', 'LID']) await syncQuietly(sku);
    shopify.placeOrder([{ sku: 'PAN', quantity: 1 }]);
    await shopify.idle();
    for (const sku of ['PAN', 'LID']) await syncQuietly(sku);
    await check();

    expect(violations).toEqual([]);
    expect(accepted).toBeGreaterThan(0);
    expect(shopify.orders().length).toBeGreaterThan(0);
    expect(received).toContain('replay');
    for (const sku of ['PAN', 'LID']) {
      const record = await store.get(sku);
      const a = allocate(record, rules);
      // Every order reached us exactly once, and we know what Shopify shows.
      expect(a.shopify.committed).toBe(shopify.committed(sku));
      expect(record.shopify.exposed).toBe(shopify.available(sku));
      expect(a.shopify.unseen).toBe(0);
      // Nothing sellable idles: every unit is reserved, ordered, shown at Shopify or open to Amazon.
      expect(a.amazon.reserved + a.shopify.committed + a.shopify.exposed + a.amazon.available).toBe(
        (onHand[sku] ?? 0) - rules.safetyStock,
      );
      expect(a.idle).toBe(0);
    }
    // No push ever set Shopify above what the allocation allowed.
    expect(
      shopify
        .mutations()
        .filter((m) => m.outcome === 'applied')
        .every((m) => m.to <= 6),
    ).toBe(true);
  });

  it('re-reads and retries on a stale changeFromQuantity, never writing a quantity computed from the stale one', async () => {
    const rules: AllocationRules = { safetyStock: 0, amazon: {}, shopify: { share: 0.5 }, skus: {} };
    const { store, shopify, sync, clock } = await setUp({ skus: { PAN: 20 }, rules });
    expect(await sync('PAN')).toBe('pushed');
    expect(shopify.available('PAN')).toBe(10);
    // Someone lowers it in the Shopify admin (webhooks lost), then stock arrives.
    shopify.setWebhookUrl('http://127.0.0.1:9/nowhere');
    shopify.setAvailable('PAN', 7);
    await makeApplyStockPositions({ store, events: { publish: async () => {} }, clock })('test', {
      positions: [{ sku: 'PAN', location: 'WH1', onHand: 40, asOf: '2026-11-30T07:00:00.000Z' }],
      problems: [],
    });
    expect(await sync('PAN')).toBe('pushed');
    const log = shopify.mutations();
    expect(log.at(-2)).toMatchObject({ outcome: 'stale', from: 7, to: 20 });
    // The three units Shopify took are treated as sales not yet heard of: 40 × 0.5 − 3.
    expect(log.at(-1)).toMatchObject({ outcome: 'applied', from: 7, to: 17 });
    expect(shopify.available('PAN')).toBe(17);
  });

  it('in simulate records the push in the outbox and sends nothing', async () => {
    const rules: AllocationRules = { safetyStock: 0, amazon: {}, shopify: { share: 1 }, skus: {} };
    const clock = new VirtualClock('2026-11-30T08:00:00Z');
    const shopify = await startShopifySandbox({ clock, skus: ['PAN'] });
    closers.push(() => shopify.close());
    const world = syncWorld({ shopify, clock, rules, mode: 'simulate' });
    await makeApplyStockPositions({ store: world.store, events: world.events, clock })('t', {
      positions: [{ sku: 'PAN', location: 'WH1', onHand: 5, asOf: AS_OF }],
      problems: [],
    });
    expect(await makeSyncShopifySku(world.deps)('PAN')).toBe('simulated');
    expect(shopify.available('PAN')).toBe(0);
    const [message] = [...world.outboxStore.items.values()];
    expect(message?.state).toBe('simulated');
    expect(JSON.parse(message?.payload ?? '{}').input.quantities[0]).toMatchObject({
      quantity: 5,
      changeFromQuantity: 0,
    });
    expect(allocate(await world.store.get('PAN'), rules).amazon.available).toBe(5);
  });

  it('reconciles every SKU within Shopify’s cost limit, reporting and correcting drift', async () => {
    const skus = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`SKU-${i}`, 10]));
    const rules: AllocationRules = { safetyStock: 0, amazon: {}, shopify: { share: 0.5 }, skus: {} };
    const { shopify, world, clock } = await setUp({
      skus,
      rules,
      bucket: { maximumAvailable: 300, restoreRate: 50 },
    });
    const reconcile = makeReconcileShopify(world.deps);
    const start = clock.now().getTime();
    const first = await reconcile();
    expect(first.skus).toBe(60);
    expect(first.pushed).toBe(60);
    expect(clock.now().getTime()).toBeGreaterThan(start); // it had to wait for the bucket
    shopify.setWebhookUrl('http://127.0.0.1:9/nowhere');
    shopify.setAvailable('SKU-7', 2);
    const second = await reconcile();
    expect(second.drifts).toEqual([{ sku: 'SKU-7', expected: 5, actual: 2 }]);
    expect(world.events.published.some((e) => e.detailType === 'InventoryDriftDetected')).toBe(true);
  });
});
