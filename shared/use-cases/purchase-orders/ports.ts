import type {
  AcknowledgementRecord,
  AcknowledgementState,
} from '../../domain/purchase-orders/acknowledgement-record.ts';
import type { CatalogIndex } from '../../domain/purchase-orders/catalog.ts';
import type { PurchaseOrder } from '../../sp-api/schemas/orders.ts';

/** The acknowledgement records, one item per PO; every write conditional on the revision read. */
export interface AcknowledgementStore {
  get(purchaseOrderNumber: string): Promise<AcknowledgementRecord | undefined>;
  /** Stores a first record; `exists` when one is already there. */
  create(record: AcknowledgementRecord): Promise<'created' | 'exists'>;
  /** Replaces the record whose revision is `record.revision - 1`; `conflict` when it moved on. */
  update(record: AcknowledgementRecord): Promise<'updated' | 'conflict'>;
  /** Records in a state, oldest change first (an index query, never a scan). */
  listByState(state: AcknowledgementState, limit: number): Promise<AcknowledgementRecord[]>;
  /** Open records of a vendor code whose deadline is before `until`, soonest first (an index query). */
  dueBefore(vendorCode: string, until: Date, limit: number): Promise<AcknowledgementRecord[]>;
}

/** Stored purchase orders (what the ingest wrote). */
export interface PurchaseOrderReader {
  get(purchaseOrderNumber: string): Promise<{ order: PurchaseOrder; vendorCode: string } | undefined>;
}

/** Available-to-promise per SKU, reserved atomically per SKU and PO. */
export interface StockStore {
  /** Available eaches of each SKU that has a stock position (absent SKUs have none). */
  available(skus: readonly string[]): Promise<Map<string, number>>;
  /**
   * Takes `quantity` of a SKU for a PO: one conditional update that fails when less is available.
   * Reserving twice for the same PO takes nothing more (true both times).
   */
  reserve(sku: string, purchaseOrderNumber: string, quantity: number): Promise<boolean>;
  /** Gives a PO's reservation of a SKU back. */
  release(sku: string, purchaseOrderNumber: string): Promise<void>;
}

/** The product catalogue (from the catalogue file in the inbox). */
export interface CatalogSource {
  index(): Promise<CatalogIndex>;
}
