/**
 * The submitAcknowledgement payload built from a PO and its line decisions.
 *
 * What Amazon requires (notes/domain.md 1.3) is enforced here, not hoped for: every PO line is
 * acknowledged exactly once (a missing line is an implicit rejection, ARCHITECTURE rule 8), the
 * product identifiers and ordered quantity are echoed exactly as the PO sent them, the net cost is
 * the PO line's (it must equal the invoice cost), and quantities never exceed the ordered ones.
 *
 * Deterministic: the output depends only on the input, with a fixed key order and the PO's line
 * order, so the payload `simulate` records and the one `live` sends are byte-identical.
 */

import type { Money } from '#shared/sp-api/schemas/common.ts';
import {
  type OrderAcknowledgement,
  type OrderAcknowledgementItem,
  type OrderItem,
  type OrderItemAcknowledgement,
  orderAcknowledgementSchema,
  type PurchaseOrder,
  type SubmitAcknowledgementRequest,
  submitAcknowledgementRequestSchema,
} from '#shared/sp-api/schemas/orders.ts';
import { describeIssues } from '#shared/validation.ts';
import { checkLineAcknowledgement } from './acknowledgement-rules.ts';
import { formatInstant } from './deadlines.ts';
import { InvalidAcknowledgementError } from './errors.ts';

/** A line ready to acknowledge: a DecidedLine from the rules, or an operator's validated decision. */
export interface AcknowledgedLine {
  readonly outcome?: 'decided';
  readonly itemSequenceNumber: string;
  readonly itemAcknowledgements: readonly OrderItemAcknowledgement[];
  /** Net cost per each to send only when the PO line carries none; the PO's own always wins. */
  readonly netCost?: { readonly amount: string; readonly currencyCode: string };
}

/** A line still waiting for a person: refused with its reason, never sent half-decided. */
export interface PendingLine {
  readonly outcome: 'review';
  readonly itemSequenceNumber: string;
  readonly reason?: string;
}

/** What {@link buildAcknowledgement} needs. */
export interface BuildAcknowledgementInput {
  readonly order: PurchaseOrder;
  /** One per PO line, e.g. `decision.lines` once no line is in review. */
  readonly decisions: readonly (AcknowledgedLine | PendingLine)[];
  /** The vendor code that received the PO. */
  readonly sellingParty: { readonly partyId: string };
  readonly acknowledgementDate: Date;
}

type Issue = { path: string; message: string };

function fail(what: string, issues: Issue[]): never {
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new InvalidAcknowledgementError(`Cannot acknowledge ${what}: ${summary}`, issues);
}

/**
 * The acknowledgement of one PO. Throws InvalidAcknowledgementError, naming each line at fault,
 * when a line has no decision or is still in review, a decision names no PO line, or a line's
 * acknowledgement breaks Amazon's rules.
 */
export function buildAcknowledgement(input: BuildAcknowledgementInput): OrderAcknowledgement {
  const { order, decisions, sellingParty } = input;
  const po = order.purchaseOrderNumber;
  const issues: Issue[] = [];
  const details = order.orderDetails;
  if (!details) fail(`PO ${po}`, [{ path: 'orderDetails', message: 'the PO has no details to acknowledge' }]);
  if (order.purchaseOrderState === 'Closed') {
    issues.push({ path: 'purchaseOrderState', message: 'the PO is closed' });
  }
  const receiver = details.sellingParty?.partyId;
  if (sellingParty.partyId === '') issues.push({ path: 'sellingParty.partyId', message: 'empty' });
  else if (receiver !== undefined && receiver !== sellingParty.partyId) {
    issues.push({
      path: 'sellingParty.partyId',
      message: `the PO was sent to ${receiver}, not ${sellingParty.partyId}`,
    });
  }

  const bySequence = new Map<string, AcknowledgedLine | PendingLine>();
  for (const decision of decisions) {
    const seq = decision.itemSequenceNumber;
    if (bySequence.has(seq)) issues.push({ path: `items[${seq}]`, message: 'decided twice' });
    bySequence.set(seq, decision);
  }
  const lineNumbers = new Set(details.items.map((i) => i.itemSequenceNumber));
  for (const seq of bySequence.keys()) {
    if (!lineNumbers.has(seq)) issues.push({ path: `items[${seq}]`, message: `PO ${po} has no such line` });
  }

  const items: OrderAcknowledgementItem[] = [];
  for (const line of details.items) {
    const seq = line.itemSequenceNumber;
    const decision = bySequence.get(seq);
    if (!decision) {
      issues.push({
        path: `items[${seq}]`,
        message: 'no decision: Amazon would take a missing line as rejected',
      });
      continue;
    }
    if (decision.outcome === 'review') {
      issues.push({
        path: `items[${seq}]`,
        message: `still waiting for review${decision.reason ? ` (${decision.reason})` : ''}`,
      });
      continue;
    }
    for (const problem of checkLineAcknowledgement(line, decision.itemAcknowledgements, {
      netCost: decision.netCost,
    })) {
      issues.push({ path: `items[${seq}]`, message: problem.message });
    }
    items.push(acknowledgementItem(line, decision));
  }
  if (issues.length > 0) fail(`PO ${po}`, issues);

  const acknowledgement: OrderAcknowledgement = {
    purchaseOrderNumber: po,
    sellingParty: { partyId: sellingParty.partyId },
    acknowledgementDate: formatInstant(input.acknowledgementDate),
    items,
  };
  const parsed = orderAcknowledgementSchema.safeParse(acknowledgement);
  if (!parsed.success) fail(`PO ${po}`, describeIssues(parsed.error));
  return acknowledgement;
}

/** The acknowledgement of one line: identifiers, ordered quantity and net cost echoed from the PO. */
function acknowledgementItem(line: OrderItem, decision: AcknowledgedLine): OrderAcknowledgementItem {
  const netCost = line.netCost?.amount !== undefined ? line.netCost : decision.netCost;
  return {
    itemSequenceNumber: line.itemSequenceNumber,
    ...(line.amazonProductIdentifier === undefined
      ? {}
      : { amazonProductIdentifier: line.amazonProductIdentifier }),
    ...(line.vendorProductIdentifier === undefined
      ? {}
      : { vendorProductIdentifier: line.vendorProductIdentifier }),
    orderedQuantity: quantity(line.orderedQuantity),
    ...(netCost === undefined ? {} : { netCost: money(netCost) }),
    itemAcknowledgements: decision.itemAcknowledgements.map((p) => ({
      acknowledgementCode: p.acknowledgementCode,
      // In the line's unit, which checkLineAcknowledgement has confirmed or the decision left out.
      acknowledgedQuantity: quantity({ ...line.orderedQuantity, amount: p.acknowledgedQuantity.amount }),
      ...(p.scheduledShipDate === undefined ? {} : { scheduledShipDate: p.scheduledShipDate }),
      ...(p.scheduledDeliveryDate === undefined ? {} : { scheduledDeliveryDate: p.scheduledDeliveryDate }),
      ...(p.rejectionReason === undefined ? {} : { rejectionReason: p.rejectionReason }),
    })),
  };
}

/** The model's fields of a quantity, in the model's order (the PO may carry fields Amazon added). */
function quantity(q: OrderItem['orderedQuantity']): OrderAcknowledgementItem['orderedQuantity'] {
  return {
    ...(q.amount === undefined ? {} : { amount: q.amount }),
    ...(q.unitOfMeasure === undefined ? {} : { unitOfMeasure: q.unitOfMeasure }),
    ...(q.unitSize === undefined ? {} : { unitSize: q.unitSize }),
  };
}

/** The model's fields of an amount, echoed as written (never reformatted: it must match the invoice). */
function money(
  m: Pick<Money, 'currencyCode' | 'amount' | 'unitOfMeasure'>,
): NonNullable<OrderAcknowledgementItem['netCost']> {
  return {
    ...(m.currencyCode === undefined ? {} : { currencyCode: m.currencyCode }),
    ...(m.amount === undefined ? {} : { amount: m.amount }),
    ...(m.unitOfMeasure === undefined ? {} : { unitOfMeasure: m.unitOfMeasure }),
  };
}

/**
 * The submitAcknowledgement body for acknowledgements built by {@link buildAcknowledgement}, in
 * the order given. Refuses an empty batch and two acknowledgements of the same PO in one batch.
 */
export function buildAcknowledgementRequest(
  acknowledgements: readonly OrderAcknowledgement[],
): SubmitAcknowledgementRequest {
  const issues: Issue[] = [];
  if (acknowledgements.length === 0) issues.push({ path: 'acknowledgements', message: 'nothing to submit' });
  const seen = new Map<string, number>();
  acknowledgements.forEach((ack, i) => {
    const earlier = seen.get(ack.purchaseOrderNumber);
    if (earlier !== undefined) {
      issues.push({
        path: `acknowledgements[${i}]`,
        message: `PO ${ack.purchaseOrderNumber} is already acknowledged at [${earlier}]`,
      });
    } else seen.set(ack.purchaseOrderNumber, i);
  });
  if (issues.length > 0) fail('the batch', issues);
  const request: SubmitAcknowledgementRequest = { acknowledgements: [...acknowledgements] };
  const parsed = submitAcknowledgementRequestSchema.safeParse(request);
  if (!parsed.success) fail('the batch', describeIssues(parsed.error));
  return request;
}
