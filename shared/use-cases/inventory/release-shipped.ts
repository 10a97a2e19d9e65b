import type { Clock } from '../../clock.ts';
import {
  closePurchaseOrder,
  type ShipmentOutcome,
  shipFromReservation,
} from '../../domain/inventory/allocation.ts';
import type { ShipmentPurchaseOrderLines } from '../../domain/shipments/fulfilment.ts';
import type { EventPublisher } from '../ports.ts';
import type { AcknowledgementStore } from '../purchase-orders/ports.ts';
import { mutate } from './mutate.ts';
import type { InventoryStore } from './ports.ts';
import { announceChanged } from './stock-positions.ts';

/** What a ShipmentConfirmed event says (its `detail`). */
export interface ConfirmedShipment {
  readonly shipmentId: string;
  readonly vendorCode: string;
  /** When the goods left: the ERP's counts include them until a count after this. */
  readonly shippedDate: string;
  readonly purchaseOrders: readonly ShipmentPurchaseOrderLines[];
}

/** One SKU of one PO: what the shipment took and what that did to the reservation. */
export interface ShippedReservation {
  readonly purchaseOrderNumber: string;
  readonly sku: string;
  readonly quantity: number;
  readonly outcome: ShipmentOutcome;
}

/** A shipped line Acorn cannot place on a SKU (no decision for the PO, or the line had no SKU). */
export interface UnplacedLine {
  readonly purchaseOrderNumber: string;
  readonly itemSequenceNumber: string;
  readonly reason: string;
}

/**
 * ShipmentConfirmed → each shipped PO line leaves its PO's reservation: the line is placed on the
 * SKU the acknowledgement reserved for it (by item sequence number), its eaches (cases × unit
 * size) are applied to the SKU's record with one conditional write, once per shipment id, and the
 * SKUs that moved are announced so Shopify's quantity follows.
 */
export function makeReleaseShippedReservations(deps: {
  store: InventoryStore;
  acknowledgements: Pick<AcknowledgementStore, 'get'>;
  events: EventPublisher;
  clock: Clock;
}) {
  return async function releaseShippedReservations(
    shipment: ConfirmedShipment,
  ): Promise<{ reservations: ShippedReservation[]; unplaced: UnplacedLine[] }> {
    const reservations: ShippedReservation[] = [];
    const unplaced: UnplacedLine[] = [];
    for (const po of shipment.purchaseOrders) {
      const decision = await deps.acknowledgements.get(po.purchaseOrderNumber);
      const skuOf = new Map((decision?.lines ?? []).map((l) => [l.itemSequenceNumber, l.sku]));
      const bySku = new Map<string, number>();
      for (const line of po.lines) {
        const sku = skuOf.get(line.itemSequenceNumber);
        if (!sku) {
          unplaced.push({
            purchaseOrderNumber: po.purchaseOrderNumber,
            itemSequenceNumber: line.itemSequenceNumber,
            reason: decision ? 'the decision names no SKU for this line' : 'no decision stored for this PO',
          });
          continue;
        }
        const eaches = line.unitOfMeasure === 'Cases' ? line.amount * line.unitSize : line.amount;
        bySku.set(sku, (bySku.get(sku) ?? 0) + eaches);
      }
      for (const [sku, quantity] of bySku) {
        const { result } = await mutate(deps.store, sku, (record) => {
          const { outcome, next } = shipFromReservation(
            record,
            po.purchaseOrderNumber,
            { shipmentId: shipment.shipmentId, quantity, shippedAt: shipment.shippedDate },
            deps.clock.now().toISOString(),
          );
          return { result: outcome, ...(next ? { next } : {}) };
        });
        reservations.push({ purchaseOrderNumber: po.purchaseOrderNumber, sku, quantity, outcome: result });
      }
    }
    const moved = [...new Set(reservations.filter((r) => r.outcome === 'shipped').map((r) => r.sku))];
    if (moved.length > 0)
      await announceChanged(deps.events, moved, `shipment ${shipment.shipmentId} confirmed`);
    return { reservations, unplaced };
  };
}

/**
 * PurchaseOrderStatusChanged to CLOSED → the PO gives back what no shipment took, on each SKU its
 * acknowledgement reserved (one conditional write per SKU; a replay finds nothing to give back),
 * and the SKUs that moved are announced so Shopify's quantity follows.
 */
export function makeReleaseClosedPurchaseOrder(deps: {
  store: InventoryStore;
  acknowledgements: Pick<AcknowledgementStore, 'get'>;
  events: EventPublisher;
  clock: Clock;
}) {
  return async function releaseClosedPurchaseOrder(
    purchaseOrderNumber: string,
  ): Promise<{ released: { sku: string; eaches: number }[] }> {
    const decision = await deps.acknowledgements.get(purchaseOrderNumber);
    const skus = [...new Set((decision?.lines ?? []).flatMap((l) => (l.sku ? [l.sku] : [])))];
    const released: { sku: string; eaches: number }[] = [];
    for (const sku of skus) {
      const { result } = await mutate(deps.store, sku, (record) => {
        const next = closePurchaseOrder(record, purchaseOrderNumber, deps.clock.now().toISOString());
        if (!next) return { result: 0 };
        const before = record.amazon[purchaseOrderNumber]?.quantity ?? 0;
        return { result: before - (next.amazon[purchaseOrderNumber]?.quantity ?? 0), next };
      });
      if (result > 0) released.push({ sku, eaches: result });
    }
    if (released.length > 0) {
      await announceChanged(
        deps.events,
        released.map((r) => r.sku),
        `purchase order ${purchaseOrderNumber} closed`,
      );
    }
    return { released };
  };
}
