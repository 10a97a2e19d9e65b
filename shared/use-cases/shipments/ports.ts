import type {
  FulfilmentRecord,
  ShipmentRecord,
  ShipmentState,
  ShippedQuantities,
} from '../../domain/shipments/fulfilment.ts';
import type { OrderStatus } from '../../sp-api/schemas/orders.ts';

/**
 * Ports of the shipments use cases. Adapters: shared/aws/dynamodb-shipments.ts; unit tests pass
 * in-memory fakes with the same conditional rules.
 */

/** Shipment records, one item per vendor code and shipment id; every write conditional on the revision read. */
export interface ShipmentStore {
  get(vendorCode: string, shipmentId: string): Promise<ShipmentRecord | undefined>;
  /** Stores a first record; `exists` when one is already there. */
  create(record: ShipmentRecord): Promise<'created' | 'exists'>;
  /** Replaces the record whose revision is `record.revision - 1`; `conflict` when it moved on. */
  update(record: ShipmentRecord): Promise<'updated' | 'conflict'>;
  /** Records in a state, most recently changed first (an index query, never a scan). */
  listByState(state: ShipmentState, limit: number): Promise<ShipmentRecord[]>;
  /** Records of a vendor code whose next ASN notice is due by `now` (a sparse index query). */
  noticesDue(vendorCode: string, now: Date, limit: number): Promise<ShipmentRecord[]>;
}

/** Fulfilment records, one item per PO; every write conditional on the revision read. */
export interface FulfilmentStore {
  get(purchaseOrderNumber: string): Promise<FulfilmentRecord | undefined>;
  create(record: FulfilmentRecord): Promise<'created' | 'exists'>;
  update(record: FulfilmentRecord): Promise<'updated' | 'conflict'>;
  /**
   * POs of a vendor code still to ship (awaiting or partial) whose departure window ends before
   * `until`, soonest first (a sparse index query).
   */
  dueBefore(vendorCode: string, until: Date, limit: number): Promise<FulfilmentRecord[]>;
  /** Records of a vendor code whose next ship-window notice is due by `now` (a sparse index query). */
  noticesDue(vendorCode: string, now: Date, limit: number): Promise<FulfilmentRecord[]>;
}

/**
 * The quantities Amazon confirmed, per PO and shipment: what the invoicing capability bills.
 * Written once each (a conditional put); only a confirmed `Replace` of the same shipment (a higher
 * revision) supersedes an entry.
 */
export interface ShippedQuantitiesStore {
  /** `exists` when the entry is there at this revision or a later one. */
  put(entry: ShippedQuantities): Promise<'created' | 'exists'>;
  /** Every confirmed shipment of a PO. */
  ofPurchaseOrder(purchaseOrderNumber: string): Promise<ShippedQuantities[]>;
  /** A vendor code's confirmed shipments since `after` (exclusive), oldest first: the invoicing feed. */
  confirmedSince(vendorCode: string, after: string, limit: number): Promise<ShippedQuantities[]>;
}

/** Amazon's PO line status as the ingest stored it (for POs acknowledged outside Acorn). */
export interface PurchaseOrderStatusReader {
  get(purchaseOrderNumber: string): Promise<OrderStatus | undefined>;
}
