/**
 * Fulfilment milestones of an accepted PO: when it must leave (its ship window, or its delivery
 * window moved back by the transit time), what Amazon accepted per line, and what the shipments
 * registered against it claim and have confirmed. Pure: the use cases store these records and
 * decide with these functions; time is always given (ARCHITECTURE rule 10).
 */

import type { OrderItem, OrderStatus, PurchaseOrder } from '../../sp-api/schemas/orders.ts';
import type { ShipmentConfirmation } from '../../sp-api/schemas/shipments.ts';
import type { AmazonError, LineRecord } from '../purchase-orders/acknowledgement-record.ts';
import {
  deliveryWindow,
  dueNotices,
  type ReminderPlan,
  reminderSchedule,
  type ScheduledNotice,
  shipWindow,
} from '../purchase-orders/deadlines.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

export type { AmazonError } from '../purchase-orders/acknowledgement-record.ts';

/** When a PO must leave the warehouse. ISO instants. */
export interface DepartureWindow {
  readonly start: string;
  readonly end: string;
  /**
   * `shipWindow`: Amazon collects in this window. `deliveryWindow`: the vendor delivers; the
   * window is the PO's delivery window moved back by the configured transit days.
   */
  readonly source: 'shipWindow' | 'deliveryWindow';
}

/**
 * The departure window of a PO: its ship window as it stands, or its delivery window minus
 * `transitDays`; undefined when the PO has neither. Throws InvalidDateTimeError for a window
 * that cannot be read.
 */
export function departureWindow(order: PurchaseOrder, transitDays: number): DepartureWindow | undefined {
  const ship = shipWindow(order);
  if (ship) return { start: ship.start.toISOString(), end: ship.end.toISOString(), source: 'shipWindow' };
  const delivery = deliveryWindow(order);
  if (!delivery) return undefined;
  const transit = transitDays * DAY_MS;
  return {
    start: new Date(delivery.start.getTime() - transit).toISOString(),
    end: new Date(delivery.end.getTime() - transit).toISOString(),
    source: 'deliveryWindow',
  };
}

/**
 * Where a shipment's confirmation (ASN) stands:
 * - `queued`: in the outbox, not yet sent (or to be sent again);
 * - `held` / `simulated`: the module is `off` / `simulate`; nothing went to Amazon;
 * - `submitted`: Amazon took it (202, transaction id) and is processing;
 * - `accepted`: the transaction reported `Success`;
 * - `rejected`: the transaction reported `Failure` with Amazon's errors;
 * - `failed`: Amazon refused the request itself (4xx);
 * - `unknown`: we cannot tell whether Amazon got it; its shipment list will tell.
 */
export type ShipmentState =
  | 'queued'
  | 'held'
  | 'simulated'
  | 'submitted'
  | 'accepted'
  | 'rejected'
  | 'failed'
  | 'unknown';

export const SHIPMENT_STATES: readonly ShipmentState[] = [
  'queued',
  'held',
  'simulated',
  'submitted',
  'accepted',
  'rejected',
  'failed',
  'unknown',
];

/** A shipment in these states has no ASN at Amazon yet: it is reminded about and escalated. */
export const WITHOUT_ASN_STATES: ReadonlySet<ShipmentState> = new Set([
  'queued',
  'held',
  'rejected',
  'failed',
  'unknown',
]);

/**
 * Shipments in these states count against a PO's accepted quantities. A refused confirmation
 * (`rejected`, `failed`) does not: Amazon never took it, and its correction replaces it.
 */
export const CLAIMING_STATES: ReadonlySet<ShipmentState> = new Set([
  'queued',
  'held',
  'simulated',
  'submitted',
  'accepted',
  'unknown',
]);

/** A quantity in a PO line's unit. */
export interface LineQuantity {
  readonly itemSequenceNumber: string;
  readonly amazonProductIdentifier?: string;
  readonly vendorProductIdentifier?: string;
  readonly amount: number;
  readonly unitOfMeasure: 'Cases' | 'Eaches';
  readonly unitSize: number;
}

/** What one shipment ships of one PO. */
export interface ShipmentPurchaseOrderLines {
  readonly purchaseOrderNumber: string;
  readonly lines: readonly LineQuantity[];
}

/** Acorn's record of one shipment and its confirmation. */
export interface ShipmentRecord {
  readonly vendorCode: string;
  /** The warehouse's id, sent as `shipmentIdentifier` (unique per vendor for 365 days at Amazon). */
  readonly shipmentId: string;
  readonly state: ShipmentState;
  /** Bumped by every write; writes are conditional on the revision read. */
  readonly revision: number;
  /** SHA-256 of the shipment as the warehouse described it: the same file twice is recognised. */
  readonly contentHash: string;
  readonly confirmationType: 'Original' | 'Replace';
  /** Where it came from: the inbox key, or `push`. */
  readonly source: string;
  readonly receivedAt: string;
  readonly shippedDate: string;
  /** When Amazon expects the ASN: the departure plus the configured minutes. */
  readonly asnDeadline: string;
  readonly purchaseOrders: readonly ShipmentPurchaseOrderLines[];
  readonly cartonCount: number;
  readonly palletCount: number;
  /** The confirmation exactly as it is (or will be) sent. */
  readonly confirmation: ShipmentConfirmation;
  readonly messageKey?: string;
  readonly transactionId?: string;
  readonly submittedAt?: string;
  readonly confirmedAt?: string;
  readonly errors?: readonly AmazonError[];
  /** Reminder and escalation ids already announced (ASN deadline). */
  readonly remindersSent: readonly string[];
  /** When the next ASN notice is due, while the shipment has no ASN: the reminder index. */
  readonly nextNoticeAt?: string;
  readonly updatedAt: string;
}

/** The ASN reminders of a shipment: from its arrival (or departure, if earlier) to its ASN deadline. */
export function asnSchedule(
  record: Pick<ShipmentRecord, 'receivedAt' | 'shippedDate' | 'asnDeadline'>,
  plan: ReminderPlan,
): ScheduledNotice[] {
  const deadline = new Date(record.asnDeadline);
  const from = Math.min(Date.parse(record.receivedAt), Date.parse(record.shippedDate));
  // A file that arrives after the deadline is escalated at once: the schedule still needs a span.
  const start = new Date(Math.min(from, deadline.getTime() - MINUTE_MS));
  return reminderSchedule(start, deadline, plan);
}

/** The earliest notice of `schedule` not yet sent, as an ISO instant; undefined when none is left. */
export function nextNoticeAt(
  schedule: readonly ScheduledNotice[],
  sent: Iterable<string>,
): string | undefined {
  const done = new Set(sent);
  const next = schedule.find((notice) => !done.has(notice.id));
  return next?.at.toISOString();
}

/** A shipment record with its reminder index set for its state. */
export function withAsnIndex(record: ShipmentRecord, plan: ReminderPlan): ShipmentRecord {
  const { nextNoticeAt: _previous, ...rest } = record;
  if (!WITHOUT_ASN_STATES.has(record.state)) return rest;
  const next = nextNoticeAt(asnSchedule(record, plan), record.remindersSent);
  return next ? { ...rest, nextNoticeAt: next } : rest;
}

// ---- the PO's fulfilment record ------------------------------------------------------------------

/**
 * - `awaiting`: accepted, nothing registered to ship yet;
 * - `partial`: shipments claim some but not all of the accepted quantities;
 * - `shipped`: shipments claim every accepted unit.
 */
export type FulfilmentState = 'awaiting' | 'partial' | 'shipped';

/** One PO line as fulfilment sees it. */
export interface FulfilmentLine {
  readonly itemSequenceNumber: string;
  readonly amazonProductIdentifier?: string;
  readonly vendorProductIdentifier?: string;
  readonly unitOfMeasure: 'Cases' | 'Eaches';
  readonly unitSize: number;
  /** What Amazon accepted (Accepted + Backordered), in the line's unit. */
  readonly accepted: number;
}

/** One shipment's claim on the PO. */
export interface FulfilmentShipment {
  readonly shipmentId: string;
  readonly state: ShipmentState;
  readonly shippedDate: string;
  readonly asnDeadline: string;
  readonly lines: readonly { readonly itemSequenceNumber: string; readonly amount: number }[];
}

/** Acorn's record of one accepted PO's fulfilment. */
export interface FulfilmentRecord {
  readonly purchaseOrderNumber: string;
  readonly vendorCode: string;
  readonly shipToPartyId?: string;
  readonly window?: DepartureWindow;
  /** Where the accepted quantities come from: Acorn's acknowledgement, or Amazon's PO status. */
  readonly acceptedFrom: 'acknowledgement' | 'amazon-status';
  readonly lines: readonly FulfilmentLine[];
  readonly shipments: readonly FulfilmentShipment[];
  readonly state: FulfilmentState;
  readonly revision: number;
  /** Ship-window reminder and escalation ids already announced. */
  readonly remindersSent: readonly string[];
  /** When the next ship-window notice is due while nothing ships: the reminder index. */
  readonly nextNoticeAt?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

function unitOf(item: OrderItem): { unitOfMeasure: 'Cases' | 'Eaches'; unitSize: number } {
  const unitOfMeasure = item.orderedQuantity.unitOfMeasure === 'Cases' ? 'Cases' : 'Eaches';
  return { unitOfMeasure, unitSize: unitOfMeasure === 'Cases' ? (item.orderedQuantity.unitSize ?? 1) : 1 };
}

/**
 * Accepted quantities from Acorn's own acknowledgement lines (Accepted and Backordered count,
 * Rejected does not), in each line's unit.
 */
export function acceptedFromAcknowledgement(lines: readonly LineRecord[]): Map<string, number> {
  const accepted = new Map<string, number>();
  for (const line of lines) {
    let amount = 0;
    for (const part of line.itemAcknowledgements ?? []) {
      if (part.acknowledgementCode !== 'Rejected') amount += part.acknowledgedQuantity.amount ?? 0;
    }
    accepted.set(line.itemSequenceNumber, amount);
  }
  return accepted;
}

/** Accepted quantities as Amazon's PO status reports them (a PO acknowledged outside Acorn). */
export function acceptedFromStatus(status: OrderStatus): Map<string, number> | undefined {
  const accepted = new Map<string, number>();
  let confirmed = false;
  for (const item of status.itemStatus) {
    const ack = item.acknowledgementStatus;
    if (ack?.confirmationStatus && ack.confirmationStatus !== 'UNCONFIRMED') confirmed = true;
    accepted.set(item.itemSequenceNumber, ack?.acceptedQuantity?.amount ?? 0);
  }
  return confirmed ? accepted : undefined;
}

/** The fulfilment lines of a PO with the accepted quantities given. */
export function fulfilmentLines(
  order: PurchaseOrder,
  accepted: ReadonlyMap<string, number>,
): FulfilmentLine[] {
  return (order.orderDetails?.items ?? []).map((item) => ({
    itemSequenceNumber: item.itemSequenceNumber,
    ...(item.amazonProductIdentifier ? { amazonProductIdentifier: item.amazonProductIdentifier } : {}),
    ...(item.vendorProductIdentifier ? { vendorProductIdentifier: item.vendorProductIdentifier } : {}),
    ...unitOf(item),
    accepted: accepted.get(item.itemSequenceNumber) ?? 0,
  }));
}

/** Quantities per line claimed by the shipments in CLAIMING_STATES, except `exceptShipmentId`. */
export function claimedQuantities(
  record: Pick<FulfilmentRecord, 'shipments'>,
  exceptShipmentId?: string,
): Map<string, number> {
  const claimed = new Map<string, number>();
  for (const shipment of record.shipments) {
    if (shipment.shipmentId === exceptShipmentId || !CLAIMING_STATES.has(shipment.state)) continue;
    for (const line of shipment.lines) {
      claimed.set(line.itemSequenceNumber, (claimed.get(line.itemSequenceNumber) ?? 0) + line.amount);
    }
  }
  return claimed;
}

/** Quantities per line that Amazon confirmed (shipments whose confirmation reported Success). */
export function confirmedQuantities(record: Pick<FulfilmentRecord, 'shipments'>): Map<string, number> {
  const confirmed = new Map<string, number>();
  for (const shipment of record.shipments) {
    if (shipment.state !== 'accepted') continue;
    for (const line of shipment.lines) {
      confirmed.set(line.itemSequenceNumber, (confirmed.get(line.itemSequenceNumber) ?? 0) + line.amount);
    }
  }
  return confirmed;
}

/** Where a PO's fulfilment stands given its shipments. */
export function fulfilmentState(record: Pick<FulfilmentRecord, 'lines' | 'shipments'>): FulfilmentState {
  const claimed = claimedQuantities(record);
  if (claimed.size === 0) return 'awaiting';
  const open = record.lines.filter((l) => l.accepted > 0);
  return open.every((l) => (claimed.get(l.itemSequenceNumber) ?? 0) >= l.accepted) ? 'shipped' : 'partial';
}

/** The ship-window notices of a PO: reminders inside its departure window and the escalation. */
export function windowSchedule(
  record: Pick<FulfilmentRecord, 'window'>,
  plan: ReminderPlan,
): ScheduledNotice[] {
  if (!record.window) return [];
  return reminderSchedule(new Date(record.window.start), new Date(record.window.end), plan);
}

/**
 * A fulfilment record with its state and reminder index recomputed: the index is set only while
 * nothing ships (the reminders are about a PO inside its window without a shipment).
 */
export function withFulfilmentIndex(record: FulfilmentRecord, plan: ReminderPlan): FulfilmentRecord {
  const { nextNoticeAt: _previous, ...rest } = record;
  const state = fulfilmentState(record);
  if (state !== 'awaiting') return { ...rest, state };
  const next = nextNoticeAt(windowSchedule(record, plan), record.remindersSent);
  return next ? { ...rest, state, nextNoticeAt: next } : { ...rest, state };
}

/** The record with `shipment`'s claim added, or replaced when the shipment is already there. */
export function withShipmentClaim(record: FulfilmentRecord, shipment: FulfilmentShipment): FulfilmentRecord {
  const others = record.shipments.filter((s) => s.shipmentId !== shipment.shipmentId);
  return { ...record, shipments: [...others, shipment] };
}

/** What is due now of a schedule and what to record as handled. */
export function noticesDue(
  schedule: readonly ScheduledNotice[],
  now: Date,
  sent: readonly string[],
): { send: ScheduledNotice[]; handled: string[] } {
  const { send, superseded } = dueNotices(schedule, now, sent);
  return { send, handled: [...send, ...superseded].map((n) => n.id) };
}

/**
 * What one confirmed shipment ships of one PO, as the invoicing capability reads it: the quantities
 * Amazon confirmed, per PO line, with the line's identifiers. Written once per PO and shipment.
 */
export interface ShippedQuantities {
  readonly purchaseOrderNumber: string;
  readonly vendorCode: string;
  readonly shipmentId: string;
  /**
   * The shipment record's revision: a `Replace` confirmation (a higher revision) supersedes the
   * quantities of the same PO and shipment; nothing else ever changes them.
   */
  readonly revision: number;
  readonly transactionId?: string;
  readonly shippedDate: string;
  /** When Acorn saw Amazon's `Success`. */
  readonly confirmedAt: string;
  readonly lines: readonly {
    readonly itemSequenceNumber: string;
    readonly amazonProductIdentifier?: string;
    readonly vendorProductIdentifier?: string;
    readonly shippedQuantity: {
      readonly amount: number;
      readonly unitOfMeasure: 'Cases' | 'Eaches';
      readonly unitSize: number;
    };
  }[];
}

/** The invoicing feed of a confirmed shipment, one entry per PO it ships. */
export function shippedQuantitiesOf(record: ShipmentRecord, confirmedAt: string): ShippedQuantities[] {
  return record.purchaseOrders.map((po) => ({
    purchaseOrderNumber: po.purchaseOrderNumber,
    vendorCode: record.vendorCode,
    shipmentId: record.shipmentId,
    revision: record.revision,
    ...(record.transactionId ? { transactionId: record.transactionId } : {}),
    shippedDate: record.shippedDate,
    confirmedAt,
    lines: po.lines.map((line) => ({
      itemSequenceNumber: line.itemSequenceNumber,
      ...(line.amazonProductIdentifier ? { amazonProductIdentifier: line.amazonProductIdentifier } : {}),
      ...(line.vendorProductIdentifier ? { vendorProductIdentifier: line.vendorProductIdentifier } : {}),
      shippedQuantity: { amount: line.amount, unitOfMeasure: line.unitOfMeasure, unitSize: line.unitSize },
    })),
  }));
}
