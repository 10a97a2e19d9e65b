import type { ShipmentRecord } from '../../domain/shipments/fulfilment.ts';
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
  confirmShipment,
  dispatchShipment,
  SHIPMENT_FOLLOW_UP_ACTOR,
  type ShipmentDeps,
  sendShipment,
  shipmentSubject,
  syncFulfilment,
  updateShipment,
} from './send-shipment.ts';

/** Counts of one follow-up run. */
export type ShipmentFollowUpSummary = FollowUpSummary;

/**
 * The scheduled follow-up of shipment confirmations: pushes queued, held and unknown ones through
 * the outbox again (which resolves an unknown from Amazon's shipment list, never by resending
 * blindly), and reads the transaction status of submitted ones. Unlike acknowledgements, Amazon
 * reports `Success` for shipment confirmations: only that (or the shipment in Amazon's list)
 * counts as accepted; `Failure` stores Amazon's errors and raises ShipmentConfirmationFailed.
 */
export function makeFollowUpShipments(
  deps: ShipmentDeps & { transactions: (vendorCode: string) => VendorTransactionsApi; batchSize?: number },
) {
  const batch = deps.batchSize ?? 100;
  return async function followUpShipments(): Promise<ShipmentFollowUpSummary> {
    const { attempt, rethrow } = failureCollector();
    const summary = await followUpSubmissions({
      listByState: (state, limit) => deps.shipments.listByState(state, limit),
      batchSize: batch,
      attempt,
      // A queued record may have no outbox message yet (a crash before the enqueue).
      redispatch: (record, state) =>
        state === 'queued'
          ? sendShipment(deps, record, SHIPMENT_FOLLOW_UP_ACTOR)
          : dispatchShipment(deps, record),
      checkTransaction: (record) => checkTransaction(deps, record),
    });
    rethrow();
    return summary;
  };
}

async function checkTransaction(
  deps: ShipmentDeps & { transactions: (vendorCode: string) => VendorTransactionsApi },
  record: ShipmentRecord,
): Promise<TransactionOutcome> {
  if (!record.transactionId) {
    // Resolved from Amazon's shipment list after an unknown outcome: there is no transaction to read.
    await confirmShipment(deps, record, 'Amazon lists the shipment');
    return 'accepted';
  }
  const transaction = await deps.transactions(record.vendorCode).transaction(record.transactionId);
  if (transaction.status === 'Success') {
    await confirmShipment(deps, record, `Transaction ${record.transactionId} Success`);
    return 'accepted';
  }
  if (transaction.status === 'Processing') return 'stillProcessing';
  const errors = transactionErrors(transaction);
  const updated = await updateShipment(deps, record, (r) =>
    r.state === 'submitted' ? { ...r, state: 'rejected', errors } : undefined,
  );
  if (updated.revision === record.revision) return 'rejected';
  await syncFulfilment(deps, updated);
  await deps.audit.record({
    id: `shipment:${record.vendorCode}#${record.shipmentId}:r${updated.revision}`,
    at: updated.updatedAt,
    actor: SHIPMENT_FOLLOW_UP_ACTOR,
    action: 'shipment.rejected',
    entity: shipmentSubject(record),
    reason: errors.map((e) => `${e.code}: ${e.message}`).join('; ') || 'Failure',
    before: { state: record.state },
    after: { state: 'rejected', errors },
    module: 'shipments',
  });
  await deps.events.publish([
    {
      source: EVENT_SOURCE.shipments,
      detailType: DETAIL_TYPE.shipmentConfirmationFailed,
      detail: {
        shipmentId: record.shipmentId,
        vendorCode: record.vendorCode,
        transactionId: record.transactionId,
        purchaseOrderNumbers: record.purchaseOrders.map((p) => p.purchaseOrderNumber),
        asnDeadline: record.asnDeadline,
        errors,
      },
    },
  ]);
  return 'rejected';
}
