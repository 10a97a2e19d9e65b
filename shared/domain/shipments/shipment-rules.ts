/**
 * The rules a warehouse shipment must pass before its confirmation (ASN) leaves, checked against
 * the purchase orders it ships: the PO is known, acknowledged and open; every row is a line of it;
 * shipped never exceeds accepted (counting what other shipments already claim); it leaves inside
 * the PO's departure window; one shipment goes from one vendor code to one Amazon site; small
 * parcels carry a tracking number per carton. Every problem names the row and the field.
 *
 * Pure: the use case loads the POs, their accepted quantities and the other shipments' claims,
 * and this module decides. What passes becomes a {@link ShipmentPlan}, the input of the payload
 * builder (confirmation-payload.ts).
 */
import type { OrderItem, PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import { type CatalogIndex, gtinKey } from '../purchase-orders/catalog.ts';
import type { FileProblem } from '../purchase-orders/catalog-file.ts';
import type { DepartureWindow, LineQuantity, ShipmentPurchaseOrderLines } from './fulfilment.ts';
import {
  fieldOf,
  type ShipmentType,
  type WarehouseItemRow,
  type WarehouseShipment,
} from './shipment-file.ts';

/** What the rules know about one PO the shipment names. */
export interface ShipmentPurchaseOrder {
  readonly order: PurchaseOrder;
  readonly vendorCode: string;
  /** Marketplace code, to look SKUs up in the catalogue. */
  readonly marketplace?: string;
  /**
   * What Amazon accepted per PO line, in the line's unit; undefined when no acknowledgement that
   * reached Amazon is known.
   */
  readonly accepted?: ReadonlyMap<string, number>;
  /** What other shipments already claim per PO line. */
  readonly claimed: ReadonlyMap<string, number>;
  readonly window?: DepartureWindow;
}

/** Input of {@link planShipment}. */
export interface PlanShipmentInput {
  readonly shipment: WarehouseShipment;
  /** Every PO the shipment names; undefined for one Amazon never sent. */
  readonly purchaseOrders: ReadonlyMap<string, ShipmentPurchaseOrder | undefined>;
  /** To find the PO line of a row that names only a SKU. */
  readonly catalog?: CatalogIndex;
  /** The configured ship-from parties; the first is the default. */
  readonly shipFromPartyIds: readonly string[];
}

/** One shipped item of the confirmation: a PO line, in one lot. */
export interface PlannedItem {
  /** The confirmation's own item number (`001`), referenced by cartons and pallets. */
  readonly ref: string;
  readonly purchaseOrderNumber: string;
  /** The PO line it ships. */
  readonly itemSequenceNumber: string;
  readonly amazonProductIdentifier?: string;
  readonly vendorProductIdentifier?: string;
  readonly amount: number;
  readonly unitOfMeasure: 'Cases' | 'Eaches';
  readonly unitSize: number;
  readonly lotNumber?: string;
  readonly countryOfOrigin?: string;
  readonly expiryDate?: string;
  readonly manufacturerDate?: string;
}

/** A quantity of a planned item inside a container. */
export interface PackedItem {
  readonly ref: string;
  readonly amount: number;
}

/** A carton of the plan. */
export interface PlannedCarton {
  /** `1`, `2`, … in file order: the carton's number in the confirmation. */
  readonly sequence: string;
  readonly sscc: string;
  readonly palletSscc?: string;
  readonly trackingNumber?: string;
  readonly weightKg?: string;
  readonly items: readonly PackedItem[];
}

/** A pallet of the plan: its cartons, and items stacked on it without cartons. */
export interface PlannedPallet {
  readonly sscc: string;
  readonly weightKg?: string;
  readonly cartonSequences: readonly string[];
  readonly items: readonly PackedItem[];
}

/** Shipment structures of the vendorShipments model. */
export type ShipmentStructure =
  | 'PalletizedAssortmentCase'
  | 'LooseAssortmentCase'
  | 'PalletOfItems'
  | 'PalletizedStandardCase'
  | 'LooseStandardCase';

/** A shipment that passed every rule: what the confirmation will say. */
export interface ShipmentPlan {
  readonly shipmentId: string;
  readonly vendorCode: string;
  readonly shipToPartyId: string;
  readonly shipFromPartyId: string;
  readonly shippedDate: string;
  readonly estimatedDeliveryDate?: string;
  readonly shipmentType: ShipmentType;
  readonly shipmentStructure: ShipmentStructure;
  readonly carrier: WarehouseShipment['carrier'];
  readonly items: readonly PlannedItem[];
  readonly cartons: readonly PlannedCarton[];
  readonly pallets: readonly PlannedPallet[];
  /** What the shipment ships of each PO, per line. */
  readonly purchaseOrders: readonly ShipmentPurchaseOrderLines[];
  readonly rows: number;
}

/** A date-time as operators read it in a message: `2026-12-05 07:00 UTC`. */
const minute = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

type LineMatch =
  | { readonly line: OrderItem }
  | { readonly field: 'sku' | 'ean' | 'asin'; readonly problem: string };

/** The PO line a row ships: every identifier the row gives must point at the same line. */
function matchLine(
  row: WarehouseItemRow,
  order: PurchaseOrder,
  catalog: CatalogIndex | undefined,
  marketplace: string | undefined,
): LineMatch {
  const items = order.orderDetails?.items ?? [];
  const po = order.purchaseOrderNumber;
  const { sku, ean, asin } = row.product;
  const found: { field: 'sku' | 'ean' | 'asin'; seq: string | undefined; value: string }[] = [];
  if (ean) {
    const key = gtinKey(ean);
    const line = items.find((i) => i.vendorProductIdentifier && gtinKey(i.vendorProductIdentifier) === key);
    found.push({ field: 'ean', seq: line?.itemSequenceNumber, value: ean });
  }
  if (asin) {
    const line = items.find((i) => i.amazonProductIdentifier?.toUpperCase() === asin);
    found.push({ field: 'asin', seq: line?.itemSequenceNumber, value: asin });
  }
  if (sku) {
    let line = items.find((i) => i.vendorProductIdentifier === sku);
    const entry = !line && catalog && marketplace ? catalog.entry(sku, marketplace) : undefined;
    if (entry) {
      const key = entry.ean ? gtinKey(entry.ean) : undefined;
      line = items.find(
        (i) =>
          (key !== undefined && i.vendorProductIdentifier && gtinKey(i.vendorProductIdentifier) === key) ||
          (entry.asin !== undefined && i.amazonProductIdentifier?.toUpperCase() === entry.asin),
      );
    }
    // A SKU the catalogue cannot place is only an error when nothing else names the item.
    if (line || found.length === 0) found.push({ field: 'sku', seq: line?.itemSequenceNumber, value: sku });
  }
  const missing = found.find((f) => f.seq === undefined);
  if (missing) {
    const how = missing.field === 'sku' && !catalog ? ' (and the catalogue is not loaded)' : '';
    return {
      field: missing.field,
      problem: `PO ${po} has no line for ${missing.field.toUpperCase()} ${missing.value}${how}`,
    };
  }
  const seqs = new Set(found.map((f) => f.seq));
  if (seqs.size > 1) {
    return {
      field: found[0]!.field,
      problem: `the row's identifiers point at different lines of PO ${po} (${found.map((f) => `${f.field.toUpperCase()} → line ${f.seq}`).join(', ')})`,
    };
  }
  return { line: items.find((i) => i.itemSequenceNumber === found[0]!.seq)! };
}

/**
 * Checks a warehouse shipment against its POs and plans its confirmation. Returns every problem
 * (each with row and field) and, only when there is none, the plan.
 */
export function planShipment(input: PlanShipmentInput): { plan?: ShipmentPlan; problems: FileProblem[] } {
  const { shipment } = input;
  const problems: FileProblem[] = [];
  const first = { row: shipment.firstRow, ...(shipment.paths ? { paths: shipment.paths } : {}) };
  const bad = (
    row: Pick<WarehouseItemRow, 'row' | 'paths'>,
    column: Parameters<typeof fieldOf>[1],
    message: string,
    value?: string,
  ) =>
    problems.push({
      row: row.row,
      field: fieldOf(row, column),
      message,
      ...(value !== undefined ? { value } : {}),
    });

  // The POs: known, open, acknowledged; one vendor code and one destination per shipment.
  const usable = new Map<string, ShipmentPurchaseOrder>();
  let vendorCode: string | undefined;
  let shipToPartyId: string | undefined;
  let reference: string | undefined;
  const firstRowOf = new Map<string, WarehouseItemRow>();
  for (const row of shipment.rows)
    if (!firstRowOf.has(row.purchaseOrderNumber)) firstRowOf.set(row.purchaseOrderNumber, row);
  for (const [po, row] of firstRowOf) {
    const context = input.purchaseOrders.get(po);
    if (!context) {
      bad(
        row,
        'purchaseOrderNumber',
        `PO ${po} is unknown: Amazon has not sent it (or it is not pulled yet)`,
        po,
      );
      continue;
    }
    if (context.order.purchaseOrderState === 'Closed') {
      bad(row, 'purchaseOrderNumber', `PO ${po} is closed at Amazon: nothing more ships against it`, po);
      continue;
    }
    if (!context.accepted) {
      bad(
        row,
        'purchaseOrderNumber',
        `PO ${po} is not acknowledged to Amazon: nothing is accepted to ship yet`,
        po,
      );
      continue;
    }
    const shipTo = context.order.orderDetails?.shipToParty?.partyId;
    if (vendorCode === undefined) {
      vendorCode = context.vendorCode;
      shipToPartyId = shipTo;
      reference = po;
    } else if (context.vendorCode !== vendorCode) {
      bad(
        row,
        'purchaseOrderNumber',
        `PO ${po} was sent to vendor code ${context.vendorCode}, PO ${reference} to ${vendorCode}: one shipment, one vendor code`,
        po,
      );
      continue;
    } else if (shipTo !== shipToPartyId) {
      bad(
        row,
        'purchaseOrderNumber',
        `PO ${po} ships to ${shipTo ?? 'no site'}, PO ${reference} to ${shipToPartyId ?? 'no site'}: one shipment goes to one Amazon site`,
        po,
      );
      continue;
    }
    usable.set(po, context);
  }

  // The departure: inside every PO's window, from a configured site.
  for (const [po, context] of usable) {
    const window = context.window;
    if (!window) continue;
    if (shipment.shipDate < window.start || shipment.shipDate > window.end) {
      const what =
        window.source === 'shipWindow'
          ? `PO ${po}'s ship window`
          : `the time PO ${po} must leave to arrive in its delivery window`;
      bad(
        first,
        'shipDate',
        `ships ${minute(shipment.shipDate)}, outside ${what} ${minute(window.start)} → ${minute(window.end)}`,
        shipment.shipDate,
      );
    }
  }
  const shipFromPartyId = shipment.shipFromPartyId ?? input.shipFromPartyIds[0];
  if (!shipFromPartyId || !input.shipFromPartyIds.includes(shipFromPartyId)) {
    bad(
      first,
      'shipFromPartyId',
      `ship-from party ${shipFromPartyId ?? '(none)'} is not configured (parties.shipFrom: ${input.shipFromPartyIds.join(', ') || 'none'})`,
      shipment.shipFromPartyId,
    );
  }

  // Rows: the PO line, the quantity in the line's unit, and never more than accepted.
  const items = new Map<string, PlannedItem>();
  const itemKeyOf = new Map<WarehouseItemRow, string>();
  const running = new Map<string, number>();
  const overshot = new Set<string>();
  const amounts = new Map<WarehouseItemRow, number>();
  for (const row of shipment.rows) {
    const context = usable.get(row.purchaseOrderNumber);
    if (!context) continue;
    const po = row.purchaseOrderNumber;
    const match = matchLine(row, context.order, input.catalog, context.marketplace);
    if ('problem' in match) {
      bad(row, match.field, match.problem, row.product[match.field]);
      continue;
    }
    const line = match.line;
    const seq = line.itemSequenceNumber;
    const lineUnit = line.orderedQuantity.unitOfMeasure === 'Cases' ? 'Cases' : 'Eaches';
    const unitSize = lineUnit === 'Cases' ? (line.orderedQuantity.unitSize ?? 1) : 1;
    let amount = row.quantity;
    if (row.unitOfMeasure && row.unitOfMeasure !== lineUnit) {
      if (row.unitOfMeasure === 'Cases') {
        bad(
          row,
          'unitOfMeasure',
          `line ${seq} of PO ${po} is ordered in eaches: give the quantity in eaches`,
          row.unitOfMeasure,
        );
        continue;
      }
      if (row.quantity % unitSize !== 0) {
        bad(
          row,
          'quantity',
          `${row.quantity} eaches is not a whole number of cases of ${unitSize} (line ${seq} of PO ${po} is ordered in cases)`,
          String(row.quantity),
        );
        continue;
      }
      amount = row.quantity / unitSize;
    }
    const accepted = context.accepted?.get(seq) ?? 0;
    const claimed = context.claimed.get(seq) ?? 0;
    const lineKey = `${po}#${seq}`;
    const total = (running.get(lineKey) ?? 0) + amount;
    running.set(lineKey, total);
    if (total + claimed > accepted && !overshot.has(lineKey)) {
      overshot.add(lineKey);
      const unit = lineUnit === 'Cases' ? `cases of ${unitSize}` : 'eaches';
      const product = line.vendorProductIdentifier ?? line.amazonProductIdentifier ?? '';
      bad(
        row,
        'quantity',
        accepted === 0
          ? `line ${seq} of PO ${po} (${product}) was not accepted by Amazon: nothing of it may ship`
          : `line ${seq} of PO ${po} (${product}): this shipment ships ${total} ${unit} up to this row${claimed ? `, other shipments ${claimed}` : ''}, Amazon accepted ${accepted}`,
        String(row.quantity),
      );
    }
    amounts.set(row, amount);
    const key = [
      po,
      seq,
      row.lotNumber ?? '',
      row.expiryDate ?? '',
      row.manufacturerDate ?? '',
      row.countryOfOrigin ?? '',
    ].join('\u0000');
    itemKeyOf.set(row, key);
    const existing = items.get(key);
    items.set(key, {
      ref: existing?.ref ?? String(items.size + 1).padStart(3, '0'),
      purchaseOrderNumber: po,
      itemSequenceNumber: seq,
      ...(line.amazonProductIdentifier ? { amazonProductIdentifier: line.amazonProductIdentifier } : {}),
      ...(line.vendorProductIdentifier ? { vendorProductIdentifier: line.vendorProductIdentifier } : {}),
      amount: (existing?.amount ?? 0) + amount,
      unitOfMeasure: lineUnit,
      unitSize,
      ...(row.lotNumber ? { lotNumber: row.lotNumber } : {}),
      ...(row.countryOfOrigin ? { countryOfOrigin: row.countryOfOrigin } : {}),
      ...(row.expiryDate ? { expiryDate: row.expiryDate } : {}),
      ...(row.manufacturerDate ? { manufacturerDate: row.manufacturerDate } : {}),
    });
  }

  // Containers: cartons numbered in file order, pallets with their cartons and loose items.
  const cartonSequence = new Map(shipment.cartons.map((c, i) => [c.sscc, String(i + 1)]));
  const packed = new Map<string, Map<string, number>>();
  for (const row of shipment.rows) {
    const key = itemKeyOf.get(row);
    const amount = amounts.get(row);
    if (key === undefined || amount === undefined) continue;
    const container = row.cartonSscc ?? `pallet:${row.palletSscc}`;
    const contents = packed.get(container) ?? new Map<string, number>();
    const ref = items.get(key)!.ref;
    contents.set(ref, (contents.get(ref) ?? 0) + amount);
    packed.set(container, contents);
  }
  const contentsOf = (container: string): PackedItem[] =>
    [...(packed.get(container) ?? new Map<string, number>())]
      .map(([ref, amount]) => ({ ref, amount }))
      .sort((a, b) => a.ref.localeCompare(b.ref));
  const cartons: PlannedCarton[] = shipment.cartons.map((carton) => ({
    sequence: cartonSequence.get(carton.sscc)!,
    sscc: carton.sscc,
    ...(carton.palletSscc ? { palletSscc: carton.palletSscc } : {}),
    ...(carton.trackingNumber ? { trackingNumber: carton.trackingNumber } : {}),
    ...(carton.weightKg ? { weightKg: carton.weightKg } : {}),
    items: contentsOf(carton.sscc),
  }));
  const pallets: PlannedPallet[] = shipment.pallets.map((pallet) => ({
    sscc: pallet.sscc,
    ...(pallet.weightKg ? { weightKg: pallet.weightKg } : {}),
    cartonSequences: cartons.filter((c) => c.palletSscc === pallet.sscc).map((c) => c.sequence),
    items: contentsOf(`pallet:${pallet.sscc}`),
  }));

  const loose = cartons.filter((c) => !c.palletSscc);
  const shipmentType: ShipmentType =
    shipment.shipmentType ??
    (pallets.length === 0 && cartons.length > 0 && cartons.every((c) => c.trackingNumber)
      ? 'SmallParcel'
      : 'LessThanTruckLoad');
  if (shipmentType === 'SmallParcel') {
    if (pallets.length > 0) {
      bad(first, 'shipmentType', 'a small-parcel shipment has no pallets', shipment.shipmentType);
    }
    for (const carton of shipment.cartons) {
      if (!carton.trackingNumber) {
        const row = shipment.rows.find((r) => r.cartonSscc === carton.sscc)!;
        bad(
          row,
          'trackingNumber',
          `carton ${carton.sscc} of a small-parcel shipment needs its tracking number`,
        );
      }
    }
  }

  if (problems.length > 0 || !vendorCode || !shipToPartyId || !shipFromPartyId) {
    if (problems.length === 0) {
      bad(
        first,
        'purchaseOrderNumber',
        `no PO of shipment ${shipment.shipmentId} says where it goes (shipToParty)`,
      );
    }
    return { problems: problems.sort((a, b) => a.row - b.row) };
  }

  const assorted = cartons.some((c) => c.items.length > 1);
  const shipmentStructure: ShipmentStructure =
    pallets.length === 0
      ? assorted
        ? 'LooseAssortmentCase'
        : 'LooseStandardCase'
      : cartons.length === 0
        ? 'PalletOfItems'
        : assorted || loose.length > 0 || pallets.some((p) => p.items.length > 0)
          ? 'PalletizedAssortmentCase'
          : 'PalletizedStandardCase';

  const planned = [...items.values()];
  const byPo = new Map<string, Map<string, LineQuantity>>();
  for (const item of planned) {
    const lines = byPo.get(item.purchaseOrderNumber) ?? new Map<string, LineQuantity>();
    const held = lines.get(item.itemSequenceNumber);
    lines.set(item.itemSequenceNumber, {
      itemSequenceNumber: item.itemSequenceNumber,
      ...(item.amazonProductIdentifier ? { amazonProductIdentifier: item.amazonProductIdentifier } : {}),
      ...(item.vendorProductIdentifier ? { vendorProductIdentifier: item.vendorProductIdentifier } : {}),
      amount: (held?.amount ?? 0) + item.amount,
      unitOfMeasure: item.unitOfMeasure,
      unitSize: item.unitSize,
    });
    byPo.set(item.purchaseOrderNumber, lines);
  }
  const bySequence = (a: { itemSequenceNumber: string }, b: { itemSequenceNumber: string }) =>
    a.itemSequenceNumber.localeCompare(b.itemSequenceNumber, 'en', { numeric: true });

  return {
    problems,
    plan: {
      shipmentId: shipment.shipmentId,
      vendorCode,
      shipToPartyId,
      shipFromPartyId,
      shippedDate: shipment.shipDate,
      ...(shipment.estimatedDeliveryDate ? { estimatedDeliveryDate: shipment.estimatedDeliveryDate } : {}),
      shipmentType,
      shipmentStructure,
      carrier: shipment.carrier,
      items: planned,
      cartons,
      pallets,
      purchaseOrders: [...byPo].map(([purchaseOrderNumber, lines]) => ({
        purchaseOrderNumber,
        lines: [...lines.values()].sort(bySequence),
      })),
      rows: shipment.rows.length,
    },
  };
}
