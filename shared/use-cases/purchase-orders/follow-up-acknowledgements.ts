import type { AuditActor } from '../../domain/audit.ts';
import type {
  AcknowledgementRecord,
  AmazonError,
} from '../../domain/purchase-orders/acknowledgement-record.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '../../events.ts';
import type { VendorTransactionsApi } from '../../sp-api/vendor-transactions.ts';
import {
  type FollowUpSummary,
  failureCollector,
  followUpSubmissions,
  type TransactionOutcome,
  transactionErrors,
} from '../outbox/follow-up.ts';
import {
  type AcknowledgementDeps,
  dispatchAcknowledgement,
  resumeAcknowledgement,
  updateRecord,
} from './acknowledge-purchase-order.ts';

/** Amazon's rule: a transaction still Processing this long after submission was accepted. */
export const ACCEPTED_AFTER_MS = 15 * 60 * 1000;

const FOLLOW_UP_ACTOR: AuditActor = { type: 'system', id: 'acknowledgement-follow-up' };

export type { FollowUpSummary };

/**
 * The scheduled follow-up of acknowledgements: pushes queued, held and unknown ones through the
 * outbox again (which resolves an unknown from Amazon's state, never by resending blindly), and
 * reads the transaction status of submitted ones — `Failure` stores Amazon's errors and raises an
 * alert event; `Processing` after 15 minutes counts as accepted.
 */
export function makeFollowUpAcknowledgements(
  deps: AcknowledgementDeps & {
    transactions: (vendorCode: string) => VendorTransactionsApi;
    batchSize?: number;
  },
) {
  const batch = deps.batchSize ?? 100;
  return async function followUpAcknowledgements(): Promise<FollowUpSummary> {
    const { attempt, rethrow } = failureCollector();
    const summary = await followUpSubmissions({
      listByState: (state, limit) => deps.acknowledgements.listByState(state, limit),
      batchSize: batch,
      attempt,
      redispatch: (record, state) =>
        state === 'queued' ? resumeAcknowledgement(deps, record) : dispatchAcknowledgement(deps, record),
      checkTransaction: (record) => checkTransaction(deps, record),
    });
    rethrow();
    return summary;
  };
}

async function checkTransaction(
  deps: AcknowledgementDeps & { transactions: (vendorCode: string) => VendorTransactionsApi },
  record: AcknowledgementRecord,
): Promise<TransactionOutcome> {
  const now = deps.clock.now();
  if (!record.transactionId) {
    // Resolved from Amazon's PO state after an unknown outcome: there is no transaction to read.
    await settle(deps, record, 'accepted', 'Amazon shows the PO acknowledged');
    return 'accepted';
  }
  const transaction = await deps.transactions(record.vendorCode).transaction(record.transactionId);
  if (transaction.status === 'Failure') {
    const errors = transactionErrors(transaction);
    await settle(
      deps,
      record,
      'rejected',
      errors.map((e) => `${e.code}: ${e.message}`).join('; ') || 'Failure',
      errors,
    );
    return 'rejected';
  }
  const since = now.getTime() - Date.parse(record.submittedAt ?? record.updatedAt);
  if (transaction.status === 'Success' || since >= ACCEPTED_AFTER_MS) {
    await settle(
      deps,
      record,
      'accepted',
      `Transaction ${record.transactionId} ${transaction.status} after ${Math.round(since / 60000)} minutes`,
    );
    return 'accepted';
  }
  return 'stillProcessing';
}

async function settle(
  deps: AcknowledgementDeps,
  record: AcknowledgementRecord,
  state: 'accepted' | 'rejected',
  reason: string,
  errors?: AmazonError[],
): Promise<void> {
  const updated = await updateRecord(
    deps.acknowledgements,
    record,
    (r) => (r.state === 'submitted' ? { ...r, state, ...(errors ? { errors } : {}) } : undefined),
    () => deps.clock.now(),
  );
  if (updated.state !== state || updated.revision === record.revision) return;
  await deps.audit.record({
    id: `po:${record.purchaseOrderNumber}:ack:r${updated.revision}`,
    at: updated.updatedAt,
    actor: FOLLOW_UP_ACTOR,
    action: state === 'accepted' ? 'acknowledgement.accepted' : 'acknowledgement.rejected',
    entity: { type: 'PurchaseOrder', id: record.purchaseOrderNumber },
    reason,
    before: { state: record.state },
    after: { state, ...(errors ? { errors } : {}) },
    module: 'purchaseOrders',
  });
  await deps.events.publish([
    {
      source: EVENT_SOURCE.purchaseOrders,
      detailType:
        state === 'accepted' ? DETAIL_TYPE.purchaseOrderAcknowledged : DETAIL_TYPE.acknowledgementFailed,
      detail: {
        purchaseOrderNumber: record.purchaseOrderNumber,
        vendorCode: record.vendorCode,
        transactionId: record.transactionId,
        deadline: record.deadline,
        ...(errors ? { errors } : {}),
      },
    },
  ]);
}
