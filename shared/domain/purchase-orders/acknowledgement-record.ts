import type { OrderItemAcknowledgement, PurchaseOrder } from '../../sp-api/schemas/orders.ts';
import type { AuditActor } from '../audit.ts';
import type { LineDecision } from './acknowledgement-rules.ts';

/**
 * Where a PO's acknowledgement stands in Acorn:
 * - `review`: a person must decide some lines; nothing is sent until every line is decided;
 * - `queued`: the acknowledgement is in the outbox, not yet sent (or to be sent again);
 * - `held` / `simulated`: the module is `off` / `simulate`; nothing went to Amazon;
 * - `submitted`: Amazon took it (202, transaction id) and is processing;
 * - `accepted`: still Processing 15 minutes later, which is Amazon's way of saying accepted;
 * - `rejected`: the transaction reported Failure with Amazon's errors;
 * - `failed`: Amazon refused the request itself (4xx);
 * - `unknown`: we cannot tell whether Amazon got it; Amazon's state will tell.
 */
export type AcknowledgementState =
  | 'review'
  | 'queued'
  | 'held'
  | 'simulated'
  | 'submitted'
  | 'accepted'
  | 'rejected'
  | 'failed'
  | 'unknown';

/** States in which the PO still needs something before its deadline: kept in the due index. */
export const OPEN_STATES: ReadonlySet<AcknowledgementState> = new Set([
  'review',
  'queued',
  'held',
  'rejected',
  'failed',
  'unknown',
]);

/** One line as Acorn decided it: by a rule or by a person. */
export interface LineRecord {
  readonly itemSequenceNumber: string;
  readonly sku?: string;
  readonly outcome: 'decided' | 'review';
  readonly ruleId: string;
  readonly reason: string;
  /** What is (or will be) sent for the line. */
  readonly itemAcknowledgements?: OrderItemAcknowledgement[];
  /** For a review: what the rules would send if a person agrees. */
  readonly proposal?: OrderItemAcknowledgement[];
  readonly decidedBy: AuditActor;
  readonly decidedAt: string;
}

/** Amazon's answer to a submitted acknowledgement. */
export interface AmazonError {
  readonly code: string;
  readonly message: string;
  readonly details?: string;
}

/** Acorn's record of one PO's acknowledgement. */
export interface AcknowledgementRecord {
  readonly purchaseOrderNumber: string;
  readonly vendorCode: string;
  readonly marketplace: string;
  readonly purchaseOrderDate: string;
  /** When Amazon expects the acknowledgement. */
  readonly deadline: string;
  readonly state: AcknowledgementState;
  /** Bumped by every write; writes are conditional on the revision read. */
  readonly revision: number;
  readonly lines: readonly LineRecord[];
  /** The outbox message carrying the acknowledgement, once queued. */
  readonly messageKey?: string;
  readonly transactionId?: string;
  readonly submittedAt?: string;
  readonly errors?: readonly AmazonError[];
  /** Whether the rules' decision was audited and, for a review, announced (absent on older records). */
  readonly announced?: boolean;
  /** Reminder and escalation ids already announced. */
  readonly remindersSent: readonly string[];
  readonly updatedAt: string;
}

/** The rule engine's decision as line records. */
export function linesFromDecision(lines: readonly LineDecision[], at: string): LineRecord[] {
  return lines.map((line) => ({
    itemSequenceNumber: line.itemSequenceNumber,
    ...(line.sku ? { sku: line.sku } : {}),
    outcome: line.outcome,
    ruleId: line.ruleId,
    reason: line.reason,
    ...(line.outcome === 'decided' ? { itemAcknowledgements: line.itemAcknowledgements } : {}),
    ...(line.outcome === 'review' && line.proposal ? { proposal: line.proposal } : {}),
    decidedBy: { type: 'rule', id: line.ruleId },
    decidedAt: at,
  }));
}

/** Country codes that differ from Acorn's marketplace codes. */
const MARKETPLACE_OF_COUNTRY: Readonly<Record<string, string>> = { GB: 'UK' };

/**
 * The marketplace a PO belongs to: the vendor code's only marketplace, else the one of the
 * ship-to country, else the vendor code's first. Amazon's PO carries no marketplace id.
 */
export function marketplaceOf(order: PurchaseOrder, vendorMarketplaces: readonly string[]): string {
  if (vendorMarketplaces.length === 1) return vendorMarketplaces[0]!;
  const country = order.orderDetails?.shipToParty?.address?.countryCode;
  if (country) {
    const code = MARKETPLACE_OF_COUNTRY[country] ?? country;
    if (vendorMarketplaces.includes(code)) return code;
  }
  return vendorMarketplaces[0] ?? 'US';
}

/** Whether every line is decided, so the acknowledgement can go out. */
export function isComplete(lines: readonly LineRecord[]): boolean {
  return lines.every((l) => l.outcome === 'decided' && l.itemAcknowledgements);
}
