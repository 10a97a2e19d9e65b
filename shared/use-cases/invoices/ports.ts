import type { InvoiceRecord, InvoiceState } from '../../domain/invoices/invoice-record.ts';
import type { NumberSlot } from '../../domain/invoices/numbering.ts';

/**
 * Ports of the invoicing use cases. Adapters: shared/aws/dynamodb-number-series.ts,
 * shared/aws/dynamodb-invoices.ts; unit tests pass in-memory fakes with the same conditional rules.
 */

/** Which series of which legal entity a number comes from, and how its numbers are written. */
export interface SeriesRef {
  /** The legal entity (the remit-to party id). */
  readonly legalEntity: string;
  /** `INV`, `CN`, `PR`, … (1–6 upper-case letters or digits). */
  readonly series: string;
  /** The prefix of the formatted numbers, e.g. `ACME` → `ACME-INV-000001`. */
  readonly prefix: string;
}

/**
 * Gap-free invoice numbers per legal entity and series. Every number is one slot, reserved by one
 * conditional write and then issued to one invoice or voided with a reason: never reused.
 */
export interface NumberSeries {
  /** Reserves the next number of the series (retrying while others reserve concurrently). */
  reserve(series: SeriesRef, purpose: string, at: string): Promise<NumberSlot>;
  /** reserved → issued; false when the slot is no longer reserved (voided meanwhile). */
  issue(slot: NumberSlot, at: string): Promise<boolean>;
  /** reserved → void with the reason; false when the slot is no longer reserved. */
  void(slot: NumberSlot, reason: string, at: string): Promise<boolean>;
  /** The series' slots in sequence order, from `fromSequence` on. */
  list(
    series: Pick<SeriesRef, 'legalEntity' | 'series'>,
    options: { fromSequence?: number; limit: number },
  ): Promise<NumberSlot[]>;
  /** Slots still reserved since before `before` (abandoned by a crashed run), oldest first. */
  staleReservations(before: string, limit: number): Promise<NumberSlot[]>;
}

/** Invoice records, one item per number; every update conditional on the revision read. */
export interface InvoiceStore {
  get(invoiceNumber: string): Promise<InvoiceRecord | undefined>;
  /** `exists` when the number is already used (a collision). */
  create(record: InvoiceRecord): Promise<'created' | 'exists'>;
  /** Replaces the record whose revision is `record.revision - 1`. */
  update(record: InvoiceRecord): Promise<'updated' | 'conflict'>;
  /** Records in a state, most recently changed first (an index query). */
  listByState(state: InvoiceState, limit: number): Promise<InvoiceRecord[]>;
  /** The latest invoices by invoice date, newest first, reading back at most `days` days from `today`. */
  listRecent(today: string, days: number, limit: number): Promise<InvoiceRecord[]>;
}

/** What bills a PO's shipment: one claim per PO and shipment, ever (a conditional put). */
export interface InvoiceClaims {
  /** `taken` with the invoice that holds it when someone claimed it first. */
  claim(
    entry: { purchaseOrderNumber: string; vendorCode: string; shipmentId: string },
    invoiceNumber: string,
    at: string,
  ): Promise<{ outcome: 'claimed' } | { outcome: 'taken'; invoiceNumber: string }>;
  /** Gives a claim back, only if `invoiceNumber` holds it (the invoice was abandoned before it was issued). */
  release(
    entry: { purchaseOrderNumber: string; vendorCode: string; shipmentId: string },
    invoiceNumber: string,
  ): Promise<void>;
  /** The shipment ids of a PO already billed, with their invoice numbers. */
  ofPurchaseOrder(
    purchaseOrderNumber: string,
  ): Promise<{ shipmentId: string; vendorCode: string; invoiceNumber: string }[]>;
}

/** An invoice the vendor issued outside Acorn (Vendor Central, EDI), imported for the parallel run. */
export interface ExistingInvoice {
  readonly vendorCode: string;
  readonly invoiceNumber: string;
  readonly invoiceDate: string;
  readonly purchaseOrderNumbers: readonly string[];
  readonly currency: string;
  readonly total: string;
  readonly taxTotal?: string;
  /** The file it came from. */
  readonly source: string;
}

/** The vendor's existing invoices, per vendor code. */
export interface ExistingInvoiceStore {
  put(invoice: ExistingInvoice): Promise<void>;
  listByVendor(vendorCode: string, limit: number): Promise<ExistingInvoice[]>;
}

/** Documents archived beside the outbox's copy: the invoice JSON and its PDF. */
export interface InvoiceDocumentArchive {
  putDocument(document: { key: string; body: string | Uint8Array; contentType: string }): Promise<void>;
  getDocument(key: string): Promise<Uint8Array | undefined>;
}
