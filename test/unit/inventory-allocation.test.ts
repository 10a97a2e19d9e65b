import { describe, expect, it } from 'vitest';
import {
  type AllocationRules,
  allocate,
  applyOrder,
  applyPosition,
  applyRefund,
  DEFAULT_ALLOCATION_RULES,
  emptyRecord,
  exposeMore,
  type InventoryRecord,
  markShipped,
  observeShopify,
  pushed,
  reserveForPurchaseOrder,
} from '#shared/domain/inventory/allocation.ts';

const AT = '2026-11-30T08:00:00.000Z';
const NO_RULES: AllocationRules = { safetyStock: 0, amazon: {}, shopify: {}, skus: {} };

function stocked(onHand: number, asOf = '2026-11-30T06:00:00.000Z'): InventoryRecord {
  const { next } = applyPosition(emptyRecord('PAN', AT), { sku: 'PAN', location: 'WH1', onHand, asOf }, AT);
  if (!next) throw new Error('not applied');
  return next;
}

describe('stock positions', () => {
  it('never lets an older count overwrite a newer one, whatever order they arrive in', () => {
    const newer = stocked(50, '2026-11-30T07:00:00.000Z');
    const older = applyPosition(
      newer,
      { sku: 'PAN', location: 'WH1', onHand: 999, asOf: '2026-11-30T06:00:00.000Z' },
      AT,
    );
    expect(older.outcome).toBe('older');
    expect(older.next).toBeUndefined();
    expect(allocate(newer, NO_RULES).onHand).toBe(50);
  });

  it('keeps the held count when another count claims the same instant, and sums locations', () => {
    const one = stocked(50);
    expect(
      applyPosition(one, { sku: 'PAN', location: 'WH1', onHand: 51, asOf: '2026-11-30T06:00:00.000Z' }, AT)
        .outcome,
    ).toBe('conflict');
    expect(
      applyPosition(one, { sku: 'PAN', location: 'WH1', onHand: 50, asOf: '2026-11-30T06:00:00.000Z' }, AT)
        .outcome,
    ).toBe('unchanged');
    const two = applyPosition(
      one,
      { sku: 'PAN', location: 'WH2', onHand: 7, asOf: '2026-11-30T06:30:00.000Z' },
      AT,
    ).next;
    expect(two && allocate(two, NO_RULES).onHand).toBe(57);
  });
});

describe('allocation', () => {
  it('gives each channel on hand less Amazon reservations, Shopify orders, what Shopify shows and safety stock', () => {
    let record = stocked(100);
    const rules: AllocationRules = { ...NO_RULES, safetyStock: 10 };
    const reserved = reserveForPurchaseOrder(record, rules, 'PO1', 30, AT);
    expect(reserved.outcome).toBe('reserved');
    record = (reserved as { next: InventoryRecord }).next;
    record = pushed(record, 20, AT); // Shopify shows 20
    record = applyOrder(
      record,
      { orderId: 'o1', updatedAt: AT, quantity: 5, cancelled: false },
      AT,
    ) as InventoryRecord;
    const a = allocate(record, rules);
    expect(a.amazon.reserved).toBe(30);
    expect(a.shopify.committed).toBe(5);
    expect(a.shopify.exposed).toBe(15); // Shopify lowered its available by the order
    // 100 - 10 safety - 30 PO - 5 order = 55 free; Amazon may not take the 15 Shopify still shows.
    expect(a.amazon.available).toBe(40);
    expect(a.shopify.target).toBe(55);
  });

  it('caps Shopify by its share and keeps the rest for Amazon (default rules)', () => {
    const a = allocate(stocked(100), DEFAULT_ALLOCATION_RULES);
    expect(a.shopify.target).toBe(30);
    expect(a.amazon.available).toBe(100);
    const shown = pushed(stocked(100), 30, AT);
    expect(allocate(shown, DEFAULT_ALLOCATION_RULES).amazon.available).toBe(70);
  });

  it('ring-fences a channel with a better priority and a share against the other', () => {
    const rules: AllocationRules = {
      ...NO_RULES,
      amazon: { share: 0.6, priority: 1 },
      shopify: { priority: 2 },
    };
    const a = allocate(stocked(100), rules);
    expect(a.amazon.available).toBe(60);
    expect(a.shopify.target).toBe(40);
  });

  it('honours per-SKU overrides: caps and safety stock', () => {
    const rules: AllocationRules = { ...NO_RULES, skus: { PAN: { safetyStock: 5, shopify: { cap: 8 } } } };
    const a = allocate(stocked(20), rules);
    expect(a.safetyStock).toBe(5);
    expect(a.shopify.target).toBe(8);
  });

  it('refuses a PO reservation larger than Amazon may take, and takes nothing more on a replay', () => {
    const record = stocked(10);
    expect(reserveForPurchaseOrder(record, NO_RULES, 'PO1', 11, AT)).toEqual({
      outcome: 'short',
      available: 10,
    });
    const first = reserveForPurchaseOrder(record, NO_RULES, 'PO1', 10, AT) as { next: InventoryRecord };
    expect(reserveForPurchaseOrder(first.next, NO_RULES, 'PO1', 10, AT)).toEqual({ outcome: 'reserved' });
  });

  it('counts a shipped PO until every location is counted after the shipment', () => {
    let record = (reserveForPurchaseOrder(stocked(10), NO_RULES, 'PO1', 4, AT) as { next: InventoryRecord })
      .next;
    record = markShipped(record, 'PO1', '2026-11-30T09:00:00.000Z', AT) as InventoryRecord;
    expect(allocate(record, NO_RULES).amazon).toEqual({ reserved: 0, shipped: 4, available: 6 });
    record = applyPosition(
      record,
      { sku: 'PAN', location: 'WH1', onHand: 6, asOf: '2026-11-30T10:00:00.000Z' },
      AT,
    ).next as InventoryRecord;
    expect(allocate(record, NO_RULES).amazon).toEqual({ reserved: 0, shipped: 0, available: 6 });
  });
});

describe('Shopify orders and refunds', () => {
  const order = (updatedAt: string, extra: Partial<{ cancelled: boolean; quantity: number }> = {}) => ({
    orderId: 'o1',
    updatedAt,
    quantity: extra.quantity ?? 3,
    cancelled: extra.cancelled ?? false,
  });

  it('applies an order once and ignores an older delivery of it', () => {
    let record = pushed(stocked(10), 10, AT);
    record = applyOrder(record, order('2026-11-30T08:01:00Z'), AT) as InventoryRecord;
    expect(applyOrder(record, order('2026-11-30T08:01:00Z'), AT)).toBeUndefined();
    const cancelled = applyOrder(
      record,
      order('2026-11-30T08:05:00Z', { cancelled: true }),
      AT,
    ) as InventoryRecord;
    expect(applyOrder(cancelled, order('2026-11-30T08:01:00Z'), AT)).toBeUndefined();
    expect(allocate(cancelled, NO_RULES).shopify.committed).toBe(0);
    expect(cancelled.shopify.exposed).toBe(10); // Shopify restocks a cancelled order
  });

  it('applies a refund once by its id, even before its order arrives', () => {
    let record = pushed(stocked(10), 10, AT);
    record = applyRefund(
      record,
      { orderId: 'o1', refundId: 'r1', quantity: 1, restocked: false, at: AT },
      AT,
    ) as InventoryRecord;
    expect(
      applyRefund(record, { orderId: 'o1', refundId: 'r1', quantity: 1, restocked: false, at: AT }, AT),
    ).toBeUndefined();
    record = applyOrder(record, order('2026-11-30T08:01:00Z'), AT) as InventoryRecord;
    expect(allocate(record, NO_RULES).shopify.committed).toBe(2);
  });

  it('keeps sales Shopify shows before their orders arrive out of everyone else’s reach', () => {
    let record = pushed(stocked(10), 6, AT);
    record = observeShopify(record, 4, AT); // two units sold, order not here yet
    expect(allocate(record, NO_RULES).amazon.available).toBe(10 - 2 - 4);
    record = applyOrder(record, order('2026-11-30T08:01:00Z', { quantity: 2 }), AT) as InventoryRecord;
    expect(record.shopify.unseen).toBe(0);
    expect(record.shopify.exposed).toBe(4);
    expect(allocate(record, NO_RULES).amazon.available).toBe(4);
  });

  it('counts a raise in flight as shown until Shopify took or refused it', () => {
    const raising = exposeMore(stocked(10), 7, AT) as InventoryRecord;
    expect(allocate(raising, NO_RULES).amazon.available).toBe(3);
    expect(allocate(pushed(raising, undefined, AT), NO_RULES).amazon.available).toBe(10);
  });
});
