import type { ShipmentRecord } from '../../domain/shipments/fulfilment.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '../../events.ts';
import type { VendorTransactionsApi } from '../../sp-api/vendor-transactions.ts';
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
export interface ShipmentFollowUpSummary {
  redispatched: number;
  accepted: number;
  rejected: number;
  stillProcessing: number;
}

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
    const summary: ShipmentFollowUpSummary = {
      redispatched: 0,
      accepted: 0,
      rejected: 0,
      stillProcessing: 0,
    };
    // One record that fails (a throttled call, a lost lease) must not hold up the others: each is
    // tried, and the first failure is raised at the end, so the run still reports it.
    const failures: unknown[] = [];
    const attempt = async (work: () => Promise<void>) => {
      try {
        await work();
      } catch (error) {
        failures.push(error);
      }
    };
    for (const state of ['queued', 'held', 'unknown'] as const) {
      for (const record of await deps.shipments.listByState(state, batch)) {
        await attempt(async () => {
          // A queued record may have no outbox message yet (a crash before the enqueue).
          await (state === 'queued'
            ? sendShipment(deps, record, SHIPMENT_FOLLOW_UP_ACTOR)
            : dispatchShipment(deps, record));
          summary.redispatched++;
        });
      }
    }
    for (const record of await deps.shipments.listByState('submitted', batch)) {
      await attempt(async () => {
        summary[await checkTransaction(deps, record)]++;
      });
    }
    if (failures.length > 0) throw failures[0];
    return summary;
  };
}

async function checkTransaction(
  deps: ShipmentDeps & { transactions: (vendorCode: string) => VendorTransactionsApi },
  record: ShipmentRecord,
): Promise<'accepted' | 'rejected' | 'stillProcessing'> {
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
  const errors = (transaction.errors ?? []).map((e) => ({
    code: e.code,
    message: e.message,
    ...(e.details ? { details: e.details } : {}),
  }));
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
