/**
 * The checks Amazon applies after it answered 202: they surface later as a Failure transaction,
 * never as a 400. Rules come from the Vendor Retail Procurement use-case guide (notes/domain.md
 * 1.3–1.5); error codes are the sandbox's own, stable so tests can assert them.
 */
import type { ApiError } from '#shared/sp-api/schemas/common.ts';
import type { Invoice } from '#shared/sp-api/schemas/invoices.ts';
import type { OrderAcknowledgement, OrderAcknowledgementItem } from '#shared/sp-api/schemas/orders.ts';
import type { ShipmentConfirmation } from '#shared/sp-api/schemas/shipments.ts';
import { CREDIT_NOTE_COUNTRIES, findMarketplace } from './marketplaces.ts';
import { matchesLine, type PurchaseOrderBook } from './purchase-orders.ts';
import type { SandboxState } from './state.ts';

const HOUR = 3_600_000;
/** Quantities and codes may be corrected within 48 h of the PO; after that only dates. */
export const ACKNOWLEDGEMENT_CORRECTION_WINDOW_MS = 48 * HOUR;

/** Transaction error codes the sandbox reports. */
export const FailureCode = {
  invalidOrderId: 'INVALID_ORDER_ID',
  sellingPartyMismatch: 'INVALID_SELLING_PARTY',
  orderClosed: 'PURCHASE_ORDER_CLOSED',
  windowClosed: 'ACKNOWLEDGEMENT_WINDOW_CLOSED',
  unknownItem: 'INVALID_ITEM',
  duplicateItem: 'DUPLICATE_ITEM',
  productMismatch: 'PRODUCT_IDENTIFIER_MISMATCH',
  quantityExceedsOrdered: 'ACKNOWLEDGED_QUANTITY_EXCEEDS_ORDERED',
  backorderNotAllowed: 'BACKORDER_NOT_ALLOWED',
  rejectedLineReacknowledged: 'REJECTED_ITEM_CANNOT_BE_ACCEPTED',
  invalidNetCost: 'INVALID_NET_COST',
  duplicateInvoice: 'DUPLICATE_INVOICE_NUMBER',
  zeroInvoiceTotal: 'INVALID_INVOICE_TOTAL',
  missingPurchaseOrderNumber: 'MISSING_PURCHASE_ORDER_NUMBER',
  creditNoteNotSupported: 'CREDIT_NOTE_NOT_SUPPORTED',
  missingCreditNoteDetails: 'MISSING_CREDIT_NOTE_DETAILS',
  duplicateShipment: 'DUPLICATE_SHIPMENT_IDENTIFIER',
  unknownShipment: 'UNKNOWN_SHIPMENT_IDENTIFIER',
  shippedExceedsAccepted: 'SHIPPED_QUANTITY_EXCEEDS_ACCEPTED',
} as const;

const failure = (code: string, message: string, details = ''): ApiError => ({ code, message, details });

/** Codes and quantities of a line's acknowledgement, order-independent: what a late ack may not change. */
const signature = (item: OrderAcknowledgementItem) =>
  item.itemAcknowledgements
    .map((p) => `${p.acknowledgementCode}:${p.acknowledgedQuantity.amount ?? 0}`)
    .sort()
    .join(',');

function isPositiveDecimal(amount: string | undefined): boolean {
  return amount !== undefined && Number(amount) > 0;
}

/** Checks a batch of acknowledgements against the POs and the acknowledgements received before. */
export function checkAcknowledgements(
  acknowledgements: readonly OrderAcknowledgement[],
  ctx: { book: PurchaseOrderBook; now: number },
): ApiError[] {
  const errors: ApiError[] = [];
  // Acknowledgements earlier in the same batch count as "before" for the later ones.
  const earlierInBatch: OrderAcknowledgement[] = [];
  for (const ack of acknowledgements) {
    const po = ack.purchaseOrderNumber;
    const record = ctx.book.find(po, ctx.now);
    if (!record) {
      errors.push(failure(FailureCode.invalidOrderId, 'Invalid order ID.', po));
      continue;
    }
    const view = ctx.book.view(record, ctx.now);
    const sellingParty = view.order.orderDetails?.sellingParty?.partyId ?? record.vendorCode;
    if (ack.sellingParty.partyId !== sellingParty) {
      errors.push(
        failure(
          FailureCode.sellingPartyMismatch,
          `sellingParty ${ack.sellingParty.partyId} did not receive PO ${po}.`,
          po,
        ),
      );
    }
    if (view.state === 'Closed') errors.push(failure(FailureCode.orderClosed, `PO ${po} is closed.`, po));

    const previous = [
      ...ctx.book
        .acknowledgementsFor(po)
        .filter((a) => a.accepted && a.receivedAt <= ctx.now)
        .map((a) => a.acknowledgement),
      ...earlierInBatch.filter((a) => a.purchaseOrderNumber === po),
    ];
    const lastFor = (line: (typeof view.lines)[number]) =>
      previous
        .flatMap((a) => a.items)
        .filter((i) => matchesLine(line.item, i))
        .at(-1);

    const seen = new Set<string>();
    const lateChanges: string[] = [];
    for (const item of ack.items) {
      const line = view.lines.find((l) => matchesLine(l.item, item));
      const label =
        item.itemSequenceNumber ?? item.vendorProductIdentifier ?? item.amazonProductIdentifier ?? '?';
      if (!line) {
        errors.push(failure(FailureCode.unknownItem, `PO ${po} has no line ${label}.`, `${po}/${label}`));
        continue;
      }
      const where = `${po}/${line.item.itemSequenceNumber}`;
      if (seen.has(line.item.itemSequenceNumber)) {
        errors.push(failure(FailureCode.duplicateItem, `Line ${where} is acknowledged twice.`, where));
      }
      seen.add(line.item.itemSequenceNumber);
      if (
        (item.vendorProductIdentifier !== undefined &&
          item.vendorProductIdentifier !== line.item.vendorProductIdentifier) ||
        (item.amazonProductIdentifier !== undefined &&
          item.amazonProductIdentifier !== line.item.amazonProductIdentifier)
      ) {
        errors.push(
          failure(
            FailureCode.productMismatch,
            `Product identifiers of ${where} do not match the purchase order.`,
            where,
          ),
        );
      }
      const ordered = line.item.orderedQuantity.amount ?? 0;
      const acknowledged = item.itemAcknowledgements.reduce(
        (sum, p) => sum + (p.acknowledgedQuantity.amount ?? 0),
        0,
      );
      if (acknowledged > ordered) {
        errors.push(
          failure(
            FailureCode.quantityExceedsOrdered,
            `Acknowledged ${acknowledged} for ${where}, ordered ${ordered}.`,
            where,
          ),
        );
      }
      if (
        !line.item.isBackOrderAllowed &&
        item.itemAcknowledgements.some((p) => p.acknowledgementCode === 'Backordered')
      ) {
        errors.push(
          failure(FailureCode.backorderNotAllowed, `Line ${where} does not allow backorders.`, where),
        );
      }
      const accepting = item.itemAcknowledgements.some((p) => p.acknowledgementCode !== 'Rejected');
      if (accepting && !isPositiveDecimal(item.netCost?.amount)) {
        errors.push(failure(FailureCode.invalidNetCost, `Line ${where} needs a positive netCost.`, where));
      }
      const last = lastFor(line);
      if (last && accepting && last.itemAcknowledgements.every((p) => p.acknowledgementCode === 'Rejected')) {
        errors.push(
          failure(
            FailureCode.rejectedLineReacknowledged,
            `Line ${where} was rejected and cannot be accepted now.`,
            where,
          ),
        );
      }
      if (
        ctx.now > record.createdAt + ACKNOWLEDGEMENT_CORRECTION_WINDOW_MS &&
        (!last || signature(last) !== signature(item))
      ) {
        lateChanges.push(line.item.itemSequenceNumber);
      }
    }
    if (lateChanges.length > 0) {
      errors.push(
        failure(
          FailureCode.windowClosed,
          `PO ${po} is older than 48 hours: only scheduled dates may still change (lines ${lateChanges.join(', ')}).`,
          po,
        ),
      );
    }
    earlierInBatch.push(ack);
  }
  return errors;
}

/**
 * The ISO country an invoice belongs to: the marketplace of its first PO, else the bill-to or
 * ship-to address, else the currency when it names one country.
 */
export function invoiceCountry(
  invoice: Invoice,
  ctx: { book: PurchaseOrderBook; now: number },
): string | undefined {
  for (const item of invoice.items ?? []) {
    const record = item.purchaseOrderNumber ? ctx.book.find(item.purchaseOrderNumber, ctx.now) : undefined;
    const market = record?.marketplace ? findMarketplace(record.marketplace) : undefined;
    if (market) return market.countryCode;
    const country = record?.order.orderDetails?.billToParty?.address?.countryCode;
    if (country) return country.toUpperCase();
  }
  const fromParty = invoice.billToParty?.address?.countryCode ?? invoice.shipToParty?.address?.countryCode;
  if (fromParty) return fromParty.toUpperCase();
  const byCurrency: Record<string, string> = {
    GBP: 'GB',
    PLN: 'PL',
    SEK: 'SE',
    USD: 'US',
    CAD: 'CA',
    JPY: 'JP',
  };
  return byCurrency[invoice.invoiceTotal.currencyCode ?? ''];
}

/** Checks a batch of invoices and credit notes. */
export function checkInvoices(
  invoices: readonly Invoice[],
  ctx: { book: PurchaseOrderBook; state: SandboxState; now: number },
): { errors: ApiError[]; countries: (string | undefined)[] } {
  const errors: ApiError[] = [];
  const taken = new Set(ctx.state.invoices.filter((r) => r.accepted).map((r) => r.invoice.id));
  const countries: (string | undefined)[] = [];
  for (const invoice of invoices) {
    const id = invoice.id;
    if (taken.has(id))
      errors.push(failure(FailureCode.duplicateInvoice, `Invoice number ${id} was already used.`, id));
    taken.add(id);
    const total = Number(invoice.invoiceTotal.amount);
    if (!Number.isFinite(total) || total === 0) {
      errors.push(failure(FailureCode.zeroInvoiceTotal, `Invoice ${id} has no total amount.`, id));
    }
    const country = invoiceCountry(invoice, ctx);
    countries.push(country);
    if (invoice.invoiceType === 'Invoice') {
      for (const item of invoice.items ?? []) {
        if (!item.purchaseOrderNumber) {
          errors.push(
            failure(
              FailureCode.missingPurchaseOrderNumber,
              `Invoice ${id} line ${item.itemSequenceNumber} has no PO number.`,
              id,
            ),
          );
        } else if (!ctx.book.find(item.purchaseOrderNumber, ctx.now)) {
          errors.push(
            failure(FailureCode.invalidOrderId, 'Invalid order ID.', `${id}/${item.purchaseOrderNumber}`),
          );
        }
      }
    } else {
      // EUR invoices without any address still belong to a credit-note marketplace: every euro
      // marketplace Amazon runs accepts them.
      const euro = invoice.invoiceTotal.currencyCode === 'EUR';
      if (country ? !CREDIT_NOTE_COUNTRIES.has(country) : !euro) {
        errors.push(
          failure(
            FailureCode.creditNoteNotSupported,
            `Credit notes are not accepted through the API in ${country ?? 'this marketplace'}.`,
            id,
          ),
        );
      }
      for (const item of invoice.items ?? []) {
        if (!item.creditNoteDetails) {
          errors.push(
            failure(
              FailureCode.missingCreditNoteDetails,
              `Credit note ${id} line ${item.itemSequenceNumber} lacks creditNoteDetails.`,
              id,
            ),
          );
        }
      }
    }
  }
  return { errors, countries };
}

/** Checks a batch of shipment confirmations. */
export function checkShipmentConfirmations(
  confirmations: readonly ShipmentConfirmation[],
  ctx: { book: PurchaseOrderBook; state: SandboxState; now: number },
): ApiError[] {
  const errors: ApiError[] = [];
  const known = new Set(
    ctx.state.shipments.filter((s) => s.accepted).map((s) => s.confirmation.shipmentIdentifier),
  );
  for (const confirmation of confirmations) {
    const id = confirmation.shipmentIdentifier;
    if (confirmation.shipmentConfirmationType === 'Original' && known.has(id)) {
      errors.push(failure(FailureCode.duplicateShipment, `Shipment ${id} was already confirmed.`, id));
    }
    if (confirmation.shipmentConfirmationType === 'Replace' && !known.has(id)) {
      errors.push(failure(FailureCode.unknownShipment, `Shipment ${id} to replace was never confirmed.`, id));
    }
    known.add(id);
    // Eaches shipped per PO line by this confirmation, to hold against what was accepted.
    const shipped = new Map<string, { po: string; line: string; eaches: number; accepted: number }>();
    for (const item of confirmation.shippedItems) {
      const po = item.itemDetails?.purchaseOrderNumber;
      if (!po) continue;
      const record = ctx.book.find(po, ctx.now);
      if (!record) {
        errors.push(failure(FailureCode.invalidOrderId, 'Invalid order ID.', `${id}/${po}`));
        continue;
      }
      const view = ctx.book.view(record, ctx.now);
      const line = view.lines.find((l) => matchesLine(l.item, { ...item, itemSequenceNumber: undefined }));
      const label = item.vendorProductIdentifier ?? item.amazonProductIdentifier ?? item.itemSequenceNumber;
      if (!line) {
        errors.push(
          failure(FailureCode.unknownItem, `PO ${po} has no line ${label}.`, `${id}/${po}/${label}`),
        );
        continue;
      }
      if (!line.acknowledgement) continue;
      const size = line.item.orderedQuantity.unitSize ?? 1;
      const eachesOf = (q: { amount: number; unitOfMeasure: string; unitSize?: number }) =>
        q.amount * (q.unitOfMeasure === 'Cases' ? (q.unitSize ?? size) : 1);
      const key = `${po}/${line.item.itemSequenceNumber}`;
      const held = shipped.get(key) ?? {
        po,
        line: line.item.itemSequenceNumber,
        accepted:
          line.acknowledgement.accepted * (line.item.orderedQuantity.unitOfMeasure === 'Cases' ? size : 1),
        // Earlier confirmations of the PO count, except the one this confirmation replaces.
        eaches: ctx.book
          .shipmentsFor(po)
          .filter((s) => s.confirmation.shipmentIdentifier !== id)
          .flatMap((s) => s.confirmation.shippedItems)
          .filter(
            (i) =>
              i.itemDetails?.purchaseOrderNumber === po &&
              matchesLine(line.item, { ...i, itemSequenceNumber: undefined }),
          )
          .reduce((sum, i) => sum + eachesOf(i.shippedQuantity), 0),
      };
      held.eaches += eachesOf(item.shippedQuantity);
      shipped.set(key, held);
    }
    for (const [key, line] of shipped) {
      if (line.eaches > line.accepted) {
        errors.push(
          failure(
            FailureCode.shippedExceedsAccepted,
            `Shipped ${line.eaches} eaches of line ${line.line} of PO ${line.po}, accepted ${line.accepted}.`,
            `${id}/${key}`,
          ),
        );
      }
    }
  }
  return errors;
}
