import { describe, expect, it } from 'vitest';
import {
  type AllocationRules,
  allocate,
  applyPosition,
  closePurchaseOrder,
  emptyRecord,
  type InventoryRecord,
  reserveForPurchaseOrder,
  shipFromReservation,
} from '#shared/domain/inventory/allocation.ts';
import type { AcknowledgementRecord } from '#shared/domain/purchase-orders/acknowledgement-record.ts';
import { INVENTORY_DETAIL_TYPE } from '#shared/events.ts';
import {
  type ConfirmedShipment,
  makeReleaseClosedPurchaseOrder,
  makeReleaseShippedReservations,
} from '#shared/use-cases/inventory/release-shipped.ts';
import { InMemoryAcknowledgementStore } from '../support/acknowledgement-fakes.ts';
import { RecordingPublisher } from '../support/fakes.ts';
import { InMemoryInventoryStore, VirtualClock } from '../support/inventory-fakes.ts';

const AT = '2026-12-02T08:00:00.000Z';
const SHIPPED_AT = '2026-12-02T07:00:00.000Z';
const NO_RULES: AllocationRules = { safetyStock: 0, amazon: {}, shopify: {}, skus: {} };

function reserved(sku: string, onHand: number, po: string, quantity: number): InventoryRecord {
  const counted = applyPosition(
    emptyRecord(sku, AT),
    { sku, location: 'WH1', onHand, asOf: '2026-12-01T06:00:00.000Z' },
    AT,
  ).next as InventoryRecord;
  const outcome = reserveForPurchaseOrder(counted, NO_RULES, po, quantity, AT);
  if (outcome.outcome !== 'reserved' || !outcome.next) throw new Error('not reserved');
  return { ...outcome.next, revision: 1 };
}

describe('shipFromReservation', () => {
  it('moves shipped eaches out of the reservation once per shipment, counted until the ERP recounts', () => {
    let record = reserved('PAN', 100, 'PO1', 40);
    expect(allocate(record, NO_RULES).amazon).toEqual({ reserved: 40, shipped: 0, available: 60 });

    const first = shipFromReservation(
      record,
      'PO1',
      { shipmentId: 'S1', quantity: 15, shippedAt: SHIPPED_AT },
      AT,
    );
    expect(first.outcome).toBe('shipped');
    record = first.next as InventoryRecord;
    // The 15 left the dock but the ERP's 100 still includes them: nothing more is promised yet.
    expect(allocate(record, NO_RULES).amazon).toEqual({ reserved: 25, shipped: 15, available: 60 });

    expect(
      shipFromReservation(record, 'PO1', { shipmentId: 'S1', quantity: 15, shippedAt: SHIPPED_AT }, AT),
    ).toEqual({ outcome: 'replay' });
    expect(
      shipFromReservation(record, 'PO9', { shipmentId: 'S1', quantity: 1, shippedAt: SHIPPED_AT }, AT),
    ).toEqual({
      outcome: 'unreserved',
    });

    // The ERP counts after the shipment: 85 on hand, the shipped 15 no longer count twice.
    record = applyPosition(
      record,
      { sku: 'PAN', location: 'WH1', onHand: 85, asOf: '2026-12-02T09:00:00.000Z' },
      AT,
    ).next as InventoryRecord;
    expect(allocate(record, NO_RULES).amazon).toEqual({ reserved: 25, shipped: 0, available: 60 });
    // Its shipments stay with the open PO: the same confirmation again is still recognised.
    expect(
      shipFromReservation(record, 'PO1', { shipmentId: 'S1', quantity: 15, shippedAt: SHIPPED_AT }, AT)
        .outcome,
    ).toBe('replay');
  });

  it('drops a fully shipped reservation once the ERP counted after its last shipment', () => {
    let record = reserved('PAN', 10, 'PO1', 4);
    record = shipFromReservation(record, 'PO1', { shipmentId: 'S1', quantity: 4, shippedAt: SHIPPED_AT }, AT)
      .next as InventoryRecord;
    expect(allocate(record, NO_RULES).amazon).toEqual({ reserved: 0, shipped: 4, available: 6 });
    record = applyPosition(
      record,
      { sku: 'PAN', location: 'WH1', onHand: 6, asOf: '2026-12-02T09:00:00.000Z' },
      AT,
    ).next as InventoryRecord;
    expect(record.amazon).toEqual({});
    expect(allocate(record, NO_RULES).amazon).toEqual({ reserved: 0, shipped: 0, available: 6 });
  });
});

describe('closePurchaseOrder', () => {
  it('gives back what no shipment took; the shipped eaches count until the ERP recounts', () => {
    let record = reserved('PAN', 100, 'PO1', 40);
    record = shipFromReservation(record, 'PO1', { shipmentId: 'S1', quantity: 15, shippedAt: SHIPPED_AT }, AT)
      .next as InventoryRecord;
    const closed = closePurchaseOrder(record, 'PO1', AT) as InventoryRecord;
    expect(allocate(closed, NO_RULES).amazon).toEqual({ reserved: 0, shipped: 15, available: 85 });
    // Closed twice: nothing more to give back.
    expect(closePurchaseOrder(closed, 'PO1', AT)).toBeUndefined();
    // A late confirmation of the same shipment is still recognised.
    expect(
      shipFromReservation(closed, 'PO1', { shipmentId: 'S1', quantity: 15, shippedAt: SHIPPED_AT }, AT)
        .outcome,
    ).toBe('replay');
    // The ERP counts after the shipment: the PO is gone, nothing counted twice.
    const counted = applyPosition(
      closed,
      { sku: 'PAN', location: 'WH1', onHand: 85, asOf: '2026-12-02T09:00:00.000Z' },
      AT,
    ).next as InventoryRecord;
    expect(counted.amazon).toEqual({});
    expect(allocate(counted, NO_RULES).amazon).toEqual({ reserved: 0, shipped: 0, available: 85 });
  });

  it('drops a reservation nothing was shipped against, and leaves a fully shipped or unknown PO alone', () => {
    const record = reserved('PAN', 100, 'PO1', 40);
    expect((closePurchaseOrder(record, 'PO1', AT) as InventoryRecord).amazon).toEqual({});
    expect(closePurchaseOrder(record, 'PO9', AT)).toBeUndefined();
    const shipped = shipFromReservation(
      record,
      'PO1',
      { shipmentId: 'S1', quantity: 40, shippedAt: SHIPPED_AT },
      AT,
    ).next as InventoryRecord;
    expect(closePurchaseOrder(shipped, 'PO1', AT)).toBeUndefined();
  });
});

describe('releaseClosedPurchaseOrder', () => {
  it('gives back the unshipped rest on each SKU the decision reserved, once, and announces them', async () => {
    const store = new InMemoryInventoryStore();
    const acknowledgements = new InMemoryAcknowledgementStore();
    const events = new RecordingPublisher();
    const clock = new VirtualClock(AT);
    store.items.set(
      'PAN',
      shipFromReservation(
        reserved('PAN', 100, 'PO1', 48),
        'PO1',
        { shipmentId: 'S1', quantity: 12, shippedAt: SHIPPED_AT },
        AT,
      ).next as InventoryRecord,
    );
    store.items.set('LID', reserved('LID', 30, 'PO1', 10));
    acknowledgements.records.set('PO1', {
      purchaseOrderNumber: 'PO1',
      lines: [
        { itemSequenceNumber: '1', sku: 'PAN' },
        { itemSequenceNumber: '2', sku: 'LID' },
        { itemSequenceNumber: '3', outcome: 'review' },
      ],
    } as unknown as AcknowledgementRecord);
    const releaseClosed = makeReleaseClosedPurchaseOrder({ store, acknowledgements, events, clock });

    expect(await releaseClosed('PO1')).toEqual({
      released: [
        { sku: 'PAN', eaches: 36 },
        { sku: 'LID', eaches: 10 },
      ],
    });
    expect(allocate(await store.get('PAN'), NO_RULES).amazon).toEqual({
      reserved: 0,
      shipped: 12,
      available: 88,
    });
    expect(allocate(await store.get('LID'), NO_RULES).amazon.available).toBe(30);
    expect(events.published.map((e) => e.detail)).toEqual([
      { skus: ['PAN', 'LID'], cause: 'purchase order PO1 closed' },
    ]);

    expect(await releaseClosed('PO1')).toEqual({ released: [] });
    expect(await releaseClosed('PO-UNKNOWN')).toEqual({ released: [] });
    expect(events.published).toHaveLength(1);
  });
});

describe('releaseShippedReservations', () => {
  function world() {
    const store = new InMemoryInventoryStore();
    const acknowledgements = new InMemoryAcknowledgementStore();
    const events = new RecordingPublisher();
    const clock = new VirtualClock(AT);
    store.items.set('PAN', reserved('PAN', 100, 'PO1', 48));
    acknowledgements.records.set('PO1', {
      purchaseOrderNumber: 'PO1',
      lines: [
        { itemSequenceNumber: '1', sku: 'PAN' },
        { itemSequenceNumber: '2', outcome: 'review' },
      ],
    } as unknown as AcknowledgementRecord);
    const release = makeReleaseShippedReservations({ store, acknowledgements, events, clock });
    return { store, events, release };
  }
  const shipment: ConfirmedShipment = {
    shipmentId: 'S1',
    vendorCode: 'ACMEDE',
    shippedDate: SHIPPED_AT,
    purchaseOrders: [
      {
        purchaseOrderNumber: 'PO1',
        lines: [
          { itemSequenceNumber: '1', amount: 2, unitOfMeasure: 'Cases', unitSize: 6 },
          { itemSequenceNumber: '2', amount: 3, unitOfMeasure: 'Eaches', unitSize: 1 },
        ],
      },
      {
        purchaseOrderNumber: 'PO-UNKNOWN',
        lines: [{ itemSequenceNumber: '1', amount: 1, unitOfMeasure: 'Eaches', unitSize: 1 }],
      },
    ],
  };

  it('releases cases × unit size from the line’s SKU once, even when the event comes twice', async () => {
    const { store, events, release } = world();
    const first = await release(shipment);
    expect(first.reservations).toEqual([
      { purchaseOrderNumber: 'PO1', sku: 'PAN', quantity: 12, outcome: 'shipped' },
    ]);
    expect(first.unplaced).toEqual([
      {
        purchaseOrderNumber: 'PO1',
        itemSequenceNumber: '2',
        reason: 'the decision names no SKU for this line',
      },
      {
        purchaseOrderNumber: 'PO-UNKNOWN',
        itemSequenceNumber: '1',
        reason: 'no decision stored for this PO',
      },
    ]);
    expect(allocate(await store.get('PAN'), NO_RULES).amazon.reserved).toBe(36);
    expect(events.published.map((e) => [e.detailType, e.detail])).toEqual([
      [INVENTORY_DETAIL_TYPE.stockPositionChanged, { skus: ['PAN'], cause: 'shipment S1 confirmed' }],
    ]);

    const revision = (await store.get('PAN')).revision;
    const again = await release(shipment);
    expect(again.reservations.map((r) => r.outcome)).toEqual(['replay']);
    expect((await store.get('PAN')).revision).toBe(revision);
    expect(allocate(await store.get('PAN'), NO_RULES).amazon.reserved).toBe(36);
    expect(events.published).toHaveLength(1);
  });
});
