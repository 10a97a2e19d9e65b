import type { OrderStatus, PurchaseOrder } from '../../sp-api/schemas/orders.ts';

/** What Acorn keeps of one purchase order: Amazon's document plus the keys we query by. */
export interface PurchaseOrderRecord {
  readonly purchaseOrderNumber: string;
  readonly vendorCode: string;
  readonly state: PurchaseOrder['purchaseOrderState'];
  readonly purchaseOrderDate: string;
  /** The PO's latest change as Amazon dates it; a newer version replaces an older one, never the reverse. */
  readonly version: string;
  readonly lineCount: number;
  readonly order: PurchaseOrder;
}

/** What Acorn keeps of one PO's line status (acknowledged, received quantities). */
export interface PurchaseOrderStatusRecord {
  readonly purchaseOrderNumber: string;
  readonly vendorCode: string;
  readonly purchaseOrderStatus: OrderStatus['purchaseOrderStatus'];
  readonly version: string;
  readonly status: OrderStatus;
}

/** Normalises an ISO-8601 instant so versions compare as strings. */
export function toInstant(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO-8601 date-time: ${value}`);
  return new Date(ms).toISOString();
}

/** The latest of the dates Amazon moves when a PO is created, changed or changes state. */
export function purchaseOrderVersion(order: PurchaseOrder): string {
  const details = order.orderDetails;
  const dates = [
    details?.purchaseOrderDate,
    details?.purchaseOrderChangedDate,
    details?.purchaseOrderStateChangedDate,
  ].filter((d): d is string => typeof d === 'string');
  if (dates.length === 0) {
    // includeDetails=false answers carry no dates; such a PO can only be stored as a first sighting.
    return new Date(0).toISOString();
  }
  return dates.map(toInstant).sort().at(-1)!;
}

/** Builds the record of a PO from Amazon's document. */
export function toPurchaseOrderRecord(order: PurchaseOrder, fallbackVendorCode: string): PurchaseOrderRecord {
  const details = order.orderDetails;
  return {
    purchaseOrderNumber: order.purchaseOrderNumber,
    vendorCode: details?.sellingParty?.partyId ?? fallbackVendorCode,
    state: order.purchaseOrderState,
    purchaseOrderDate: details?.purchaseOrderDate
      ? toInstant(details.purchaseOrderDate)
      : new Date(0).toISOString(),
    version: purchaseOrderVersion(order),
    lineCount: details?.items?.length ?? 0,
    order,
  };
}

/** Builds the record of a PO's status from Amazon's status document. */
export function toPurchaseOrderStatusRecord(
  status: OrderStatus,
  fallbackVendorCode: string,
): PurchaseOrderStatusRecord {
  const dates = [status.lastUpdatedDate, status.purchaseOrderDate].filter(
    (d): d is string => typeof d === 'string',
  );
  return {
    purchaseOrderNumber: status.purchaseOrderNumber,
    vendorCode: status.sellingParty?.partyId ?? fallbackVendorCode,
    purchaseOrderStatus: status.purchaseOrderStatus,
    version: dates.length ? dates.map(toInstant).sort().at(-1)! : new Date(0).toISOString(),
    status,
  };
}
