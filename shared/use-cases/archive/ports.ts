/**
 * Ports of the archive export. Adapters: shared/aws/dynamodb-archive-source.ts (the changes, read
 * through the table's indexes) and shared/aws/s3-archive.ts (the Object Lock bucket).
 */

/** One item as the table holds it: plain attributes, JSON documents still as text. */
export interface SourceRecord {
  /** Where it came from, for the quarantine: `PO#4R9DIAQD|PO`. */
  readonly source: string;
  readonly item: Readonly<Record<string, unknown>>;
}

/**
 * What changed in one UTC hour (`2026-03-01T13`), read through indexes by the time of the change:
 * never a scan. Each call pages through its index partition to the end.
 */
export interface ArchiveChangeSource {
  /** PO versions one vendor code stored in the hour. */
  purchaseOrders(vendorCode: string, hour: string): AsyncIterable<SourceRecord>;
  /** Acknowledgement records last written in the hour (the latest revision of each). */
  acknowledgements(hour: string): AsyncIterable<SourceRecord>;
  /** Outbox messages that settled (sent, simulated, failed) in the hour. */
  settledOutboxMessages(hour: string): AsyncIterable<SourceRecord>;
  /** Audit events that happened in the hour. */
  auditEvents(hour: string): AsyncIterable<SourceRecord>;
  /** Remittance lines one vendor code imported in the hour (each line once: it is never rewritten). */
  remittanceLines(vendorCode: string, hour: string): AsyncIterable<SourceRecord>;
  /** Reconciliation records of one vendor code last written in the hour. */
  reconciliations(vendorCode: string, hour: string): AsyncIterable<SourceRecord>;
  /** Credit memos last written in the hour (the latest revision of each). */
  creditMemos(hour: string): AsyncIterable<SourceRecord>;
  /** Invoices and credit notes last written in the hour (the latest revision of each). */
  invoices(hour: string): AsyncIterable<SourceRecord>;
  /** SKUs' stock positions last written in the hour (the latest revision of each). */
  inventorySnapshots(hour: string): AsyncIterable<SourceRecord>;
}

/** An object for the archive: the export's Parquet files and quarantine lines. */
export interface ArchiveObject {
  readonly key: string;
  readonly body: Uint8Array | string;
  readonly contentType: string;
}

/**
 * The immutable archive (Object Lock) as the export writes to it: PutObject only. Writing a key
 * again adds a version; nothing deletes or shortens a retention.
 */
export interface ArchiveObjectWriter {
  putObject(object: ArchiveObject): Promise<void>;
}
