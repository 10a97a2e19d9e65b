import { vi } from 'vitest';
import type { LocalSystem } from '#local/system.ts';
import { packShipment, toShipmentCsv } from '#local/warehouse/shipment-files.ts';
import { departureWindow } from '#shared/domain/shipments/fulfilment.ts';
import type { OrderStatus, PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import { tableItems } from './local-system.ts';

/** Transit days the example configuration plans with: a PO's departure window depends on them. */
const TRANSIT_DAYS = 2;

const acceptedOf = (status: OrderStatus, itemSequenceNumber: string) =>
  status.itemStatus.find((s) => s.itemSequenceNumber === itemSequenceNumber)?.acknowledgementStatus
    ?.acceptedQuantity?.amount ?? 0;

/** Waits until `npm start`'s example vendor files (catalogue and stock) are imported. */
export async function waitForVendorFiles(system: LocalSystem): Promise<void> {
  await vi.waitFor(
    async () => {
      const items = await tableItems(system);
      if (!items.some((i) => i.type?.S === 'StockPosition') || !items.some((i) => i.pk?.S === 'CATALOG')) {
        throw new Error('vendor files not imported yet');
      }
    },
    { timeout: 30_000, interval: 250 },
  );
}

/**
 * Pulls the POs and waits for one Amazon shows acknowledged, with a departure window and lines
 * it accepted, of one of `vendorCodes` (any vendor code when none are named).
 */
export async function acknowledgedOrder(
  system: LocalSystem,
  vendorCodes: readonly string[] = [],
): Promise<PurchaseOrder> {
  await system.runtime.invoke('PullPurchaseOrders', {});
  return vi.waitFor(
    () => {
      for (const po of system.sandbox.purchaseOrders()) {
        const vendor = po.orderDetails?.sellingParty?.partyId ?? '';
        if (vendorCodes.length > 0 && !vendorCodes.includes(vendor)) continue;
        if (po.purchaseOrderState !== 'Acknowledged' || !departureWindow(po, TRANSIT_DAYS)) continue;
        const status = system.sandbox.purchaseOrderStatus(po.purchaseOrderNumber);
        if (status?.itemStatus.some((i) => (i.acknowledgementStatus?.acceptedQuantity?.amount ?? 0) > 0))
          return po;
      }
      throw new Error(`no PO of ${vendorCodes.join(' or ') || 'any vendor'} acknowledged yet`);
    },
    { timeout: 60_000, interval: 500 },
  );
}

/**
 * The warehouse file of a shipment of everything Amazon accepted on the PO, shipped now (or at
 * the nearest edge of its departure window).
 */
export function acceptedShipmentCsv(
  system: LocalSystem,
  order: PurchaseOrder,
  shipment: { shipmentId: string; firstSerial: number },
): string {
  const status = system.sandbox.purchaseOrderStatus(order.purchaseOrderNumber)!;
  const window = departureWindow(order, TRANSIT_DAYS)!;
  // Inside the window (ISO instants compare as strings).
  let shipDate = system.runtime.clock.now().toISOString();
  if (shipDate < window.start) shipDate = window.start;
  if (shipDate > window.end) shipDate = window.end;
  const lines = order.orderDetails!.items.flatMap((item) => {
    const accepted = acceptedOf(status, item.itemSequenceNumber);
    return accepted > 0
      ? [
          {
            ean: item.vendorProductIdentifier!,
            unitOfMeasure:
              item.orderedQuantity.unitOfMeasure === 'Cases' ? ('Cases' as const) : ('Eaches' as const),
            unitSize:
              item.orderedQuantity.unitOfMeasure === 'Cases' ? (item.orderedQuantity.unitSize ?? 1) : 1,
            quantity: accepted,
            lotNumber: 'L2611-01',
          },
        ]
      : [];
  });
  return toShipmentCsv(
    packShipment(
      {
        shipmentId: shipment.shipmentId,
        shipDate,
        purchaseOrders: [{ purchaseOrderNumber: order.purchaseOrderNumber, lines }],
      },
      { firstSerial: shipment.firstSerial },
    ).rows,
  );
}
