import type { Clock } from '../../clock.ts';
import type { AuditActor } from '../../domain/audit.ts';
import type { ReminderPlan } from '../../domain/purchase-orders/deadlines.ts';
import {
  buildShipmentConfirmationsRequest,
  type ShipFromParty,
} from '../../domain/shipments/confirmation-payload.ts';
import {
  type FulfilmentRecord,
  type ShipmentRecord,
  shippedQuantitiesOf,
  withAsnIndex,
  withFulfilmentIndex,
} from '../../domain/shipments/fulfilment.ts';
import { AppError, ConfigurationError } from '../../errors.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '../../events.ts';
import { submissionOf } from '../outbox/follow-up.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { AuditTrail } from '../outbox/ports.ts';
import type { EventPublisher } from '../ports.ts';
import type { AcknowledgementStore, CatalogSource, PurchaseOrderReader } from '../purchase-orders/ports.ts';
import type {
  FulfilmentStore,
  PurchaseOrderStatusReader,
  ShipmentStore,
  ShippedQuantitiesStore,
} from './ports.ts';

/** A record moved on under us too often; the caller retries later. */
export class ShipmentContentionError extends AppError {
  readonly retryable = true;
}

/** The shipments settings (acorn.config.json `shipments`, `parties.shipFrom`). */
export interface ShipmentSettings {
  readonly reminders: ReminderPlan;
  readonly asnReminders: ReminderPlan;
  readonly asnDeadlineMinutes: number;
  readonly transitDays: number;
  readonly shipFrom: readonly ShipFromParty[];
}

/** Everything the shipments use cases talk to. */
export interface ShipmentDeps {
  readonly clock: Clock;
  readonly orders: PurchaseOrderReader;
  readonly acknowledgements: Pick<AcknowledgementStore, 'get'>;
  readonly statuses: PurchaseOrderStatusReader;
  readonly catalog?: CatalogSource;
  readonly shipments: ShipmentStore;
  readonly fulfilments: FulfilmentStore;
  readonly shipped: ShippedQuantitiesStore;
  readonly outbox: Outbox;
  readonly audit: AuditTrail;
  readonly events: EventPublisher;
  readonly vendors: readonly {
    readonly vendorCode: string;
    readonly spApiAccount: string;
    readonly marketplaces: readonly string[];
  }[];
  readonly settings: ShipmentSettings;
}

/** The system actors of the shipments capability. */
export const WAREHOUSE_FILE_ACTOR: AuditActor = { type: 'system', id: 'warehouse-file' };
export const SHIPMENT_FOLLOW_UP_ACTOR: AuditActor = { type: 'system', id: 'shipment-follow-up' };

/**
 * The outbox key of a shipment's confirmation: one per vendor code and shipment id, and a new one
 * for each deliberate correction (`Original` again after a refusal) or replacement (`Replace`).
 */
export function confirmationKey(
  vendorCode: string,
  shipmentId: string,
  revision?: { kind: 'correction' | 'replace'; revision: number },
): string {
  const base = `asn#${vendorCode}#${shipmentId}`;
  return revision ? `${base}#${revision.kind}-r${revision.revision}` : base;
}

/** The audit and outbox subject of a shipment. */
export function shipmentSubject(record: Pick<ShipmentRecord, 'vendorCode' | 'shipmentId'>) {
  return { type: 'Shipment', id: `${record.vendorCode}#${record.shipmentId}` };
}

/**
 * Writes a new version of a shipment record: revision + 1, conditional on the one read, with its
 * ASN reminder index recomputed. Retries a few times on a conflict by re-reading and re-applying.
 */
export async function updateShipment(
  deps: Pick<ShipmentDeps, 'shipments' | 'clock' | 'settings'>,
  current: ShipmentRecord,
  change: (record: ShipmentRecord) => ShipmentRecord | undefined,
): Promise<ShipmentRecord> {
  let record = current;
  for (let attempt = 0; attempt < 5; attempt++) {
    const next = change(record);
    if (!next) return record;
    const written = withAsnIndex(
      { ...next, revision: record.revision + 1, updatedAt: deps.clock.now().toISOString() },
      deps.settings.asnReminders,
    );
    if ((await deps.shipments.update(written)) === 'updated') return written;
    const fresh = await deps.shipments.get(record.vendorCode, record.shipmentId);
    if (!fresh) throw new ShipmentContentionError(`Shipment ${record.shipmentId} vanished`);
    record = fresh;
  }
  throw new ShipmentContentionError(`Shipment ${current.shipmentId} keeps changing`);
}

/** The same for a fulfilment record, with its state and ship-window reminder index recomputed. */
export async function updateFulfilment(
  deps: Pick<ShipmentDeps, 'fulfilments' | 'clock' | 'settings'>,
  current: FulfilmentRecord,
  change: (record: FulfilmentRecord) => FulfilmentRecord | undefined,
): Promise<FulfilmentRecord> {
  let record = current;
  for (let attempt = 0; attempt < 5; attempt++) {
    const next = change(record);
    if (!next) return record;
    const written = withFulfilmentIndex(
      { ...next, revision: record.revision + 1, updatedAt: deps.clock.now().toISOString() },
      deps.settings.reminders,
    );
    if ((await deps.fulfilments.update(written)) === 'updated') return written;
    const fresh = await deps.fulfilments.get(record.purchaseOrderNumber);
    if (!fresh) throw new ShipmentContentionError(`Fulfilment of PO ${record.purchaseOrderNumber} vanished`);
    record = fresh;
  }
  throw new ShipmentContentionError(`Fulfilment of PO ${current.purchaseOrderNumber} keeps changing`);
}

/** Carries a shipment's state onto the claims its POs hold (idempotent: nothing changes twice). */
export async function syncFulfilment(deps: ShipmentDeps, record: ShipmentRecord): Promise<void> {
  for (const po of record.purchaseOrders) {
    const fulfilment = await deps.fulfilments.get(po.purchaseOrderNumber);
    if (!fulfilment) continue;
    await updateFulfilment(deps, fulfilment, (f) => {
      const claim = f.shipments.find((s) => s.shipmentId === record.shipmentId);
      if (!claim || claim.state === record.state) return undefined;
      return {
        ...f,
        shipments: f.shipments.map((s) =>
          s.shipmentId === record.shipmentId ? { ...s, state: record.state } : s,
        ),
      };
    });
  }
}

/**
 * Queues the shipment's confirmation in the outbox (idempotent by its key: the first payload
 * stays) and dispatches it, then records where it went. Used for a new shipment, a file seen
 * again, and the follow-up of queued, held and unknown ones.
 */
export async function sendShipment(
  deps: ShipmentDeps,
  record: ShipmentRecord,
  actor: AuditActor,
): Promise<ShipmentRecord> {
  const vendor = deps.vendors.find((v) => v.vendorCode === record.vendorCode);
  if (!vendor) throw new ConfigurationError(`Vendor code ${record.vendorCode} is not configured`);
  if (!record.messageKey) return record;
  await deps.outbox.enqueue({
    key: record.messageKey,
    module: 'shipments',
    operation: 'submitShipmentConfirmations',
    target: vendor.spApiAccount,
    subject: shipmentSubject(record),
    payload: buildShipmentConfirmationsRequest([record.confirmation]),
    actor,
  });
  return dispatchShipment(deps, record);
}

/** Dispatches a shipment's outbox message and records the outcome on the shipment and its POs. */
export async function dispatchShipment(deps: ShipmentDeps, record: ShipmentRecord): Promise<ShipmentRecord> {
  if (!record.messageKey) return record;
  const outcome = await deps.outbox.dispatch(record.messageKey);
  const message = outcome.message;
  // A message settled earlier that the record has already moved past (accepted, rejected) stays.
  if (outcome.kind === 'settled' && (record.state === 'accepted' || record.state === 'rejected'))
    return record;
  const { state, transactionId, errors } = submissionOf(outcome, record.state);
  const updated = await updateShipment(deps, record, (r) =>
    r.state === state && r.transactionId === transactionId
      ? undefined
      : {
          ...r,
          state,
          ...(transactionId
            ? {
                transactionId,
                submittedAt:
                  transactionId === r.transactionId
                    ? (r.submittedAt ?? message.updatedAt)
                    : message.updatedAt,
              }
            : {}),
          ...(state === 'failed' && errors ? { errors } : {}),
        },
  );
  await syncFulfilment(deps, updated);
  if (state === 'failed' && record.state !== 'failed') {
    await deps.events.publish([
      {
        source: EVENT_SOURCE.shipments,
        detailType: DETAIL_TYPE.shipmentConfirmationFailed,
        detail: {
          shipmentId: record.shipmentId,
          vendorCode: record.vendorCode,
          purchaseOrderNumbers: record.purchaseOrders.map((p) => p.purchaseOrderNumber),
          asnDeadline: record.asnDeadline,
          errors: errors ?? [],
        },
      },
    ]);
  }
  return updated;
}

/**
 * Amazon confirmed the shipment (`Success`, or found applied): the record becomes `accepted`, the
 * confirmed quantities are written once per PO for invoicing, the POs' claims follow, and
 * ShipmentConfirmed goes on the bus. Idempotent step by step, so a crash anywhere is repaired by
 * the next run.
 */
export async function confirmShipment(
  deps: ShipmentDeps,
  record: ShipmentRecord,
  reason: string,
): Promise<ShipmentRecord> {
  const confirmedAt = record.confirmedAt ?? deps.clock.now().toISOString();
  // The invoicing feed first: once the record says accepted, nothing would write it again.
  for (const entry of shippedQuantitiesOf({ ...record, state: 'accepted' }, confirmedAt)) {
    await deps.shipped.put(entry);
  }
  const updated = await updateShipment(deps, record, (r) =>
    r.state === 'accepted' ? undefined : { ...r, state: 'accepted', confirmedAt, errors: [] },
  );
  await syncFulfilment(deps, updated);
  if (updated.revision === record.revision) return updated;
  await deps.audit.record({
    id: `shipment:${record.vendorCode}#${record.shipmentId}:r${updated.revision}`,
    at: updated.updatedAt,
    actor: SHIPMENT_FOLLOW_UP_ACTOR,
    action: 'shipment.confirmed',
    entity: shipmentSubject(record),
    reason,
    before: { state: record.state },
    after: { state: 'accepted', transactionId: record.transactionId },
    module: 'shipments',
  });
  await deps.events.publish([
    {
      source: EVENT_SOURCE.shipments,
      detailType: DETAIL_TYPE.shipmentConfirmed,
      detail: {
        shipmentId: record.shipmentId,
        vendorCode: record.vendorCode,
        transactionId: record.transactionId,
        shippedDate: record.shippedDate,
        confirmedAt,
        purchaseOrders: record.purchaseOrders,
      },
    },
  ]);
  return updated;
}
