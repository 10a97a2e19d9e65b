/**
 * The stateful Shopify sandbox: the Admin GraphQL operations Acorn uses (variants by SKU,
 * locations, inventory levels, `inventorySetQuantities` with the mandatory `changeFromQuantity` of
 * API 2026-04), the client-credentials token endpoint (24 h tokens), cost-based throttling with
 * `extensions.cost.throttleStatus` (Standard plan: 100 points/s, bucket 2000), and webhooks signed
 * like Shopify's (`X-Shopify-Hmac-Sha256`, `X-Shopify-Webhook-Id`). A small order generator lets
 * `npm start` show store orders consuming stock. Faults for tests: delayed, duplicated and held
 * (then released out of order) webhook deliveries. Analytics: `shopifyqlQuery` over store sessions
 * and orders (analytics.ts), with faults for a parse error or a malformed answer.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Clock } from '#shared/clock.ts';
import { signShopifyBody } from '#shared/shopify/webhooks.ts';
import { conversionOf, runShopifyql, type SandboxConversionDay } from './analytics.ts';
import {
  addItem,
  cancelOrder,
  fulfilOrder,
  level,
  newStore,
  orderPayload,
  placeOrder,
  type SandboxOrder,
  type StoreState,
  skuOf,
} from './store.ts';

export const DEFAULT_SHOPIFY_CREDENTIALS = {
  clientId: 'sandbox-shopify-client',
  clientSecret: 'sandbox-shopify-client-secret',
} as const;

const BUCKET = { maximumAvailable: 2000, restoreRate: 100 };
const TOKEN_SECONDS = 86_400;

export interface ShopifySandboxOptions {
  readonly port?: number;
  readonly clock: Clock;
  /** Where the store is persisted (`store.json`); in memory when absent. */
  readonly stateDir?: string;
  /** SKUs the store sells (one variant each). */
  readonly skus: readonly string[];
  /** Where webhooks go (Acorn's `/webhooks/shopify`); settable later. */
  readonly webhookUrl?: string;
  /** Random shopper orders per clock hour (`npm start`); none when absent. */
  readonly orderGeneration?: { perHour: number; fulfilAfterMinutes: number };
  /** Bucket override (tests of throttling). */
  readonly bucket?: { maximumAvailable: number; restoreRate: number };
  /** Browsing sessions per clock hour (± 25 %). @default 25 × orderGeneration.perHour, else 100 */
  readonly sessionsPerHour?: number;
}

/** Faults of `shopifyqlQuery`: every query answered with parse errors, or with a malformed table. */
export interface AnalyticsFaults {
  parseError?: boolean;
  malformed?: boolean;
}

export interface WebhookFaults {
  /** Real milliseconds before each delivery. */
  delayMs?: number;
  /** Deliver every webhook twice (same id). */
  duplicate?: boolean;
  /** Keep deliveries until `releaseHeld()`, which sends them in reverse order. */
  hold?: boolean;
}

export interface ShopifySandbox {
  readonly url: string;
  readonly credentials: { shopDomain: string; clientId: string; clientSecret: string };
  setWebhookUrl(url: string): void;
  readonly faults: WebhookFaults;
  readonly analyticsFaults: AnalyticsFaults;
  /** The store's sessions, completed checkouts and orders of `day` (UTC) as its analytics report them at `at` (now). */
  conversion(day: string, at?: Date): SandboxConversionDay;
  available(sku: string): number | undefined;
  committed(sku: string): number | undefined;
  /** An edit in the Shopify admin (drift): fires `inventory_levels/update`. */
  setAvailable(sku: string, quantity: number): void;
  placeOrder(lines: readonly { sku: string; quantity: number }[]): SandboxOrder | undefined;
  fulfilOrder(orderId: number): SandboxOrder | undefined;
  cancelOrder(orderId: number): SandboxOrder | undefined;
  refund(orderId: number, lines: readonly { sku: string; quantity: number; restock: boolean }[]): void;
  orders(): readonly SandboxOrder[];
  /** Every `inventorySetQuantities` applied or refused, in order. */
  mutations(): readonly { at: string; sku: string; from: number; to: number; outcome: 'applied' | 'stale' }[];
  releaseHeld(): Promise<void>;
  /** Resolves when every delivery started so far has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startShopifySandbox(options: ShopifySandboxOptions): Promise<ShopifySandbox> {
  const clock = options.clock;
  const bucket = options.bucket ?? BUCKET;
  const file = options.stateDir ? join(options.stateDir, 'store.json') : undefined;
  const nowIso = () => clock.now().toISOString();
  const state: StoreState =
    file && existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as StoreState)
      : newStore(options.skus, nowIso());
  for (const sku of options.skus) addItem(state, sku, nowIso());
  const save = () => {
    if (!file || !options.stateDir) return;
    mkdirSync(options.stateDir, { recursive: true });
    writeFileSync(file, JSON.stringify(state));
  };
  save();

  const credentials = { ...DEFAULT_SHOPIFY_CREDENTIALS };
  const tokens = new Map<string, number>();
  let tokenBucket = { available: bucket.maximumAvailable, at: clock.now().getTime() };
  let webhookUrl = options.webhookUrl;
  const faults: WebhookFaults = {};
  const analyticsFaults: AnalyticsFaults = {};
  if (!state.openedAt) {
    state.openedAt = nowIso();
    save();
  }
  const sessionsPerHour = options.sessionsPerHour ?? (options.orderGeneration?.perHour ?? 4) * 25;
  const held: (() => Promise<void>)[] = [];
  const inFlight = new Set<Promise<void>>();
  const mutationLog: { at: string; sku: string; from: number; to: number; outcome: 'applied' | 'stale' }[] =
    [];

  function refill(): number {
    const now = clock.now().getTime();
    tokenBucket = {
      available: Math.min(
        bucket.maximumAvailable,
        tokenBucket.available + ((now - tokenBucket.at) / 1000) * bucket.restoreRate,
      ),
      at: now,
    };
    return tokenBucket.available;
  }
  const throttleStatus = () => ({
    maximumAvailable: bucket.maximumAvailable,
    currentlyAvailable: Math.floor(refill()),
    restoreRate: bucket.restoreRate,
  });

  function deliver(topic: string, payload: unknown): void {
    if (!webhookUrl) return;
    const body = JSON.stringify(payload);
    const id = randomUUID();
    const url = webhookUrl;
    const send = async () => {
      for (let attempt = 0; attempt < 4; attempt++) {
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-shopify-topic': topic,
              'x-shopify-hmac-sha256': signShopifyBody(body, credentials.clientSecret),
              'x-shopify-shop-domain': 'acorn-sandbox.myshopify.com',
              'x-shopify-api-version': '2026-04',
              'x-shopify-webhook-id': id,
              'x-shopify-triggered-at': nowIso(),
            },
            body,
          });
          if (res.ok) return;
        } catch {
          // Acorn not up yet: Shopify retries too.
        }
        await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
      }
    };
    const run = async () => {
      if (faults.delayMs) await new Promise((r) => setTimeout(r, faults.delayMs));
      await send();
      if (faults.duplicate) await send();
    };
    if (faults.hold) {
      held.push(run);
      return;
    }
    const p = run().finally(() => inFlight.delete(p));
    inFlight.add(p);
  }

  const location = () => state.locations[0]?.id ?? '';

  function graphql(query: string, variables: Record<string, unknown>): { status: number; body: unknown } {
    const op = /^\s*(query|mutation)\s+(\w+)/.exec(query)?.[2] ?? '';
    const ids = Array.isArray(variables.ids) ? (variables.ids as string[]) : [];
    const requested =
      op === 'AcornInventoryItemsBySku'
        ? 252
        : op === 'AcornLocations'
          ? 52
          : op === 'AcornAvailable'
            ? 3 * ids.length + 1
            : 10;
    if (refill() < requested) {
      return {
        status: 200,
        body: {
          errors: [
            {
              message: 'Throttled',
              extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
            },
          ],
          extensions: {
            cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: throttleStatus() },
          },
        },
      };
    }
    tokenBucket.available -= requested;
    const done = (data: unknown, actual: number) => {
      tokenBucket.available += requested - actual;
      return {
        status: 200,
        body: {
          data,
          extensions: {
            cost: {
              requestedQueryCost: requested,
              actualQueryCost: actual,
              throttleStatus: throttleStatus(),
            },
          },
        },
      };
    };
    if (op === 'AcornInventoryItemsBySku') {
      const q = String(variables.query ?? '');
      const skus = [...q.matchAll(/sku:"((?:[^"\\]|\\.)*)"/g)].map((m) =>
        (m[1] ?? '').replace(/\\(.)/g, '$1'),
      );
      const nodes = skus.flatMap((sku) =>
        state.items[sku] ? [{ sku, inventoryItem: { id: state.items[sku] } }] : [],
      );
      return done({ productVariants: { nodes } }, nodes.length + 2);
    }
    if (op === 'AcornShopifyql') {
      if (analyticsFaults.parseError)
        return done(
          { shopifyqlQuery: { tableData: null, parseErrors: ['Syntax error at line 1, column 1'] } },
          10,
        );
      const answer = runShopifyql(
        String(variables.query ?? ''),
        state,
        clock.now().getTime(),
        sessionsPerHour,
      );
      if (analyticsFaults.malformed && answer.tableData) {
        answer.tableData.rows = answer.tableData.rows.map((row) => ({ ...row, day: 'yesterday-ish' }));
      }
      return done({ shopifyqlQuery: answer }, 10);
    }
    if (op === 'AcornLocations')
      return done({ locations: { nodes: state.locations } }, state.locations.length + 2);
    if (op === 'AcornAvailable') {
      const locationId = String(variables.locationId ?? '');
      const nodes = ids.map((id) => {
        const l = level(state, id, locationId);
        return skuOf(state, id)
          ? { id, inventoryLevel: l ? { quantities: [{ name: 'available', quantity: l.available }] } : null }
          : null;
      });
      return done({ nodes }, 2 * ids.length + 1);
    }
    if (op === 'AcornSetQuantities') {
      const input = (variables.input ?? {}) as {
        name?: string;
        reason?: string;
        quantities?: {
          inventoryItemId: string;
          locationId: string;
          quantity: number;
          changeFromQuantity?: number | null;
        }[];
      };
      const userErrors: { code: string; field: string[]; message: string }[] = [];
      if (input.name !== 'available' && input.name !== 'on_hand')
        userErrors.push({
          code: 'INVALID_NAME',
          field: ['input', 'name'],
          message: 'name must be available or on_hand',
        });
      const quantities = input.quantities ?? [];
      quantities.forEach((q, i) => {
        if (q.changeFromQuantity === undefined) {
          userErrors.push({
            code: 'INVALID_INPUT',
            field: ['input', 'quantities', String(i), 'changeFromQuantity'],
            message: 'changeFromQuantity is required',
          });
          return;
        }
        const l = level(state, q.inventoryItemId, q.locationId);
        if (!l)
          userErrors.push({
            code: 'INVALID_INVENTORY_ITEM',
            field: ['input', 'quantities', String(i)],
            message: 'no such item at the location',
          });
        else if (q.changeFromQuantity !== null && q.changeFromQuantity !== l.available) {
          userErrors.push({
            code: 'CHANGE_FROM_QUANTITY_STALE',
            field: ['input', 'quantities', String(i), 'changeFromQuantity'],
            message: 'The specified changeFromQuantity does not match the current quantity',
          });
          mutationLog.push({
            at: nowIso(),
            sku: skuOf(state, q.inventoryItemId) ?? '',
            from: l.available,
            to: q.quantity,
            outcome: 'stale',
          });
        }
      });
      if (userErrors.length > 0)
        return done({ inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors } }, 10);
      for (const q of quantities) {
        const l = level(state, q.inventoryItemId, q.locationId);
        if (!l) continue;
        mutationLog.push({
          at: nowIso(),
          sku: skuOf(state, q.inventoryItemId) ?? '',
          from: l.available,
          to: q.quantity,
          outcome: 'applied',
        });
        l.available = q.quantity;
        l.updatedAt = nowIso();
      }
      save();
      return done(
        {
          inventorySetQuantities: {
            inventoryAdjustmentGroup: {
              id: `gid://shopify/InventoryAdjustmentGroup/${state.nextId++}`,
              createdAt: nowIso(),
            },
            userErrors: [],
          },
        },
        10,
      );
    }
    return {
      status: 200,
      body: { errors: [{ message: `Unknown operation ${op || '(anonymous)'} in the sandbox` }] },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/admin/oauth/access_token') {
      let body: Record<string, string> = {};
      const raw = await readBody(req);
      try {
        body = (req.headers['content-type'] ?? '').includes('json')
          ? JSON.parse(raw)
          : Object.fromEntries(new URLSearchParams(raw));
      } catch {
        return json(res, 400, { error: 'invalid_request' });
      }
      if (
        body.grant_type !== 'client_credentials' ||
        body.client_id !== credentials.clientId ||
        body.client_secret !== credentials.clientSecret
      ) {
        return json(res, 400, { error: 'invalid_client' });
      }
      const token = `shpat_sandbox_${randomUUID().replace(/-/g, '')}`;
      tokens.set(token, clock.now().getTime() + TOKEN_SECONDS * 1000);
      return json(res, 200, {
        access_token: token,
        scope: 'read_inventory,write_inventory,read_locations,read_products,read_orders,read_reports',
        expires_in: TOKEN_SECONDS,
      });
    }
    const gql = /^\/admin\/api\/(\d{4}-\d{2})\/graphql\.json$/.exec(url.pathname);
    if (req.method === 'POST' && gql) {
      const token = req.headers['x-shopify-access-token'];
      const until = typeof token === 'string' ? tokens.get(token) : undefined;
      if (!until || until <= clock.now().getTime())
        return json(res, 401, { errors: '[API] Invalid API key or access token' });
      if ((gql[1] ?? '') < '2026-04')
        return json(res, 400, { errors: 'the sandbox serves API 2026-04 and later' });
      let body: { query?: string; variables?: Record<string, unknown> };
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return json(res, 400, { errors: 'body is not JSON' });
      }
      const result = graphql(body.query ?? '', body.variables ?? {});
      return json(res, result.status, result.body);
    }
    if (req.method === 'GET' && url.pathname === '/sandbox/inventory') {
      return json(res, 200, {
        items: Object.entries(state.items).map(([sku, id]) => ({
          sku,
          inventoryItemId: id,
          ...level(state, id, location()),
        })),
        orders: state.orders.length,
      });
    }
    json(res, 404, { errors: 'Not Found' });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => json(res, 500, { errors: (error as Error).message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const sandbox: ShopifySandbox = {
    url,
    credentials: { shopDomain: url, ...credentials },
    setWebhookUrl: (u) => {
      webhookUrl = u;
    },
    faults,
    analyticsFaults,
    conversion: (day, at) => conversionOf(state, day, (at ?? clock.now()).getTime(), sessionsPerHour),
    available: (sku) => level(state, state.items[sku] ?? '', location())?.available,
    committed: (sku) => level(state, state.items[sku] ?? '', location())?.committed,
    setAvailable(sku, quantity) {
      const id = state.items[sku];
      const l = id ? level(state, id, location()) : undefined;
      if (!id || !l) return;
      l.available = quantity;
      l.updatedAt = nowIso();
      save();
      deliver('inventory_levels/update', {
        inventory_item_id: Number(id.split('/').at(-1)),
        location_id: Number(location().split('/').at(-1)),
        available: quantity,
        updated_at: l.updatedAt,
        admin_graphql_api_id: id,
      });
    },
    placeOrder(lines) {
      const order = placeOrder(state, lines, nowIso());
      if (order) {
        save();
        deliver('orders/create', orderPayload(order));
      }
      return order;
    },
    fulfilOrder(orderId) {
      const order = fulfilOrder(state, orderId, nowIso());
      if (order) {
        save();
        deliver('orders/fulfilled', orderPayload(order));
      }
      return order;
    },
    cancelOrder(orderId) {
      const order = cancelOrder(state, orderId, nowIso());
      if (order) {
        save();
        deliver('orders/cancelled', orderPayload(order));
      }
      return order;
    },
    refund(orderId, lines) {
      const order = state.orders.find((o) => o.id === orderId);
      if (!order) return;
      const refund = { id: state.nextId++, createdAt: nowIso(), lines: [...lines] };
      order.refunds.push(refund);
      for (const line of lines) {
        const l = level(state, state.items[line.sku] ?? '', location());
        if (l && line.restock) l.available += line.quantity;
      }
      save();
      deliver('refunds/create', {
        id: refund.id,
        order_id: order.id,
        created_at: refund.createdAt,
        refund_line_items: lines.map((l) => ({
          quantity: l.quantity,
          restock_type: l.restock ? 'return' : 'no_restock',
          line_item: { sku: l.sku },
        })),
      });
    },
    orders: () => state.orders,
    mutations: () => mutationLog,
    async releaseHeld() {
      const batch = held.splice(0).reverse();
      for (const run of batch) await run();
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async close() {
      if (generator) clearInterval(generator);
      await sandbox.idle();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  // Shoppers: a few orders per clock hour for SKUs the store shows, fulfilled some time later.
  let generator: NodeJS.Timeout | undefined;
  if (options.orderGeneration && options.orderGeneration.perHour > 0) {
    const { perHour, fulfilAfterMinutes } = options.orderGeneration;
    let last = clock.now().getTime();
    let seed = 1;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    generator = setInterval(() => {
      const now = clock.now().getTime();
      const due = Math.floor(((now - last) / 3_600_000) * perHour);
      if (due <= 0) return;
      last = now;
      for (let i = 0; i < Math.min(due, 20); i++) {
        const onSale = Object.keys(state.items).filter((sku) => (sandbox.available(sku) ?? 0) > 0);
        const sku = onSale[Math.floor(random() * onSale.length)];
        if (sku)
          sandbox.placeOrder([
            { sku, quantity: 1 + Math.floor(random() * Math.min(3, sandbox.available(sku) ?? 1)) },
          ]);
      }
      for (const order of state.orders) {
        if (
          !order.cancelledAt &&
          order.lines.some((l) => l.fulfillable > 0) &&
          now - Date.parse(order.createdAt) > fulfilAfterMinutes * 60_000
        ) {
          sandbox.fulfilOrder(order.id);
        }
      }
    }, 1000);
    generator.unref();
  }
  return sandbox;
}
