import type { AuditActor } from '../../domain/audit.ts';
import {
  type AcknowledgementRecord,
  isComplete,
  type LineRecord,
} from '../../domain/purchase-orders/acknowledgement-record.ts';
import { validateManualDecision } from '../../domain/purchase-orders/acknowledgement-rules.ts';
import { AppError, ValidationError } from '../../errors.ts';
import type { OrderItemAcknowledgement } from '../../sp-api/schemas/orders.ts';
import {
  type AcknowledgementDeps,
  acknowledgementKey,
  PurchaseOrderNotFoundError,
  sendAcknowledgement,
} from './acknowledge-purchase-order.ts';

/** The PO's acknowledgement is not in a state a person can decide (e.g. already submitted). */
export class NotDecidableError extends AppError {
  readonly retryable = false;
}

/** An operator's decision for some lines of one PO. */
export interface LineDecisionRequest {
  readonly itemSequenceNumber: string;
  readonly itemAcknowledgements: OrderItemAcknowledgement[];
  readonly note?: string;
}

/**
 * An operator decides lines of a PO: lines in review, or — as a deliberate, audited correction —
 * lines of an acknowledgement Amazon refused (or that failed) within Amazon's 48-hour window. Every
 * line is checked against Amazon's rules first (quantities, rejected stays rejected, the window);
 * once no line waits for a person the acknowledgement goes out through the outbox.
 */
export function makeDecideLines(deps: AcknowledgementDeps) {
  return async function decideLines(
    purchaseOrderNumber: string,
    decisions: readonly LineDecisionRequest[],
    actor: AuditActor,
  ): Promise<AcknowledgementRecord> {
    const record = await deps.acknowledgements.get(purchaseOrderNumber);
    const stored = await deps.orders.get(purchaseOrderNumber);
    if (!record || !stored)
      throw new PurchaseOrderNotFoundError(`No acknowledgement of PO ${purchaseOrderNumber}`);
    const correcting = record.state === 'rejected' || record.state === 'failed';
    if (record.state !== 'review' && !correcting) {
      throw new NotDecidableError(
        `PO ${purchaseOrderNumber} is ${record.state}: only lines in review, or a refused acknowledgement, can be decided`,
      );
    }
    if (decisions.length === 0)
      throw new ValidationError('No line decisions given', [{ path: 'lines', message: 'empty' }]);
    const now = deps.clock.now();
    const items = stored.order.orderDetails?.items ?? [];
    const problems: { path: string; message: string }[] = [];
    decisions.forEach((d, i) => {
      const item = items.find((it) => it.itemSequenceNumber === d.itemSequenceNumber);
      const line = record.lines.find((l) => l.itemSequenceNumber === d.itemSequenceNumber);
      if (!item || !line) {
        problems.push({
          path: `lines[${i}].itemSequenceNumber`,
          message: `PO ${purchaseOrderNumber} has no line ${d.itemSequenceNumber}`,
        });
        return;
      }
      // What Amazon has for the line: only a refused acknowledgement being corrected had any.
      const current =
        correcting && line.itemAcknowledgements
          ? { itemAcknowledgements: line.itemAcknowledgements }
          : undefined;
      const check = validateManualDecision(item, current, d.itemAcknowledgements, {
        purchaseOrderDate: record.purchaseOrderDate,
        now,
      });
      if (!check.ok)
        for (const p of check.problems) problems.push({ path: `lines[${i}]`, message: p.message });
    });
    if (problems.length) {
      throw new ValidationError(
        `Cannot decide PO ${purchaseOrderNumber}: ${problems.map((p) => p.message).join('; ')}`,
        problems,
      );
    }

    const decidedAt = now.toISOString();
    const byLine = new Map(decisions.map((d) => [d.itemSequenceNumber, d]));
    const lines: LineRecord[] = record.lines.map((l) => {
      const d = byLine.get(l.itemSequenceNumber);
      if (!d) return l;
      return {
        itemSequenceNumber: l.itemSequenceNumber,
        ...(l.sku ? { sku: l.sku } : {}),
        outcome: 'decided',
        ruleId: 'operator',
        reason: d.note
          ? `Decided by ${actor.name ?? actor.id}: ${d.note}`
          : `Decided by ${actor.name ?? actor.id}`,
        itemAcknowledgements: d.itemAcknowledgements,
        decidedBy: actor,
        decidedAt,
      };
    });
    const complete = isComplete(lines);
    let base = record;
    let updated: AcknowledgementRecord;
    for (let attempt = 0; ; attempt++) {
      updated = {
        ...base,
        lines,
        state: complete ? 'queued' : 'review',
        // A correction is a new message: the refused one stays in the outbox as evidence.
        ...(correcting
          ? { messageKey: acknowledgementKey(purchaseOrderNumber, record.revision), errors: [] }
          : {}),
        revision: base.revision + 1,
        updatedAt: decidedAt,
      };
      if ((await deps.acknowledgements.update(updated)) === 'updated') break;
      // Decided against what the operator saw. If only bookkeeping moved on meanwhile (the rules'
      // decision being announced, a reminder sent), the state and lines are still what they saw
      // and the decision stands; if anything they decided on changed, they decide again.
      const fresh = await deps.acknowledgements.get(purchaseOrderNumber);
      const sameDecisionBasis =
        fresh !== undefined &&
        fresh.state === record.state &&
        JSON.stringify(fresh.lines) === JSON.stringify(record.lines);
      if (!sameDecisionBasis || attempt >= 3) {
        throw new NotDecidableError(
          `PO ${purchaseOrderNumber} changed while you decided; reload and decide again`,
        );
      }
      base = fresh;
    }
    await deps.audit.record({
      id: `po:${purchaseOrderNumber}:decision:r${updated.revision}`,
      at: decidedAt,
      actor,
      action: correcting ? 'purchaseOrder.corrected' : 'purchaseOrder.linesDecided',
      entity: { type: 'PurchaseOrder', id: purchaseOrderNumber },
      reason: decisions.map((d) => `line ${d.itemSequenceNumber}${d.note ? `: ${d.note}` : ''}`).join('; '),
      before: { state: record.state, lines: record.lines.filter((l) => byLine.has(l.itemSequenceNumber)) },
      after: { state: updated.state, lines: lines.filter((l) => byLine.has(l.itemSequenceNumber)) },
      module: 'purchaseOrders',
    });
    return complete ? sendAcknowledgement(deps, updated, stored.order, actor) : updated;
  };
}
