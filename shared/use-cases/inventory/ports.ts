import type { InventoryRecord } from '../../domain/inventory/allocation.ts';

/** The per-SKU inventory records; every write is one conditional write on the revision read (rule 9). */
export interface InventoryStore {
  /** Strongly consistent; an empty record (revision 0) for a SKU not stored yet. */
  get(sku: string): Promise<InventoryRecord>;
  /** Stored records of these SKUs (absent SKUs left out). */
  getMany(skus: readonly string[]): Promise<Map<string, InventoryRecord>>;
  /** Writes `record` if the stored revision is still `record.revision - 1` (absent for 1). */
  write(record: InventoryRecord): Promise<'written' | 'conflict'>;
  /** Every SKU's record, a page at a time (an index query, never a scan). */
  list(options: { limit: number; cursor?: string }): Promise<{ items: InventoryRecord[]; cursor?: string }>;
}

/** Webhook deliveries seen, by `X-Shopify-Webhook-Id`: one conditional put each. */
export interface WebhookLedger {
  /** `first` the first time an id is claimed, `replay` every time after. */
  claim(webhookId: string, topic: string, at: string): Promise<'first' | 'replay'>;
  /** Forgets a claim whose processing failed, so Shopify's retry is processed. */
  release(webhookId: string): Promise<void>;
}
