/**
 * The purchase-order book: generated and injected POs, seen at a point in business time.
 *
 * A PO's current form is derived, never stored: the PO as created, then Amazon's scheduled change
 * (once its time has come), then the acknowledgements whose processing has finished, then the
 * receipts that follow shipment or the delivery window. Deriving it from the clock is what lets a
 * test jump 48 hours ahead and see the PO exactly as it would be.
 */
import type { ItemQuantity } from '#shared/sp-api/schemas/common.ts';
import type {
  OrderItem,
  OrderItemStatus,
  OrderStatus,
  PurchaseOrder,
} from '#shared/sp-api/schemas/orders.ts';
import {
  BACKLOG_SPAN_MS,
  type GeneratedPurchaseOrder,
  isoSeconds,
  type PurchaseOrderGenerator,
  type ScheduledChange,
} from './generator.ts';
import type { AcknowledgementRecord, SandboxState, ShipmentRecord } from './state.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** How long after a shipment (or the delivery window start) receiving begins, and lasts. */
const TRANSIT_MS = DAY;
const RECEIVING_MS = DAY;

/** A PO as the book knows it: where it came from and what Amazon will do to it. */
export interface PurchaseOrderRecord {
  readonly purchaseOrderNumber: string;
  readonly createdAt: number;
  readonly vendorCode: string;
  readonly marketplace?: string;
  readonly order: PurchaseOrder;
  readonly change?: ScheduledChange;
  readonly injected: boolean;
}

/** Acknowledgement totals of one line. */
export interface LineAcknowledgement {
  readonly accepted: number;
  readonly rejected: number;
  readonly onlyRejected: boolean;
  readonly details: readonly { at: number; accepted: number; rejected: number }[];
}

/** Receiving progress of one line. */
export interface LineReceipt {
  readonly received: number;
  readonly expected: number;
  readonly lastReceivedAt?: number;
  readonly completeAt: number;
}

/** One line in its current form. */
export interface LineView {
  readonly item: OrderItem;
  readonly history: readonly { at: number; amount: number; cancelled: number }[];
  readonly acknowledgement?: LineAcknowledgement;
  readonly receipt?: LineReceipt;
}

/** A PO in its current form. */
export interface PurchaseOrderView {
  readonly record: PurchaseOrderRecord;
  readonly order: PurchaseOrder;
  readonly state: 'New' | 'Acknowledged' | 'Closed';
  readonly stateChangedAt: number;
  readonly changedAt?: number;
  readonly lastUpdatedAt: number;
  readonly lines: readonly LineView[];
}

function fromGenerated(po: GeneratedPurchaseOrder): PurchaseOrderRecord {
  return {
    purchaseOrderNumber: po.purchaseOrderNumber,
    createdAt: po.createdAt,
    vendorCode: po.vendorCode,
    marketplace: po.marketplace,
    order: po.order,
    ...(po.change ? { change: po.change } : {}),
    injected: false,
  };
}

/** Start of an ISO interval `start--end`, or undefined. */
function intervalStart(interval: string | undefined): number | undefined {
  const start = interval?.split('--')[0];
  const at = start ? Date.parse(start) : Number.NaN;
  return Number.isNaN(at) ? undefined : at;
}

function intervalEnd(interval: string | undefined): number | undefined {
  const end = interval?.split('--')[1];
  const at = end ? Date.parse(end) : Number.NaN;
  return Number.isNaN(at) ? undefined : at;
}

/** Whether an acknowledgement or shipment line refers to this PO line. */
export function matchesLine(
  line: OrderItem,
  ref: { itemSequenceNumber?: string; amazonProductIdentifier?: string; vendorProductIdentifier?: string },
): boolean {
  if (ref.itemSequenceNumber !== undefined) return ref.itemSequenceNumber === line.itemSequenceNumber;
  if (ref.vendorProductIdentifier !== undefined)
    return ref.vendorProductIdentifier === line.vendorProductIdentifier;
  if (ref.amazonProductIdentifier !== undefined)
    return ref.amazonProductIdentifier === line.amazonProductIdentifier;
  return false;
}

function quantity(line: OrderItem, amount: number): ItemQuantity {
  const { unitOfMeasure, unitSize } = line.orderedQuantity;
  return {
    amount,
    ...(unitOfMeasure ? { unitOfMeasure } : {}),
    ...(unitSize !== undefined ? { unitSize } : {}),
  };
}

/** Finds POs and derives their current form from the generator, the state and the time. */
export class PurchaseOrderBook {
  readonly #generator: PurchaseOrderGenerator;
  readonly #state: SandboxState;

  constructor(generator: PurchaseOrderGenerator, state: SandboxState) {
    this.#generator = generator;
    this.#state = state;
  }

  /** Earliest creation time of any PO, generated or injected. */
  get firstCreatedAt(): number {
    return Math.min(
      this.#generator.anchor - BACKLOG_SPAN_MS,
      ...this.#state.injectedPurchaseOrders.map((p) => p.createdAt),
    );
  }

  /** The PO with this number if it exists and is published at `now`. */
  find(purchaseOrderNumber: string, now: number): PurchaseOrderRecord | undefined {
    const injected = this.#state.injectedPurchaseOrders.find(
      (p) => p.order.purchaseOrderNumber === purchaseOrderNumber,
    );
    const record: PurchaseOrderRecord | undefined = injected
      ? { ...injected, purchaseOrderNumber, injected: true }
      : (() => {
          const generated = this.#generator.byNumber(purchaseOrderNumber);
          return generated ? fromGenerated(generated) : undefined;
        })();
    return record && record.createdAt <= now ? record : undefined;
  }

  /** POs created in [from, to] and published at `now`, oldest first. */
  createdBetween(from: number, to: number, now: number): PurchaseOrderRecord[] {
    const until = Math.min(to, now);
    // An injected PO replaces a generated one with the same number.
    const replaced = new Set(this.#state.injectedPurchaseOrders.map((p) => p.order.purchaseOrderNumber));
    const generated = this.#generator
      .createdBetween(from, until)
      .filter((po) => !replaced.has(po.purchaseOrderNumber))
      .map(fromGenerated);
    const injected = this.#state.injectedPurchaseOrders
      .filter((p) => p.createdAt >= from && p.createdAt <= until)
      .map((p) => ({ ...p, purchaseOrderNumber: p.order.purchaseOrderNumber, injected: true }));
    return [...generated, ...injected].sort(
      (a, b) => a.createdAt - b.createdAt || a.purchaseOrderNumber.localeCompare(b.purchaseOrderNumber),
    );
  }

  /** Acknowledgements received for a PO (accepted or not), oldest first. */
  acknowledgementsFor(purchaseOrderNumber: string): AcknowledgementRecord[] {
    return this.#state.acknowledgements.filter(
      (a) => a.acknowledgement.purchaseOrderNumber === purchaseOrderNumber,
    );
  }

  /** Accepted shipment confirmations that ship goods of this PO. */
  shipmentsFor(purchaseOrderNumber: string): ShipmentRecord[] {
    return this.#state.shipments.filter(
      (s) =>
        s.accepted &&
        s.confirmation.shippedItems.some(
          (item) => item.itemDetails?.purchaseOrderNumber === purchaseOrderNumber,
        ),
    );
  }

  /** The PO as Amazon shows it at `now`. */
  view(record: PurchaseOrderRecord, now: number): PurchaseOrderView {
    const details = record.order.orderDetails;
    const baseItems = details?.items ?? [];
    const change = record.change && record.change.at <= now ? record.change : undefined;

    const acks = this.acknowledgementsFor(record.purchaseOrderNumber)
      .filter((a) => a.accepted && a.decidedAt <= now)
      .sort((a, b) => a.decidedAt - b.decidedAt);

    // The first accepted shipment of the PO starts the transit clock for its lines.
    const shipments = this.shipmentsFor(record.purchaseOrderNumber).filter((s) => s.decidedAt <= now);

    let lastUpdatedAt = Math.max(record.createdAt, change?.at ?? 0);
    const lines: LineView[] = baseItems.map((base) => {
      const initial = base.orderedQuantity.amount ?? 0;
      const history = [{ at: record.createdAt, amount: initial, cancelled: 0 }];
      let amount = initial;
      const changedLine = change?.lines.find((l) => l.itemSequenceNumber === base.itemSequenceNumber);
      if (change && changedLine) {
        history.push({
          at: change.at,
          amount: changedLine.amount,
          cancelled: Math.max(0, amount - changedLine.amount),
        });
        amount = changedLine.amount;
      }
      const item: OrderItem = { ...base, orderedQuantity: { ...base.orderedQuantity, amount } };

      let acknowledgement: LineAcknowledgement | undefined;
      for (const ack of acks) {
        for (const ackItem of ack.acknowledgement.items) {
          if (!matchesLine(base, ackItem)) continue;
          let accepted = 0;
          let rejected = 0;
          for (const part of ackItem.itemAcknowledgements) {
            const n = part.acknowledgedQuantity.amount ?? 0;
            if (part.acknowledgementCode === 'Rejected') rejected += n;
            else accepted += n;
          }
          // A later acknowledgement of a line replaces the earlier one (Amazon's correction rule).
          acknowledgement = {
            accepted,
            rejected,
            onlyRejected: ackItem.itemAcknowledgements.every((p) => p.acknowledgementCode === 'Rejected'),
            details: [...(acknowledgement?.details ?? []), { at: ack.decidedAt, accepted, rejected }],
          };
        }
      }

      let receipt: LineReceipt | undefined;
      if (acknowledgement && acknowledgement.accepted > 0) {
        const shipped = shipments.flatMap((s) =>
          s.confirmation.shippedItems
            .filter(
              (i) =>
                i.itemDetails?.purchaseOrderNumber === record.purchaseOrderNumber &&
                matchesLine(base, { ...i, itemSequenceNumber: undefined }),
            )
            .map((i) => ({
              at: Date.parse(s.confirmation.shippedDate ?? s.confirmation.shipmentConfirmationDate),
              amount: i.shippedQuantity.amount,
            })),
        );
        const windowStart =
          intervalStart(details?.deliveryWindow) ??
          (intervalEnd(details?.shipWindow) ?? record.createdAt + 7 * DAY) + TRANSIT_MS;
        const startsAt =
          shipped.length > 0 ? Math.min(...shipped.map((s) => s.at)) + TRANSIT_MS : windowStart;
        const expected = Math.min(
          acknowledgement.accepted,
          shipped.length > 0 ? shipped.reduce((sum, s) => sum + s.amount, 0) : acknowledgement.accepted,
        );
        const completeAt = startsAt + RECEIVING_MS;
        const partial = Math.floor(expected / 2);
        const received = now >= completeAt ? expected : now >= startsAt ? partial : 0;
        const lastReceivedAt =
          now >= completeAt ? completeAt : now >= startsAt && partial > 0 ? startsAt : undefined;
        receipt = {
          received,
          expected,
          completeAt,
          ...(lastReceivedAt !== undefined ? { lastReceivedAt } : {}),
        };
        if (lastReceivedAt !== undefined) lastUpdatedAt = Math.max(lastUpdatedAt, lastReceivedAt);
      }
      return {
        item,
        history,
        ...(acknowledgement ? { acknowledgement } : {}),
        ...(receipt ? { receipt } : {}),
      };
    });

    let state: PurchaseOrderView['state'] = record.order.purchaseOrderState;
    let stateChangedAt = details ? Date.parse(details.purchaseOrderStateChangedDate) : record.createdAt;
    if (acks.length > 0 && state === 'New') {
      state = 'Acknowledged';
      stateChangedAt = acks[0]!.decidedAt;
      const acknowledged = lines.filter((l) => l.acknowledgement);
      if (
        acknowledged.length === lines.length &&
        lines.every((l) => (l.acknowledgement?.accepted ?? 0) === 0)
      ) {
        // Everything rejected: Amazon closes the PO.
        state = 'Closed';
        stateChangedAt = acks.at(-1)!.decidedAt;
      }
    }
    if (state === 'Acknowledged') {
      const receiving = lines.filter((l) => l.receipt && l.receipt.expected > 0);
      if (receiving.length > 0 && receiving.every((l) => now >= l.receipt!.completeAt)) {
        state = 'Closed';
        stateChangedAt = Math.max(...receiving.map((l) => l.receipt!.completeAt));
      }
    }
    lastUpdatedAt = Math.max(lastUpdatedAt, stateChangedAt, ...acks.map((a) => a.decidedAt));

    const order: PurchaseOrder = {
      ...record.order,
      purchaseOrderState: state,
      ...(details
        ? {
            orderDetails: {
              ...details,
              ...(change ? { purchaseOrderChangedDate: isoSeconds(change.at) } : {}),
              purchaseOrderStateChangedDate: isoSeconds(stateChangedAt),
              items: lines.map((l) => l.item),
            },
          }
        : {}),
    };
    return {
      record,
      order,
      state,
      stateChangedAt,
      ...(change
        ? { changedAt: change.at }
        : details?.purchaseOrderChangedDate
          ? { changedAt: Date.parse(details.purchaseOrderChangedDate) }
          : {}),
      lastUpdatedAt,
      lines,
    };
  }

  /** The PO's line status as getPurchaseOrdersStatus reports it. */
  status(view: PurchaseOrderView): OrderStatus {
    const details = view.order.orderDetails;
    const itemStatus: OrderItemStatus[] = view.lines.map((line) => {
      const { item, acknowledgement: ack, receipt } = line;
      const ordered = item.orderedQuantity.amount ?? 0;
      const confirmationStatus = !ack
        ? 'UNCONFIRMED'
        : ack.accepted === 0
          ? 'REJECTED'
          : ack.accepted >= ordered
            ? 'ACCEPTED'
            : 'PARTIALLY_ACCEPTED';
      const receiveStatus =
        !receipt || receipt.received === 0
          ? 'NOT_RECEIVED'
          : receipt.received >= receipt.expected
            ? 'RECEIVED'
            : 'PARTIALLY_RECEIVED';
      return {
        itemSequenceNumber: item.itemSequenceNumber,
        ...(item.amazonProductIdentifier ? { buyerProductIdentifier: item.amazonProductIdentifier } : {}),
        ...(item.vendorProductIdentifier ? { vendorProductIdentifier: item.vendorProductIdentifier } : {}),
        ...(item.netCost ? { netCost: item.netCost } : {}),
        ...(item.listPrice ? { listPrice: item.listPrice } : {}),
        orderedQuantity: {
          orderedQuantity: quantity(item, ordered),
          orderedQuantityDetails: line.history.map((h) => ({
            updatedDate: isoSeconds(h.at),
            orderedQuantity: quantity(item, h.amount),
            ...(h.cancelled > 0 ? { cancelledQuantity: quantity(item, h.cancelled) } : {}),
          })),
        },
        acknowledgementStatus: {
          confirmationStatus,
          ...(ack
            ? {
                acceptedQuantity: quantity(item, ack.accepted),
                rejectedQuantity: quantity(item, ack.rejected),
                acknowledgementStatusDetails: ack.details.map((d) => ({
                  acknowledgementDate: isoSeconds(d.at),
                  acceptedQuantity: quantity(item, d.accepted),
                  rejectedQuantity: quantity(item, d.rejected),
                })),
              }
            : {}),
        },
        receivingStatus: {
          receiveStatus,
          receivedQuantity: quantity(item, receipt?.received ?? 0),
          ...(receipt?.lastReceivedAt !== undefined
            ? { lastReceiveDate: isoSeconds(receipt.lastReceivedAt) }
            : {}),
        },
      };
    });
    return {
      purchaseOrderNumber: view.order.purchaseOrderNumber,
      purchaseOrderStatus: view.state === 'Closed' ? 'CLOSED' : 'OPEN',
      purchaseOrderDate: details?.purchaseOrderDate ?? isoSeconds(view.record.createdAt),
      lastUpdatedDate: isoSeconds(view.lastUpdatedAt),
      sellingParty: details?.sellingParty ?? { partyId: view.record.vendorCode },
      shipToParty: details?.shipToParty ?? { partyId: 'UNKNOWN' },
      itemStatus,
    };
  }
}
