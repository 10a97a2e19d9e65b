import { describe, expect, it } from 'vitest';
import { FaultInjector } from '#local/amazon-sandbox/faults.ts';
import {
  BACKLOG_SPAN_MS,
  type GeneratorConfig,
  minorToDecimal,
  PurchaseOrderGenerator,
} from '#local/amazon-sandbox/generator.ts';
import { findMarketplace } from '#local/amazon-sandbox/marketplaces.ts';
import { permute40, unpermute40 } from '#local/amazon-sandbox/prng.ts';
import { TokenBucketLimiter } from '#local/amazon-sandbox/rate-limiter.ts';
import { DECIMAL_PATTERN } from '#shared/sp-api/schemas/common.ts';
import { purchaseOrderSchema } from '#shared/sp-api/schemas/orders.ts';
import { officialModels } from '../support/official-models.ts';

const HOUR = 3_600_000;
const anchor = Date.parse('2026-11-30T08:00:00Z');
const config: GeneratorConfig = {
  seed: 42,
  anchor,
  backlog: 40,
  perHour: 3,
  vendors: [
    { vendorCode: 'ACMEDE', marketplaces: ['DE', 'FR', 'IT', 'ES'] },
    { vendorCode: 'ACMEUK', marketplaces: ['UK'] },
    { vendorCode: 'ACMEUS', marketplaces: ['US', 'CA'] },
  ],
};

const week = (generator: PurchaseOrderGenerator) =>
  generator.createdBetween(anchor - BACKLOG_SPAN_MS, anchor + 5 * 24 * HOUR);

function validEan13(ean: string): boolean {
  if (!/^\d{13}$/.test(ean)) return false;
  const sum = [...ean.slice(0, 12)].reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return (10 - (sum % 10)) % 10 === Number(ean[12]);
}

describe('the sandbox purchase-order generator', () => {
  it('produces the same purchase orders for the same seed', () => {
    // Prepare
    const first = new PurchaseOrderGenerator(config);
    const second = new PurchaseOrderGenerator(config);

    // Act
    const a = week(first);
    const b = week(second);

    // Assess
    expect(a.length).toBeGreaterThan(100);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('produces different purchase orders for another seed', () => {
    // Prepare
    const other = new PurchaseOrderGenerator({ ...config, seed: 43 });

    // Act
    const numbers = new Set(week(new PurchaseOrderGenerator(config)).map((p) => p.purchaseOrderNumber));
    const otherNumbers = week(other).map((p) => p.purchaseOrderNumber);

    // Assess
    expect(otherNumbers.filter((n) => numbers.has(n))).toEqual([]);
  });

  it('spreads the backlog over the two days before the anchor and then publishes perHour', () => {
    // Prepare
    const generator = new PurchaseOrderGenerator(config);

    // Act
    const backlog = generator.createdBetween(anchor - BACKLOG_SPAN_MS, anchor - 1);
    const firstDay = generator.createdBetween(anchor, anchor + 24 * HOUR - 1);

    // Assess
    expect(backlog).toHaveLength(config.backlog);
    expect(Math.abs(firstDay.length - 24 * config.perHour)).toBeLessThanOrEqual(1);
    expect(generator.createdBetween(anchor - 10 * BACKLOG_SPAN_MS, anchor - BACKLOG_SPAN_MS - 1)).toEqual([]);
  });

  it('finds a purchase order by number without scanning, and only numbers it issued', () => {
    // Prepare
    const generator = new PurchaseOrderGenerator(config);
    const some = week(generator).slice(0, 50);

    // Act
    const found = some.map((p) => generator.byNumber(p.purchaseOrderNumber)?.createdAt);

    // Assess
    expect(found).toEqual(some.map((p) => p.createdAt));
    expect(generator.byNumber('ZZZZZZZZ')).toBeUndefined();
    expect(generator.byNumber('not-a-po')).toBeUndefined();
  });

  it('returns purchase orders oldest first within the asked window', () => {
    // Prepare
    const generator = new PurchaseOrderGenerator(config);
    const from = anchor + 3 * HOUR;
    const to = anchor + 9 * HOUR;

    // Act
    const pos = generator.createdBetween(from, to);

    // Assess
    expect(pos.every((p) => p.createdAt >= from && p.createdAt <= to)).toBe(true);
    expect(pos.map((p) => p.createdAt)).toEqual([...pos.map((p) => p.createdAt)].sort((x, y) => x - y));
  });

  it('builds realistic purchase orders that our schema and the official model accept', () => {
    // Prepare
    const generator = new PurchaseOrderGenerator(config);
    const models = officialModels();

    // Act
    const pos = week(generator);

    // Assess
    const numbers = new Set<string>();
    for (const po of pos) {
      const { order } = po;
      expect(po.purchaseOrderNumber).toMatch(/^[0-9A-Z]{8}$/);
      numbers.add(po.purchaseOrderNumber);
      expect(purchaseOrderSchema.safeParse(order).success).toBe(true);
      expect(models.validate('vendorOrders', 'Order', order)).toEqual([]);
      const details = order.orderDetails!;
      const market = findMarketplace(po.marketplace)!;
      expect(config.vendors.find((v) => v.vendorCode === po.vendorCode)?.marketplaces).toContain(
        po.marketplace,
      );
      expect(details.sellingParty?.partyId).toBe(po.vendorCode);
      expect(market.fulfilmentCenters.map((fc) => fc.partyId)).toContain(details.shipToParty?.partyId);
      expect(details.items.length).toBeGreaterThanOrEqual(1);
      expect(details.items.length).toBeLessThanOrEqual(12);
      expect(details.shipWindow ?? details.deliveryWindow).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ--\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
      );
      details.items.forEach((item, i) => {
        expect(item.itemSequenceNumber).toBe(String(i + 1));
        expect(item.amazonProductIdentifier).toMatch(/^B0[0-9A-Z]{8}$/);
        expect(validEan13(item.vendorProductIdentifier ?? '')).toBe(true);
        expect(item.netCost?.amount).toMatch(DECIMAL_PATTERN);
        expect(item.netCost?.currencyCode).toBe(market.currency);
      });
    }
    expect(numbers.size).toBe(pos.length);
    expect(new Set(pos.map((p) => p.order.orderDetails?.items[0]?.netCost?.currencyCode))).toEqual(
      new Set(['EUR', 'GBP', 'USD', 'CAD']),
    );
  });

  it('schedules later Amazon changes for some purchase orders', () => {
    // Prepare
    const generator = new PurchaseOrderGenerator(config);

    // Act
    const changed = week(generator).filter((p) => p.change);

    // Assess
    expect(changed.length).toBeGreaterThan(10);
    for (const po of changed) {
      expect(po.change!.at).toBeGreaterThan(po.createdAt);
      const line = po.order.orderDetails!.items.find(
        (i) => i.itemSequenceNumber === po.change!.lines[0]!.itemSequenceNumber,
      );
      expect(po.change!.lines[0]!.amount).not.toBe(line?.orderedQuantity.amount);
    }
  });

  it('refuses a marketplace it does not simulate', () => {
    // Prepare / Act / Assess
    expect(
      () =>
        new PurchaseOrderGenerator({ ...config, vendors: [{ vendorCode: 'X', marketplaces: ['ATLANTIS'] }] }),
    ).toThrow(/does not simulate marketplace "ATLANTIS"/);
  });
});

describe('the sandbox helpers', () => {
  it('scrambles ordinals into numbers and back without collisions', () => {
    // Prepare
    const ordinals = Array.from({ length: 2000 }, (_, i) => i);

    // Act
    const scrambled = ordinals.map((o) => permute40(o, 'k'));

    // Assess
    expect(new Set(scrambled).size).toBe(ordinals.length);
    expect(scrambled.map((s) => unpermute40(s, 'k'))).toEqual(ordinals);
  });

  it.each([
    [1234, 2, '12.34'],
    [5, 2, '0.05'],
    [-150, 2, '-1.50'],
    [1999, 0, '1999'],
  ])('formats %i minor units with %i digits as %s', (minor, digits, expected) => {
    expect(minorToDecimal(minor, digits)).toBe(expected);
  });

  it('lets a burst through, then throttles until the bucket refills', () => {
    // Prepare
    let now = 0;
    const limiter = new TokenBucketLimiter(() => now);
    const plan = { rate: 10, burst: 10 };

    // Act
    const burst = Array.from({ length: 11 }, () => limiter.take('app:getPurchaseOrders', plan));
    now += 100;
    const afterRefill = limiter.take('app:getPurchaseOrders', plan);
    const otherOperation = limiter.take('app:getTransaction', { rate: 10, burst: 20 });

    // Assess
    expect(burst.filter(Boolean)).toHaveLength(10);
    expect(burst.at(-1)).toBe(false);
    expect(afterRefill).toBe(true);
    expect(otherOperation).toBe(true);
  });

  it('draws the same faults for the same seed', () => {
    // Prepare
    const a = new FaultInjector(7, { errorRate: 0.3, throttleRate: 0.2, malformedRate: 0.1 });
    const b = new FaultInjector(7, { errorRate: 0.3, throttleRate: 0.2, malformedRate: 0.1 });

    // Act
    const first = Array.from({ length: 200 }, () => a.decide());
    const second = Array.from({ length: 200 }, () => b.decide());

    // Assess
    expect(second).toEqual(first);
    expect(first.filter((d) => d.fail === 'throttle').length).toBeGreaterThan(20);
    expect(first.filter((d) => d.fail === 500 || d.fail === 503).length).toBeGreaterThan(20);
  });
});
