/**
 * `npx tsx bench/rules-engine.ts`: throughput of the acknowledgement rules engine on one core.
 *
 * Generates a catalogue, a stock file and 200,000 PO lines shaped like the sandbox's (EANs, ASINs,
 * cases and eaches, ship or delivery windows), with a mix that walks every rule: most lines in
 * stock, some short (backorder / partial / reject), some unknown, discontinued or off in cost.
 * Prints lines per second for the batch API, for single POs chained through `remainingStock`, and
 * for building the acknowledgement payloads, with the machine they ran on. Figures are never
 * asserted in tests.
 */
import { buildAcknowledgement } from '#shared/domain/purchase-orders/acknowledgement-payload.ts';
import {
  decidePurchaseOrder,
  decidePurchaseOrders,
  type PurchaseOrderToDecide,
} from '#shared/domain/purchase-orders/acknowledgement-rules.ts';
import { type CatalogEntry, CatalogIndex } from '#shared/domain/purchase-orders/catalog.ts';
import { validateRules } from '#shared/domain/purchase-orders/rules-config.ts';
import type { OrderItem, PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import { describeMachine, formatMachine } from './machine.ts';

const LINES = Number(process.env.BENCH_LINES ?? 200_000);
const SKUS = 5_000;
const RUNS = 5;
const NOW = new Date('2026-12-01T09:00:00Z');
const DAY = 86_400_000;

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ean13(n: number): string {
  const body = `40${String(n).padStart(10, '0')}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return body + ((10 - (sum % 10)) % 10);
}

const cents = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;

function generate(): { catalog: CatalogIndex; stock: Map<string, number>; orders: PurchaseOrderToDecide[] } {
  const next = prng(42);
  const entries: CatalogEntry[] = [];
  const products: { ean: string; asin: string; cost: number; caseSize: number }[] = [];
  for (let i = 0; i < SKUS; i++) {
    const cost = 150 + Math.floor(next() * 9000);
    const product = {
      ean: ean13(i),
      asin: `B0${i.toString(36).toUpperCase().padStart(8, '0')}`,
      cost,
      caseSize: [1, 1, 1, 6, 12][Math.floor(next() * 5)]!,
    };
    products.push(product);
    entries.push({
      sku: `SKU-${i}`,
      asin: product.asin,
      ean: product.ean,
      marketplace: 'DE',
      expectedNetCost: cents(cost),
      currency: 'EUR',
      status: next() < 0.02 ? 'discontinued' : 'active',
      leadTimeDays: Math.floor(next() * 21),
      ...(next() < 0.1 ? { maxOrderQuantity: 400 } : {}),
    });
  }
  const stock = new Map(entries.map((e) => [e.sku, Math.floor(next() * 2000)]));

  const orders: PurchaseOrderToDecide[] = [];
  let lines = 0;
  for (let n = 0; lines < LINES; n++) {
    const count = Math.min(LINES - lines, 1 + Math.floor(next() ** 2 * 19));
    const items: OrderItem[] = [];
    for (let k = 0; k < count; k++) {
      const unknown = next() < 0.01;
      const p = products[Math.floor(next() * SKUS)]!;
      const cases = p.caseSize > 1;
      const drift = next() < 0.03 ? 1.1 : 1;
      items.push({
        itemSequenceNumber: String(k + 1),
        amazonProductIdentifier: unknown ? 'B0UNKNOWN0' : p.asin,
        vendorProductIdentifier: unknown ? ean13(900_000 + k) : p.ean,
        orderedQuantity: cases
          ? { amount: 1 + Math.floor(next() * 20), unitOfMeasure: 'Cases', unitSize: p.caseSize }
          : { amount: 1 + Math.floor(next() * 60), unitOfMeasure: 'Eaches', unitSize: 1 },
        isBackOrderAllowed: next() < 0.6,
        netCost: { amount: cents(Math.round(p.cost * drift)), currencyCode: 'EUR' },
      });
    }
    lines += count;
    const start = NOW.getTime() + (1 + Math.floor(next() * 8)) * DAY;
    const window = `${new Date(start).toISOString()}--${new Date(start + 4 * DAY).toISOString()}`;
    const order: PurchaseOrder = {
      purchaseOrderNumber: n.toString(36).toUpperCase().padStart(8, '0'),
      purchaseOrderState: 'New',
      orderDetails: {
        purchaseOrderDate: '2026-12-01T08:00:00Z',
        purchaseOrderStateChangedDate: '2026-12-01T08:00:00Z',
        sellingParty: { partyId: 'ACMEDE' },
        ...(next() < 0.3 ? { shipWindow: window } : { deliveryWindow: window }),
        items,
      },
    };
    orders.push({ order, marketplace: 'DE', vendorCode: 'ACMEDE' });
  }
  return { catalog: CatalogIndex.build(entries), stock, orders };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(fn: () => void): number {
  fn(); // warm-up: JIT, caches
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    fn();
    runs.push(performance.now() - started);
  }
  return median(runs);
}

const rate = (count: number, ms: number) => Math.round(count / (ms / 1000)).toLocaleString('en-US');

function main(): void {
  console.log('Acorn benchmark: acknowledgement rules engine (one core, median of 5 runs after a warm-up)');
  console.log(formatMachine(describeMachine()));

  const generatedAt = performance.now();
  const { catalog, stock, orders } = generate();
  const lineCount = orders.reduce((sum, o) => sum + o.order.orderDetails!.items.length, 0);
  console.log(
    `\ndata     ${lineCount.toLocaleString('en-US')} lines in ${orders.length.toLocaleString('en-US')} POs, ` +
      `${catalog.size.toLocaleString('en-US')} SKUs, generated in ${(performance.now() - generatedAt).toFixed(0)} ms`,
  );
  const rules = validateRules({
    costTolerance: { absolute: { EUR: '0.05' }, percent: 2 },
    defaultSafetyStock: 5,
    reviewAboveQuantity: 600,
  });

  // Batch API: one stock ledger across every PO.
  let batch: ReturnType<typeof decidePurchaseOrders> | undefined;
  const batchMs = time(() => {
    batch = decidePurchaseOrders({ orders, catalog, stock, rules, now: NOW });
  });

  // Single POs chained through remainingStock (copies the stock map per PO).
  const chainedOrders = orders.slice(0, Math.ceil(orders.length / 10));
  const chainedLines = chainedOrders.reduce((sum, o) => sum + o.order.orderDetails!.items.length, 0);
  const chainedMs = time(() => {
    let remaining: ReadonlyMap<string, number> = stock;
    for (const o of chainedOrders) {
      remaining = decidePurchaseOrder({ ...o, catalog, stock: remaining, rules, now: NOW }).remainingStock;
    }
  });

  // Payloads for the POs that need no review (strict schema check included).
  const decisions = batch!.decisions;
  const complete = decisions.flatMap((d, i) => (d.complete ? [{ d, order: orders[i]!.order }] : []));
  const payloadLines = complete.reduce((sum, c) => sum + c.d.lines.length, 0);
  const payloadMs = time(() => {
    for (const { d, order } of complete) {
      buildAcknowledgement({
        order,
        decisions: d.lines,
        sellingParty: { partyId: 'ACMEDE' },
        acknowledgementDate: NOW,
      });
    }
  });

  const outcomes = new Map<string, number>();
  for (const d of decisions)
    for (const l of d.lines) outcomes.set(l.ruleId, (outcomes.get(l.ruleId) ?? 0) + 1);
  const mix = [...outcomes.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([rule, count]) => `${rule} ${((100 * count) / lineCount).toFixed(1)} %`)
    .join(', ');

  console.log(
    `\ndecidePurchaseOrders (batch)          ${rate(lineCount, batchMs).padStart(10)} lines/s  (${batchMs.toFixed(0)} ms for ${lineCount.toLocaleString('en-US')} lines)`,
  );
  console.log(
    `decidePurchaseOrder (chained)         ${rate(chainedLines, chainedMs).padStart(10)} lines/s  (${chainedOrders.length.toLocaleString('en-US')} POs, ${stock.size.toLocaleString('en-US')} SKUs, each PO fed the previous remainingStock)`,
  );
  console.log(
    `buildAcknowledgement (strict schema)  ${rate(payloadLines, payloadMs).padStart(10)} lines/s  (${complete.length.toLocaleString('en-US')} complete POs)`,
  );
  console.log(`\nrule mix  ${mix}`);
}

main();
