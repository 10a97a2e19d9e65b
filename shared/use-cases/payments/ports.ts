/**
 * Ports of the payments use cases. Adapters: shared/aws/dynamodb-invoice-lookup.ts (invoicing's
 * invoice records) and shared/aws/dynamodb-payments.ts (the reconciliation records, lines and
 * findings); unit tests pass in-memory fakes.
 */
import type { PurchaseOrderEvidence } from '../../domain/payments/follow-ups.ts';
import type {
  Discrepancy,
  InvoiceFacts,
  InvoiceReconciliation,
} from '../../domain/payments/reconciliation.ts';

/** Invoicing's invoices, read by number. */
export interface InvoiceLookup {
  /** The invoices of these numbers that exist (missing ones are absent from the map). */
  get(invoiceNumbers: readonly string[]): Promise<Map<string, InvoiceFacts>>;
}

/** A remittance line as stored (amounts as decimal strings). */
export interface StoredLine {
  readonly lineId: string;
  readonly vendorCode: string;
  readonly marketplace: string;
  readonly file: string;
  readonly row: number;
  readonly paymentNumber: string;
  readonly paymentDate: string;
  readonly number: string;
  readonly kind: string;
  readonly rule: string;
  /** The invoice the line concerns (also for an unknown one, by its number). */
  readonly invoiceNumber?: string;
  /** Whether the invoice is known: an unmatched line is quarantined, counted nowhere. */
  readonly matched: boolean;
  readonly purchaseOrderNumbers: readonly string[];
  readonly transactionType?: string;
  readonly description?: string;
  readonly currency: string;
  readonly invoiceAmount: string;
  readonly amountPaid: string;
  readonly withholdingAmount: string;
  readonly termsDiscount: string;
  /** When the line was first imported (the archive export reads lines by this hour). */
  readonly importedAt: string;
}

/** Something to tell the bus about once: a discrepancy, a dispute candidate, a credit request. */
export interface Finding {
  /** Stable: the same finding is stored and announced once. */
  readonly id: string;
  readonly type: 'discrepancy' | 'dispute' | 'credit-request';
  readonly vendorCode: string;
  readonly marketplace: string;
  readonly detectedAt: string;
  readonly detail: Record<string, unknown>;
}

/** A reconciliation record with its optimistic-concurrency version. */
export interface VersionedReconciliation {
  readonly record: InvoiceReconciliation;
  readonly version: number;
}

/** What the payments module stores. */
export interface PaymentsStore {
  /** Stores lines (batched); storing the same line again changes nothing. */
  putLines(lines: readonly StoredLine[]): Promise<void>;
  getReconciliations(invoiceNumbers: readonly string[]): Promise<Map<string, VersionedReconciliation>>;
  /** Saves a record if it is still at `expectedVersion` (0: new). False when someone else wrote first. */
  saveReconciliation(record: InvoiceReconciliation, expectedVersion: number, at: string): Promise<boolean>;
  /** Stores a finding unless stored: `created`, or whether the stored one was announced already. */
  putFinding(finding: Finding): Promise<'created' | 'unannounced' | 'announced'>;
  markAnnounced(findingId: string): Promise<void>;
  /** Records a file's content hash: `first`, or where and when the same bytes were imported before. */
  recordFile(
    hash: string,
    file: string,
    at: string,
  ): Promise<{ first: true } | { first: false; file: string; at: string }>;
}

/** Open receivables: reconciliation records with something still owed, by due date (gsi2). */
export interface ReceivablesReader {
  /** Records of a vendor code with something open, due before `dueBefore` (`YYYY-MM-DD`), oldest due first. */
  openReceivables(vendorCode: string, dueBefore: string): AsyncIterable<InvoiceReconciliation>;
}

/** Evidence references for POs: the PO, its acknowledgement, its shipment confirmations. */
export interface EvidenceLookup {
  forPurchaseOrders(purchaseOrderNumbers: readonly string[]): Promise<PurchaseOrderEvidence[]>;
}

export type { Discrepancy };
