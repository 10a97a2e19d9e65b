import type { Clock } from '../../clock.ts';
import type { AuditActor } from '../../domain/audit.ts';
import {
  buildAcknowledgement,
  buildAcknowledgementRequest,
} from '../../domain/purchase-orders/acknowledgement-payload.ts';
import {
  type AcknowledgementRecord,
  isComplete,
  type LineRecord,
  linesFromDecision,
  marketplaceOf,
} from '../../domain/purchase-orders/acknowledgement-record.ts';
import {
  decidePurchaseOrder,
  type PurchaseOrderDecision,
} from '../../domain/purchase-orders/acknowledgement-rules.ts';
import { acknowledgementReminders, type ReminderPlan } from '../../domain/purchase-orders/deadlines.ts';
import type { AcknowledgementRules } from '../../domain/purchase-orders/rules-config.ts';
import { AppError } from '../../errors.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '../../events.ts';
import type { PurchaseOrder } from '../../sp-api/schemas/orders.ts';
import { submissionOf } from '../outbox/follow-up.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { AuditTrail } from '../outbox/ports.ts';
import type { EventPublisher } from '../ports.ts';
import type { AcknowledgementStore, CatalogSource, PurchaseOrderReader, StockStore } from './ports.ts';

/** The PO is not (yet) in the table: the event arrived before the item, or names an unknown PO. */
export class PurchaseOrderNotFoundError extends AppError {
  readonly retryable = true;
}

/** The record moved on under us too often; the caller retries later. */
export class AcknowledgementContentionError extends AppError {
  readonly retryable = true;
}

export const RULES_ACTOR: AuditActor = { type: 'rule', id: 'acknowledgement-rules' };

export interface AcknowledgementDeps {
  readonly clock: Clock;
  readonly orders: PurchaseOrderReader;
  readonly acknowledgements: AcknowledgementStore;
  readonly catalog: CatalogSource;
  readonly stock: StockStore;
  readonly outbox: Outbox;
  readonly audit: AuditTrail;
  readonly events: EventPublisher;
  readonly rules: AcknowledgementRules;
  readonly reminders: ReminderPlan;
  readonly vendors: readonly {
    vendorCode: string;
    spApiAccount: string;
    marketplaces: readonly string[];
    acknowledgementDeadlineHours: number;
  }[];
}

/** The outbox key of a PO's acknowledgement; a deliberate correction gets its own. */
export function acknowledgementKey(purchaseOrderNumber: string, correction?: number): string {
  return correction ? `ack#${purchaseOrderNumber}#correction-${correction}` : `ack#${purchaseOrderNumber}`;
}

/**
 * Writes a new version of a record: revision + 1, conditional on the one read. Retries a few times
 * on a conflict by re-reading and re-applying `change`.
 */
export async function updateRecord(
  store: AcknowledgementStore,
  current: AcknowledgementRecord,
  change: (record: AcknowledgementRecord) => AcknowledgementRecord | undefined,
  now: () => Date,
): Promise<AcknowledgementRecord> {
  let record = current;
  for (let attempt = 0; attempt < 5; attempt++) {
    const next = change(record);
    if (!next) return record;
    const written = { ...next, revision: record.revision + 1, updatedAt: now().toISOString() };
    if ((await store.update(written)) === 'updated') return written;
    const fresh = await store.get(record.purchaseOrderNumber);
    if (!fresh)
      throw new AcknowledgementContentionError(`Acknowledgement of ${record.purchaseOrderNumber} vanished`);
    record = fresh;
  }
  throw new AcknowledgementContentionError(
    `Acknowledgement of ${current.purchaseOrderNumber} keeps changing`,
  );
}

/**
 * Queues the acknowledgement of a fully decided PO in the outbox and dispatches it, then records
 * where it went. Shared by the rules path, the operator's decisions and the follow-up.
 */
export async function sendAcknowledgement(
  deps: AcknowledgementDeps,
  record: AcknowledgementRecord,
  order: PurchaseOrder,
  actor: AuditActor,
): Promise<AcknowledgementRecord> {
  const vendor = deps.vendors.find((v) => v.vendorCode === record.vendorCode);
  if (!vendor) throw new PurchaseOrderNotFoundError(`Vendor code ${record.vendorCode} is not configured`);
  const key = record.messageKey ?? acknowledgementKey(record.purchaseOrderNumber);
  const payload = buildAcknowledgementRequest([
    buildAcknowledgement({
      order,
      decisions: record.lines.map((l) => ({
        itemSequenceNumber: l.itemSequenceNumber,
        itemAcknowledgements: l.itemAcknowledgements ?? [],
      })),
      sellingParty: { partyId: record.vendorCode },
      // The decision time, not the send time: the same decision always makes the same bytes.
      acknowledgementDate: new Date(Math.max(...record.lines.map((l) => Date.parse(l.decidedAt)))),
    }),
  ]);
  await deps.outbox.enqueue({
    key,
    module: 'purchaseOrders',
    operation: 'submitAcknowledgement',
    target: vendor.spApiAccount,
    subject: { type: 'PurchaseOrder', id: record.purchaseOrderNumber },
    payload,
    actor,
  });
  let queued = record;
  if (record.messageKey !== key || record.state !== 'queued') {
    queued = await updateRecord(
      deps.acknowledgements,
      record,
      (r) => ({ ...r, state: 'queued', messageKey: key }),
      () => deps.clock.now(),
    );
  }
  return dispatchAcknowledgement(deps, queued);
}

/** Dispatches a queued acknowledgement's outbox message and records the outcome. */
export async function dispatchAcknowledgement(
  deps: AcknowledgementDeps,
  record: AcknowledgementRecord,
): Promise<AcknowledgementRecord> {
  if (!record.messageKey) return record;
  const outcome = await deps.outbox.dispatch(record.messageKey);
  const message = outcome.message;
  const { state, transactionId, errors } = submissionOf(outcome, record.state);
  const updated = await updateRecord(
    deps.acknowledgements,
    record,
    (r) =>
      r.state === state && r.transactionId === transactionId
        ? undefined
        : {
            ...r,
            state,
            // A correction is a new message: it is judged by its own transaction and send time only,
            // never by the refused one's (whose Failure, or age, says nothing about it).
            ...(transactionId
              ? {
                  transactionId,
                  submittedAt:
                    transactionId === r.transactionId
                      ? (r.submittedAt ?? message.updatedAt)
                      : message.updatedAt,
                }
              : state === 'submitted'
                ? { transactionId: undefined, submittedAt: undefined }
                : {}),
            ...(state === 'failed' && errors ? { errors } : {}),
          },
    () => deps.clock.now(),
  );
  if (state === 'failed' && record.state !== 'failed') {
    await deps.events.publish([
      {
        source: EVENT_SOURCE.purchaseOrders,
        detailType: DETAIL_TYPE.acknowledgementFailed,
        detail: {
          purchaseOrderNumber: record.purchaseOrderNumber,
          vendorCode: record.vendorCode,
          deadline: record.deadline,
          errors: errors ?? [],
        },
      },
    ]);
  }
  return updated;
}

/**
 * Pushes a `queued` acknowledgement on. The record says `queued` before its outbox message exists
 * (the decision is stored first), so after a failure in between — a failed audit write, a killed
 * worker — there is no message to dispatch: queue it now from the stored decision, else a retried
 * event or the follow-up would find the record queued forever and send nothing.
 */
export async function resumeAcknowledgement(
  deps: AcknowledgementDeps,
  record: AcknowledgementRecord,
): Promise<AcknowledgementRecord> {
  if (record.messageKey && (await deps.outbox.get(record.messageKey))) {
    return dispatchAcknowledgement(deps, record);
  }
  const stored = await deps.orders.get(record.purchaseOrderNumber);
  if (!stored) throw new PurchaseOrderNotFoundError(`PO ${record.purchaseOrderNumber} is not stored`);
  const latest = record.lines.reduce<LineRecord | undefined>(
    (last, l) => (!last || l.decidedAt > last.decidedAt ? l : last),
    undefined,
  );
  const actor = latest?.decidedBy.type === 'person' ? latest.decidedBy : RULES_ACTOR;
  return sendAcknowledgement(deps, record, stored.order, actor);
}

/** Orders whose SKUs the catalogue knows: the SKUs to read stock for. */
function skusOf(
  order: PurchaseOrder,
  marketplace: string,
  catalog: Awaited<ReturnType<CatalogSource['index']>>,
): string[] {
  const skus = new Set<string>();
  for (const item of order.orderDetails?.items ?? []) {
    const found = catalog.lookup(
      {
        vendorProductIdentifier: item.vendorProductIdentifier,
        amazonProductIdentifier: item.amazonProductIdentifier,
      },
      marketplace,
    );
    if (found.kind === 'found') skus.add(found.entry.sku);
  }
  return [...skus];
}

/**
 * Audits the rules' decision and, for a PO that needs a person, raises PurchaseOrderNeedsReview;
 * then marks the record announced. Both writes are idempotent (a fixed audit id; the mark is
 * conditional), so a run that died in between is finished by the next one — the alert is sent at
 * least once, never lost.
 */
async function announceDecision(
  deps: AcknowledgementDeps,
  record: AcknowledgementRecord,
): Promise<AcknowledgementRecord> {
  const purchaseOrderNumber = record.purchaseOrderNumber;
  const lines = record.lines;
  await deps.audit.record({
    id: `po:${purchaseOrderNumber}:decided`,
    at: record.lines[0]?.decidedAt ?? record.updatedAt,
    actor: RULES_ACTOR,
    action: 'purchaseOrder.decided',
    entity: { type: 'PurchaseOrder', id: purchaseOrderNumber },
    reason: lines.some((l) => l.outcome === 'review')
      ? 'Some lines need a person'
      : 'Every line decided by the rules',
    after: {
      state: lines.some((l) => l.outcome === 'review') ? 'review' : 'queued',
      lines: lines.map((l) => ({
        line: l.itemSequenceNumber,
        outcome: l.outcome,
        rule: l.ruleId,
        reason: l.reason,
      })),
    },
    module: 'purchaseOrders',
  });
  if (record.state === 'review') {
    await deps.events.publish([
      {
        source: EVENT_SOURCE.purchaseOrders,
        detailType: DETAIL_TYPE.purchaseOrderNeedsReview,
        detail: {
          purchaseOrderNumber,
          vendorCode: record.vendorCode,
          deadline: record.deadline,
          lines: lines
            .filter((l) => l.outcome === 'review')
            .map((l) => ({ line: l.itemSequenceNumber, reason: l.reason })),
        },
      },
    ]);
  }
  return updateRecord(
    deps.acknowledgements,
    record,
    (r) => (r.announced ? undefined : { ...r, announced: true }),
    () => deps.clock.now(),
  );
}

/**
 * Decides a new PO by the rules and sends its acknowledgement — or puts it in front of a person.
 * Stock is reserved SKU by SKU with conditional updates before anything is sent, so two POs (or,
 * later, Shopify) can never be promised the same units. Idempotent: a second event for the same
 * PO finds the record and only pushes a queued acknowledgement on.
 */
export function makeAcknowledgePurchaseOrder(deps: AcknowledgementDeps) {
  return async function acknowledgePurchaseOrder(
    purchaseOrderNumber: string,
  ): Promise<AcknowledgementRecord | undefined> {
    const existing = await deps.acknowledgements.get(purchaseOrderNumber);
    if (existing) {
      // A run that stored the decision but died before announcing it: finish the announcement.
      if (!existing.announced)
        return announceDecision(deps, existing).then((r) =>
          r.state === 'queued' ? resumeAcknowledgement(deps, r) : r,
        );
      return existing.state === 'queued' ? resumeAcknowledgement(deps, existing) : existing;
    }
    const stored = await deps.orders.get(purchaseOrderNumber);
    if (!stored) throw new PurchaseOrderNotFoundError(`PO ${purchaseOrderNumber} is not stored yet`);
    const { order, vendorCode } = stored;
    // Acknowledged or closed at Amazon already (by hand in Vendor Central, or cancelled): nothing to decide.
    if (order.purchaseOrderState !== 'New') return undefined;
    const vendor = deps.vendors.find((v) => v.vendorCode === vendorCode);
    if (!vendor)
      throw new PurchaseOrderNotFoundError(
        `Vendor code ${vendorCode} of PO ${purchaseOrderNumber} is not configured`,
      );
    const marketplace = marketplaceOf(order, vendor.marketplaces);
    const catalog = await deps.catalog.index();
    const skus = skusOf(order, marketplace, catalog);

    let decision: PurchaseOrderDecision | undefined;
    for (let attempt = 0; attempt < 3 && !decision; attempt++) {
      const now = deps.clock.now();
      const candidate = decidePurchaseOrder({
        order,
        marketplace,
        vendorCode,
        catalog,
        stock: await deps.stock.available(skus),
        rules: deps.rules,
        now,
      });
      const reserved: string[] = [];
      let short = false;
      for (const [sku, quantity] of candidate.allocations) {
        if (quantity <= 0) continue;
        if (await deps.stock.reserve(sku, purchaseOrderNumber, quantity)) reserved.push(sku);
        else {
          short = true;
          break;
        }
      }
      if (!short) decision = candidate;
      // Someone took the stock between our read and our reservation: give ours back and decide again.
      else for (const sku of reserved) await deps.stock.release(sku, purchaseOrderNumber);
    }
    if (!decision)
      throw new AcknowledgementContentionError(`Stock for PO ${purchaseOrderNumber} kept changing`);

    const { deadline } = acknowledgementReminders(order, {
      deadlineHours: vendor.acknowledgementDeadlineHours,
      plan: deps.reminders,
    });
    const lines: LineRecord[] = linesFromDecision(decision.lines, decision.decidedAt);
    const record: AcknowledgementRecord = {
      purchaseOrderNumber,
      vendorCode,
      marketplace,
      purchaseOrderDate: order.orderDetails?.purchaseOrderDate ?? decision.decidedAt,
      deadline: deadline.toISOString(),
      state: isComplete(lines) ? 'queued' : 'review',
      revision: 1,
      lines,
      remindersSent: [],
      updatedAt: deps.clock.now().toISOString(),
    };
    if ((await deps.acknowledgements.create(record)) === 'exists') {
      const raced = await deps.acknowledgements.get(purchaseOrderNumber);
      return raced;
    }
    const announced = await announceDecision(deps, record);
    if (announced.state === 'review') return announced;
    return sendAcknowledgement(deps, announced, order, RULES_ACTOR);
  };
}
