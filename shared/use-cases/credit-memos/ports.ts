import type { Clock } from '../../clock.ts';
import type { ApprovalRecord, ApprovalState } from '../../domain/approvals/approval.ts';
import type { ApprovalLinkKeys } from '../../domain/approvals/approval-link.ts';
import type {
  CreditMemoPolicy,
  CreditMemoRecord,
  CreditMemoState,
  OriginalInvoice,
} from '../../domain/credit-memos/credit-memo.ts';
import type { InvoicePartyIdentification } from '../../sp-api/schemas/common.ts';
import type { ArchiveObjectWriter } from '../archive/ports.ts';
import type { NumberSeries } from '../invoices/ports.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { Archive, AuditTrail } from '../outbox/ports.ts';
import type { EventPublisher } from '../ports.ts';
import type { PurchaseOrderReader } from '../purchase-orders/ports.ts';

/**
 * Ports of the credit-memo workflow. Adapters: shared/aws/dynamodb-credit-memos.ts (memos,
 * approvals, return statuses, invoice lookup), shared/aws/dynamodb-number-series.ts (credit-note numbers), shared/aws/step-functions-callbacks.ts,
 * shared/aws/ses-email.ts and shared/aws/slack-web-api.ts (senders behind the outbox).
 */

/** A page of a listing. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly cursor?: string;
}

/** Credit memos, one item each, one conditional write per change (rule 9). */
export interface CreditMemoStore {
  /** Claims the memo's source: a conditional put that only the first event for a source wins. */
  claim(record: CreditMemoRecord): Promise<'claimed' | 'duplicate'>;
  get(memoId: string): Promise<CreditMemoRecord | undefined>;
  /** Replaces the record if it is still at `revision`: false when someone else changed it first. */
  update(next: CreditMemoRecord, revision: number): Promise<boolean>;
  /** Keeps the token of the operator's filing task server-side (one per memo; a new run replaces it). */
  saveFilingToken(memoId: string, taskToken: string): Promise<void>;
  filingToken(memoId: string): Promise<string | undefined>;
  /** Newest first, optionally in one state (an index, never a scan). */
  list(options: { state?: CreditMemoState; limit: number; cursor?: string }): Promise<Page<CreditMemoRecord>>;
}

/** The latest status Amazon reported for a return (from returns exports or the API). */
export interface ReturnStatusStore {
  /** Keeps `status` unless a later report is already stored. */
  record(vendorCode: string, returnReference: string, status: string, reportedAt: string): Promise<void>;
  get(
    vendorCode: string,
    returnReference: string,
  ): Promise<{ status: string; reportedAt: string } | undefined>;
}

/** Approval requests, the task token stored server-side. */
export interface ApprovalStore {
  /** Stores a new approval; false if the id exists (never overwrites). */
  create(record: ApprovalRecord): Promise<boolean>;
  get(approvalId: string): Promise<ApprovalRecord | undefined>;
  /**
   * The decision: one conditional write from `pending` (and not past `expiresAt` unless the
   * decision is the expiry itself). Returns the record as stored after the write, or the
   * current record when the condition failed.
   */
  decide(
    approvalId: string,
    decision: { state: Exclude<ApprovalState, 'pending'>; decision: NonNullable<ApprovalRecord['decision']> },
    now: string,
  ): Promise<{ ok: true; record: ApprovalRecord } | { ok: false; current: ApprovalRecord | undefined }>;
  /** Hands a pending approval the token of a resumed workflow run; false unless still pending. */
  replaceToken(approvalId: string, taskToken: string): Promise<boolean>;
  /** Notes a reminder or the escalation; conditional on the count so two runs send one. */
  markNotified(
    approvalId: string,
    remindersSent: number,
    escalated: boolean,
    expected: number,
  ): Promise<boolean>;
  /** Pending approvals by expiry, or any state newest first (an index, never a scan). */
  list(options: { state: ApprovalState; limit: number; cursor?: string }): Promise<Page<ApprovalRecord>>;
}

/**
 * The original invoice (the invoicing capability's record `INVOICE#<number>` / `INVOICE`). The
 * lead points this at the invoicing table when merging; our adapter reads exactly that shape.
 */
export interface InvoiceLookup {
  byNumber(invoiceNumber: string): Promise<OriginalInvoice | undefined>;
  /** The invoice that billed a PO, if any. */
  forPurchaseOrder(purchaseOrderNumber: string): Promise<OriginalInvoice | undefined>;
}

/** Tells the workflow the outcome of a task it waits for (SendTaskSuccess / SendTaskFailure). */
export interface TaskCallbacks {
  succeed(taskToken: string, output: Record<string, unknown>): Promise<'sent' | 'gone'>;
  fail(taskToken: string, error: string, cause: string): Promise<'sent' | 'gone'>;
}

/** Amazon's transaction status of a submission. */
export interface TransactionStatusReader {
  status(
    accountId: string,
    transactionId: string,
  ): Promise<{ status: 'Processing' | 'Success' | 'Failure'; errors: string[] }>;
}

/** A configured approver (config `approvers[]`). */
export interface Approver {
  readonly name: string;
  readonly email: string;
  readonly slackUserId?: string | undefined;
}

/** The credit-memo settings (config `creditMemos`). */
export interface CreditMemoSettings extends CreditMemoPolicy {
  /** Return statuses that mean the goods are received, e.g. "Delivered to Warehouse". */
  readonly receivedStatuses: readonly string[];
  /** How often a return not yet received is checked again. */
  readonly recheckReceiptMinutes: number;
  /** How long an approver has, capped by the request's own deadline. */
  readonly approvalHours: number;
  /** Reminders at these fractions of the approval's time; escalation at its end. */
  readonly reminders: readonly number[];
  /** The public base URL of the review page, e.g. https://…/approvals. */
  readonly reviewBaseUrl: string;
  /** Slack channel for approval messages (buttons), if Slack is set up. */
  readonly slackChannel?: string | undefined;
}

/** Everything the credit-memo use cases are built from. */
export interface CreditMemoDeps {
  readonly clock: Clock;
  readonly memos: CreditMemoStore;
  readonly approvals: ApprovalStore;
  readonly returnStatuses: ReturnStatusStore;
  readonly orders: PurchaseOrderReader;
  readonly invoices: InvoiceLookup;
  /** Invoicing's gap-free number series: credit notes take theirs from series `CN`. */
  readonly numbers: NumberSeries;
  /** The legal entity issuing the credit notes and the prefix of their numbers (config `invoices`). */
  readonly creditNoteSeries: { readonly legalEntity: string; readonly prefix: string };
  readonly outbox: Outbox;
  readonly audit: AuditTrail;
  /** Documents, and objects with binary bodies (the Vendor Central memo's PDF). */
  readonly archive: Archive & ArchiveObjectWriter;
  readonly events: EventPublisher;
  readonly callbacks: TaskCallbacks;
  readonly transactions: TransactionStatusReader;
  readonly linkKeys: () => Promise<ApprovalLinkKeys>;
  readonly settings: CreditMemoSettings;
  readonly approvers: readonly Approver[];
  /** SP-API account of a vendor code. */
  readonly accountOf: (vendorCode: string) => string;
  /** The vendor's remit-to party (config `parties.remitTo`). */
  readonly remitTo: InvoicePartyIdentification;
  /** The vendor's default ship-from party (config `parties.shipFrom[0]`): the credit note's ship-from. */
  readonly shipFrom?: InvoicePartyIdentification | undefined;
  /** Random opaque ids (approval ids): 128 bits or more. */
  readonly randomId: () => string;
}
