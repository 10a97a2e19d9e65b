/**
 * The warehouse's shipment file: what left the dock, in which carton and on which pallet. CSV (one
 * row per item in a carton, or on a pallet without cartons) or JSON (shipments → pallets → cartons
 * → items), dropped into the inbox under `shipments/` or pushed to `POST /api/shipments`:
 *
 *     shipmentId,purchaseOrderNumber,shipDate,carrierScac,proNumber,palletSscc,cartonSscc,trackingNumber,ean,sku,quantity,lotNumber,expiryDate
 *     WH-1130-07,4Z32PABC,2026-11-30T14:00:00Z,DHLF,PRO-99812733,340123450000000093,340123450000000017,,4006381333931,ACME-PAN-28,24,L2611-07,2028-11-30
 *
 * Parsing is pure and never drops a row silently, like the catalogue file (catalog-file.ts, whose
 * CSV reader this shares): every problem names its row (the header is row 1; in JSON, the n-th item
 * in document order) and its field (the column, or the JSON path). A shipment with any bad row is
 * not confirmed at all: an ASN that leaves out a carton is worse than a late one. This module
 * checks what the file alone can tell (SSCC check digits, one pallet per carton, dates, the same
 * ship date on every row); shipment-rules.ts checks it against the purchase orders.
 */
import * as z from 'zod';
import { describeIssues } from '#shared/validation.ts';
import {
  cellOf,
  type FileProblem,
  isValidGtin,
  mapColumns,
  readCsv,
  sortProblems,
  wholeNumber,
} from '../purchase-orders/catalog-file.ts';
import { parseInstant } from '../purchase-orders/stock-file.ts';
import { normalizeSscc, ssccProblem } from './sscc.ts';

export type { FileProblem } from '../purchase-orders/catalog-file.ts';

/** Columns that describe the whole shipment: given on its first row, repeated or left empty later. */
const SHIPMENT_LEVEL = [
  'shipDate',
  'estimatedDeliveryDate',
  'shipFromPartyId',
  'shipmentType',
  'carrierScac',
  'proNumber',
  'billOfLading',
] as const;
const REQUIRED = ['shipmentId', 'purchaseOrderNumber', 'shipDate', 'quantity'] as const;
const OPTIONAL = [
  'estimatedDeliveryDate',
  'shipFromPartyId',
  'shipmentType',
  'carrierScac',
  'proNumber',
  'billOfLading',
  'palletSscc',
  'palletWeightKg',
  'cartonSscc',
  'cartonWeightKg',
  'trackingNumber',
  'sku',
  'ean',
  'asin',
  'unitOfMeasure',
  'lotNumber',
  'expiryDate',
  'manufacturerDate',
  'countryOfOrigin',
] as const;

/** A column of the shipment file (also the field name problems report for CSV). */
export type ShipmentColumn = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];
type ShipmentLevelColumn = (typeof SHIPMENT_LEVEL)[number];

/** One row before validation: its number, its texts by column, and where each came from. */
export interface RawShipmentRow {
  readonly row: number;
  readonly values: Readonly<Partial<Record<ShipmentColumn, string>>>;
  /** The field to name in a problem, when it is not the column (JSON: the path). */
  readonly paths?: Readonly<Partial<Record<ShipmentColumn, string>>>;
}

/** Shipment types of the vendorShipments model. */
export type ShipmentType = 'TruckLoad' | 'LessThanTruckLoad' | 'SmallParcel';

/** One validated row: an item, its quantity, and the carton or pallet it travels in. */
export interface WarehouseItemRow {
  readonly row: number;
  readonly purchaseOrderNumber: string;
  /** At least one identifier; upper-case ASIN, GTIN as written. */
  readonly product: { readonly sku?: string; readonly ean?: string; readonly asin?: string };
  readonly quantity: number;
  /** As the row says; absent means the PO line's own unit. */
  readonly unitOfMeasure?: 'Cases' | 'Eaches';
  /** Normalised 18-digit SSCC; absent for items directly on a pallet. */
  readonly cartonSscc?: string;
  readonly palletSscc?: string;
  readonly lotNumber?: string;
  /** ISO-8601 instants. */
  readonly expiryDate?: string;
  readonly manufacturerDate?: string;
  readonly countryOfOrigin?: string;
  readonly paths?: Readonly<Partial<Record<ShipmentColumn, string>>>;
}

/** A carton as the file describes it. */
export interface WarehouseCarton {
  readonly sscc: string;
  readonly palletSscc?: string;
  readonly trackingNumber?: string;
  /** Decimal kilograms as a string. */
  readonly weightKg?: string;
  /** Row of its first item. */
  readonly row: number;
}

/** A pallet as the file describes it. */
export interface WarehousePallet {
  readonly sscc: string;
  readonly weightKg?: string;
  readonly row: number;
}

/** One shipment (one truck, one ASN) as the warehouse reported it, checked as far as the file goes. */
export interface WarehouseShipment {
  readonly shipmentId: string;
  /** ISO-8601 instant of departure. */
  readonly shipDate: string;
  readonly estimatedDeliveryDate?: string;
  readonly shipFromPartyId?: string;
  readonly shipmentType?: ShipmentType;
  readonly carrier: { readonly scac?: string; readonly proNumber?: string; readonly billOfLading?: string };
  /** Row that carries the shipment's own fields. */
  readonly firstRow: number;
  readonly paths?: Readonly<Partial<Record<ShipmentColumn, string>>>;
  readonly rows: readonly WarehouseItemRow[];
  /** In order of first appearance. */
  readonly cartons: readonly WarehouseCarton[];
  readonly pallets: readonly WarehousePallet[];
}

/** What a shipment file yields. */
export interface ShipmentFileResult {
  /** Shipments whose every row is good, in file order. */
  readonly shipments: WarehouseShipment[];
  /** Every problem, in row order. */
  readonly problems: FileProblem[];
  /** Shipments left out because a row of theirs has a problem. */
  readonly rejectedShipments: readonly string[];
  /** Rows read (item rows, not the header). */
  readonly rows: number;
  readonly ignoredColumns: readonly string[];
}

/** The field name of `column` on a row: the JSON path when the row has one, else the column. */
export function fieldOf(row: { readonly paths?: RawShipmentRow['paths'] }, column: ShipmentColumn): string {
  return row.paths?.[column] ?? column;
}

const SHIPMENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
const PO_NUMBER = /^[A-Z0-9]{4,20}$/;
const ASIN = /^[A-Z0-9]{10}$/;
const COUNTRY = /^[A-Z]{2}$/;
const SCAC = /^[A-Z]{2,4}$/;
const WEIGHT = /^\d{1,6}(?:[.,]\d{1,3})?$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Printable text of 1–64 characters (tracking numbers, lots, references). */
function isFreeText(value: string): boolean {
  return value.length > 0 && value.length <= 64 && !/\p{Cc}/u.test(value);
}

const SHIPMENT_TYPES: Readonly<Record<string, ShipmentType>> = {
  truckload: 'TruckLoad',
  tl: 'TruckLoad',
  ftl: 'TruckLoad',
  lessthantruckload: 'LessThanTruckLoad',
  ltl: 'LessThanTruckLoad',
  smallparcel: 'SmallParcel',
  parcel: 'SmallParcel',
  sp: 'SmallParcel',
};

const UNITS: Readonly<Record<string, 'Cases' | 'Eaches'>> = {
  cases: 'Cases',
  case: 'Cases',
  cs: 'Cases',
  eaches: 'Eaches',
  each: 'Eaches',
  ea: 'Eaches',
};

/** A date (`2028-11-30`, read as midnight UTC) or a zoned date-time, as an ISO instant; else a problem. */
function parseDateOrInstant(text: string): string | { problem: string } {
  const date = DATE_ONLY.exec(text);
  if (date) {
    const at = new Date(Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])));
    if (at.getUTCDate() !== Number(date[3]) || at.getUTCMonth() !== Number(date[2]) - 1) {
      return { problem: 'no such date' };
    }
    return at.toISOString();
  }
  const instant = parseInstant(text);
  return typeof instant === 'string'
    ? instant
    : { problem: 'expected a date such as 2028-11-30 or a date-time with a zone' };
}

interface Draft {
  readonly shipmentId: string;
  readonly firstRow: RawShipmentRow;
  readonly level: Partial<Record<ShipmentLevelColumn, { value: string; row: number }>>;
  readonly rows: WarehouseItemRow[];
  readonly cartons: Map<string, WarehouseCarton>;
  readonly pallets: Map<string, WarehousePallet>;
  bad: boolean;
}

/**
 * Checks raw rows (from either format) and groups them into shipments. Problems name the row and
 * the field; a shipment with any problem is left out whole.
 */
export function readShipmentRows(raw: readonly RawShipmentRow[]): Omit<ShipmentFileResult, 'ignoredColumns'> {
  const problems: FileProblem[] = [];
  const drafts = new Map<string, Draft>();
  // Where each SSCC was first seen, across the file: one label, one container.
  const containers = new Map<string, { kind: 'carton' | 'pallet'; shipmentId: string; row: number }>();

  for (const source of raw) {
    const before = problems.length;
    const text = (column: ShipmentColumn) => (source.values[column] ?? '').trim();
    const bad = (column: ShipmentColumn, message: string, value = text(column)) =>
      problems.push({ row: source.row, field: fieldOf(source, column), message, value });

    const shipmentId = text('shipmentId');
    if (shipmentId === '') bad('shipmentId', 'the shipment id is empty');
    else if (!SHIPMENT_ID.test(shipmentId)) {
      bad('shipmentId', 'a shipment id has 1–40 letters, digits, dots, dashes or underscores');
    }

    const poText = text('purchaseOrderNumber');
    const purchaseOrderNumber = poText.toUpperCase();
    if (poText === '') bad('purchaseOrderNumber', 'the PO number is empty');
    else if (!PO_NUMBER.test(purchaseOrderNumber)) {
      bad('purchaseOrderNumber', 'a PO number has 4–20 letters or digits');
    }

    const sku = text('sku');
    const ean = text('ean');
    const asin = text('asin').toUpperCase();
    if (sku === '' && ean === '' && asin === '') {
      bad('ean', 'the row names no item: give its EAN/GTIN, ASIN or SKU');
    }
    if (ean !== '' && !isValidGtin(ean)) {
      bad(
        'ean',
        /E\+?\d+$/i.test(ean)
          ? 'a spreadsheet turned the EAN into a number and lost digits: format the column as text'
          : 'not an EAN/UPC/GTIN: 8, 12, 13 or 14 digits with a valid check digit',
      );
    }
    if (asin !== '' && !ASIN.test(asin)) bad('asin', 'an ASIN has 10 letters or digits');

    const quantityText = text('quantity');
    const quantity = wholeNumber(quantityText, { min: 1 });
    if (typeof quantity === 'string') bad('quantity', quantity);

    const unitText = text('unitOfMeasure');
    const unitOfMeasure = unitText === '' ? undefined : UNITS[unitText.toLowerCase()];
    if (unitText !== '' && !unitOfMeasure) bad('unitOfMeasure', 'expected Cases or Eaches');

    const cartonText = text('cartonSscc');
    const palletText = text('palletSscc');
    const cartonSscc = cartonText === '' ? undefined : normalizeSscc(cartonText);
    const palletSscc = palletText === '' ? undefined : normalizeSscc(palletText);
    if (!cartonSscc && !palletSscc) {
      bad('cartonSscc', 'the row names no carton or pallet: give the SSCC of the carton (or of the pallet)');
    }
    const cartonProblem = cartonSscc === undefined ? undefined : ssccProblem(cartonSscc);
    if (cartonProblem) bad('cartonSscc', `SSCC ${cartonText}: ${cartonProblem}`);
    const palletProblem = palletSscc === undefined ? undefined : ssccProblem(palletSscc);
    if (palletProblem) bad('palletSscc', `SSCC ${palletText}: ${palletProblem}`);
    if (cartonSscc && cartonSscc === palletSscc) {
      bad('cartonSscc', 'the carton and its pallet have the same SSCC: each label identifies one container');
    }

    const weight = (column: 'cartonWeightKg' | 'palletWeightKg'): string | undefined => {
      const value = text(column);
      if (value === '') return undefined;
      if (!WEIGHT.test(value) || Number(value.replace(',', '.')) <= 0) {
        bad(column, 'expected a weight in kilograms above zero, such as 18.2');
        return undefined;
      }
      return value.replace(',', '.');
    };
    const cartonWeightKg = weight('cartonWeightKg');
    const palletWeightKg = weight('palletWeightKg');
    if (cartonWeightKg && !cartonSscc) bad('cartonWeightKg', 'a carton weight without a carton SSCC');
    if (palletWeightKg && !palletSscc) bad('palletWeightKg', 'a pallet weight without a pallet SSCC');

    const trackingNumber = text('trackingNumber');
    if (trackingNumber !== '' && !isFreeText(trackingNumber)) bad('trackingNumber', 'at most 64 characters');
    if (trackingNumber !== '' && !cartonSscc) {
      bad('trackingNumber', 'a tracking number belongs to a carton: give the carton SSCC');
    }

    const date = (column: 'expiryDate' | 'manufacturerDate') => {
      const value = text(column);
      if (value === '') return undefined;
      const parsed = parseDateOrInstant(value);
      if (typeof parsed === 'string') return parsed;
      bad(column, parsed.problem);
      return undefined;
    };
    const expiryDate = date('expiryDate');
    const manufacturerDate = date('manufacturerDate');
    if (expiryDate && manufacturerDate && expiryDate <= manufacturerDate) {
      bad('expiryDate', `expires before it was made (${manufacturerDate.slice(0, 10)})`);
    }

    const lotNumber = text('lotNumber');
    if (lotNumber !== '' && !isFreeText(lotNumber)) bad('lotNumber', 'at most 64 characters');
    const countryText = text('countryOfOrigin');
    const countryOfOrigin = countryText.toUpperCase();
    if (countryText !== '' && !COUNTRY.test(countryOfOrigin)) {
      bad('countryOfOrigin', 'expected an ISO country code such as DE');
    }

    // Shipment-level fields: valid where given, the same on every row of the shipment.
    let draft = drafts.get(shipmentId);
    if (!draft && shipmentId !== '') {
      draft = {
        shipmentId,
        firstRow: source,
        level: {},
        rows: [],
        cartons: new Map(),
        pallets: new Map(),
        bad: false,
      };
      drafts.set(shipmentId, draft);
    }
    for (const column of SHIPMENT_LEVEL) {
      const value = text(column);
      if (value === '') {
        if (column === 'shipDate' && draft?.firstRow === source) {
          bad('shipDate', 'the first row of a shipment needs its ship date (a date-time with a zone)');
        }
        continue;
      }
      const normalized = normalizeShipmentLevel(column, value);
      if (typeof normalized !== 'string') {
        bad(column, normalized.problem);
        continue;
      }
      if (!draft) continue;
      const earlier = draft.level[column];
      if (!earlier) draft.level[column] = { value: normalized, row: source.row };
      else if (earlier.value !== normalized) {
        bad(column, `differs from row ${earlier.row} of shipment ${shipmentId} (${earlier.value})`);
      }
    }

    // Containers: an SSCC is one carton or one pallet, in one shipment; a carton sits on one pallet.
    if (draft && cartonSscc && !cartonProblem) {
      const seen = containers.get(cartonSscc);
      if (seen && (seen.kind !== 'carton' || seen.shipmentId !== shipmentId)) {
        bad(
          'cartonSscc',
          seen.kind === 'pallet'
            ? `SSCC ${cartonSscc} is a pallet in row ${seen.row}`
            : `carton ${cartonSscc} already ships in shipment ${seen.shipmentId} (row ${seen.row})`,
        );
      } else {
        if (!seen) containers.set(cartonSscc, { kind: 'carton', shipmentId, row: source.row });
        const carton = draft.cartons.get(cartonSscc);
        if (!carton) {
          draft.cartons.set(cartonSscc, {
            sscc: cartonSscc,
            row: source.row,
            ...(palletSscc && !palletProblem ? { palletSscc } : {}),
            ...(trackingNumber ? { trackingNumber } : {}),
            ...(cartonWeightKg ? { weightKg: cartonWeightKg } : {}),
          });
        } else {
          if ((carton.palletSscc ?? '') !== (palletSscc ?? '')) {
            bad(
              'palletSscc',
              carton.palletSscc
                ? `carton ${cartonSscc} is on pallet ${carton.palletSscc} in row ${carton.row}`
                : `carton ${cartonSscc} is not on a pallet in row ${carton.row}`,
            );
          }
          if (trackingNumber && carton.trackingNumber && trackingNumber !== carton.trackingNumber) {
            bad(
              'trackingNumber',
              `carton ${cartonSscc} has tracking number ${carton.trackingNumber} in row ${carton.row}`,
            );
          }
          if (cartonWeightKg && carton.weightKg && cartonWeightKg !== carton.weightKg) {
            bad('cartonWeightKg', `carton ${cartonSscc} weighs ${carton.weightKg} kg in row ${carton.row}`);
          }
          if ((trackingNumber && !carton.trackingNumber) || (cartonWeightKg && !carton.weightKg)) {
            draft.cartons.set(cartonSscc, {
              ...carton,
              ...(trackingNumber && !carton.trackingNumber ? { trackingNumber } : {}),
              ...(cartonWeightKg && !carton.weightKg ? { weightKg: cartonWeightKg } : {}),
            });
          }
        }
      }
    }
    if (draft && palletSscc && !palletProblem && palletSscc !== cartonSscc) {
      const seen = containers.get(palletSscc);
      if (seen && (seen.kind !== 'pallet' || seen.shipmentId !== shipmentId)) {
        bad(
          'palletSscc',
          seen.kind === 'carton'
            ? `SSCC ${palletSscc} is a carton in row ${seen.row}`
            : `pallet ${palletSscc} already ships in shipment ${seen.shipmentId} (row ${seen.row})`,
        );
      } else {
        if (!seen) containers.set(palletSscc, { kind: 'pallet', shipmentId, row: source.row });
        const pallet = draft.pallets.get(palletSscc);
        if (!pallet) {
          draft.pallets.set(palletSscc, {
            sscc: palletSscc,
            row: source.row,
            ...(palletWeightKg ? { weightKg: palletWeightKg } : {}),
          });
        } else if (palletWeightKg && pallet.weightKg && palletWeightKg !== pallet.weightKg) {
          bad('palletWeightKg', `pallet ${palletSscc} weighs ${pallet.weightKg} kg in row ${pallet.row}`);
        } else if (palletWeightKg && !pallet.weightKg) {
          draft.pallets.set(palletSscc, { ...pallet, weightKg: palletWeightKg });
        }
      }
    }

    if (problems.length > before) {
      if (draft) draft.bad = true;
      continue;
    }
    draft?.rows.push({
      row: source.row,
      purchaseOrderNumber,
      product: { ...(sku ? { sku } : {}), ...(ean ? { ean } : {}), ...(asin ? { asin } : {}) },
      quantity: quantity as number,
      ...(unitOfMeasure ? { unitOfMeasure } : {}),
      ...(cartonSscc ? { cartonSscc } : {}),
      ...(palletSscc ? { palletSscc } : {}),
      ...(lotNumber ? { lotNumber } : {}),
      ...(expiryDate ? { expiryDate } : {}),
      ...(manufacturerDate ? { manufacturerDate } : {}),
      ...(countryOfOrigin ? { countryOfOrigin } : {}),
      ...(source.paths ? { paths: source.paths } : {}),
    });
  }

  const shipments: WarehouseShipment[] = [];
  const rejectedShipments: string[] = [];
  for (const draft of drafts.values()) {
    const shipDate = draft.level.shipDate?.value;
    if (draft.bad || !shipDate) {
      rejectedShipments.push(draft.shipmentId);
      continue;
    }
    const level = (column: ShipmentLevelColumn) => draft.level[column]?.value;
    const shipmentType = level('shipmentType') as ShipmentType | undefined;
    const scac = level('carrierScac');
    const proNumber = level('proNumber');
    const billOfLading = level('billOfLading');
    const estimatedDeliveryDate = level('estimatedDeliveryDate');
    const shipFromPartyId = level('shipFromPartyId');
    shipments.push({
      shipmentId: draft.shipmentId,
      shipDate,
      ...(estimatedDeliveryDate ? { estimatedDeliveryDate } : {}),
      ...(shipFromPartyId ? { shipFromPartyId } : {}),
      ...(shipmentType ? { shipmentType } : {}),
      carrier: {
        ...(scac ? { scac } : {}),
        ...(proNumber ? { proNumber } : {}),
        ...(billOfLading ? { billOfLading } : {}),
      },
      firstRow: draft.firstRow.row,
      ...(draft.firstRow.paths ? { paths: draft.firstRow.paths } : {}),
      rows: draft.rows,
      cartons: [...draft.cartons.values()],
      pallets: [...draft.pallets.values()],
    });
  }
  return { shipments, problems: sortProblems(problems), rejectedShipments, rows: raw.length };
}

/** A shipment-level value in its stored form, or the problem with it. */
function normalizeShipmentLevel(column: ShipmentLevelColumn, value: string): string | { problem: string } {
  switch (column) {
    case 'shipDate':
    case 'estimatedDeliveryDate':
      return parseInstant(value);
    case 'shipmentType': {
      const type = SHIPMENT_TYPES[value.toLowerCase().replace(/[^a-z]/g, '')];
      return type ?? { problem: 'expected TruckLoad, LessThanTruckLoad or SmallParcel' };
    }
    case 'carrierScac': {
      const scac = value.toUpperCase();
      return SCAC.test(scac) ? scac : { problem: 'a SCAC carrier code has 2–4 letters' };
    }
    default:
      return isFreeText(value) ? value : { problem: 'at most 64 characters' };
  }
}

/** Parses a shipment CSV. */
export function parseShipmentCsv(text: string): ShipmentFileResult {
  const { records, problems } = readCsv(text);
  const [header, ...rows] = records;
  const columns = mapColumns<ShipmentColumn>(header, REQUIRED, OPTIONAL);
  problems.push(...columns.problems);
  const has = (c: ShipmentColumn) => columns.index[c] !== undefined;
  if (header && !has('sku') && !has('ean') && !has('asin')) {
    problems.push({ row: header.row, field: 'ean', message: 'the header has no ean, asin or sku column' });
  }
  if (header && !has('cartonSscc') && !has('palletSscc')) {
    problems.push({
      row: header.row,
      field: 'cartonSscc',
      message: 'the header has no cartonSscc or palletSscc column',
    });
  }
  if (problems.length > 0) {
    return {
      shipments: [],
      problems: sortProblems(problems),
      rejectedShipments: [],
      rows: rows.length,
      ignoredColumns: columns.ignored,
    };
  }
  const raw = rows.map((record) => ({
    row: record.row,
    values: Object.fromEntries(
      [...REQUIRED, ...OPTIONAL].map((column) => [column, cellOf(record, columns, column)]),
    ) as Partial<Record<ShipmentColumn, string>>,
  }));
  return { ...readShipmentRows(raw), ignoredColumns: columns.ignored };
}

// ---- JSON ---------------------------------------------------------------------------------------

const scalar = z.union([z.string(), z.number()]).transform(String);
const jsonItemSchema = z.strictObject({
  purchaseOrderNumber: scalar,
  sku: scalar.optional(),
  ean: scalar.optional(),
  asin: scalar.optional(),
  quantity: scalar,
  unitOfMeasure: scalar.optional(),
  lotNumber: scalar.optional(),
  expiryDate: scalar.optional(),
  manufacturerDate: scalar.optional(),
  countryOfOrigin: scalar.optional(),
});
const jsonCartonSchema = z.strictObject({
  sscc: scalar,
  trackingNumber: scalar.optional(),
  weightKg: scalar.optional(),
  items: z.array(jsonItemSchema).min(1),
});
const jsonPalletSchema = z.strictObject({
  sscc: scalar,
  weightKg: scalar.optional(),
  cartons: z.array(jsonCartonSchema).default([]),
  /** Items stacked on the pallet without cartons. */
  items: z.array(jsonItemSchema).default([]),
});
const jsonShipmentSchema = z.strictObject({
  shipmentId: scalar,
  shipDate: scalar,
  estimatedDeliveryDate: scalar.optional(),
  shipFromPartyId: scalar.optional(),
  shipmentType: scalar.optional(),
  carrier: z
    .strictObject({ scac: scalar.optional(), proNumber: scalar.optional(), billOfLading: scalar.optional() })
    .optional(),
  pallets: z.array(jsonPalletSchema).default([]),
  /** Cartons not on a pallet (small parcel, floor-loaded). */
  cartons: z.array(jsonCartonSchema).default([]),
});

const jsonFileSchema = z.strictObject({ shipments: z.array(jsonShipmentSchema).min(1).max(100) });

/**
 * The JSON form of a shipment file (also the body of `POST /api/shipments`):
 * `{ "shipments": [...] }`, or one shipment object on its own.
 */
export const shipmentFileJsonSchema = z.union([jsonFileSchema, jsonShipmentSchema]);
/** What {@link shipmentFileJsonSchema} accepts. */
export type ShipmentFileJson = z.input<typeof shipmentFileJsonSchema>;
/** The `{ "shipments": [...] }` form. */
export type ShipmentFileJsonBody = z.input<typeof jsonFileSchema>;

/** `a.b`, or `b` when there is no `a`. */
const join = (prefix: string, rest: string) => (prefix === '' ? rest : `${prefix}.${rest}`);

/** Parses a shipment file in its JSON form (text, or a body already parsed). */
export function parseShipmentJson(input: unknown): ShipmentFileResult {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input.charCodeAt(0) === 0xfeff ? input.slice(1) : input);
    } catch (error) {
      return emptyResult([{ row: 1, message: `not JSON: ${(error as Error).message}` }]);
    }
  }
  const isFile = typeof value === 'object' && value !== null && !Array.isArray(value) && 'shipments' in value;
  const parsed = isFile
    ? jsonFileSchema.safeParse(value)
    : jsonShipmentSchema.transform((shipment) => ({ shipments: [shipment] })).safeParse(value);
  if (!parsed.success) {
    // A structural problem belongs to no item row: the path names the place.
    return emptyResult(
      describeIssues(parsed.error).map((issue) => ({ row: 1, field: issue.path, message: issue.message })),
    );
  }
  const raw: RawShipmentRow[] = [];
  const structural: FileProblem[] = [];
  const empty: string[] = [];
  parsed.data.shipments.forEach((shipment, s) => {
    const at = isFile ? `shipments[${s}]` : '';
    const level: Partial<Record<ShipmentColumn, string>> = {
      shipmentId: shipment.shipmentId,
      shipDate: shipment.shipDate,
      ...(shipment.estimatedDeliveryDate ? { estimatedDeliveryDate: shipment.estimatedDeliveryDate } : {}),
      ...(shipment.shipFromPartyId ? { shipFromPartyId: shipment.shipFromPartyId } : {}),
      ...(shipment.shipmentType ? { shipmentType: shipment.shipmentType } : {}),
      ...(shipment.carrier?.scac ? { carrierScac: shipment.carrier.scac } : {}),
      ...(shipment.carrier?.proNumber ? { proNumber: shipment.carrier.proNumber } : {}),
      ...(shipment.carrier?.billOfLading ? { billOfLading: shipment.carrier.billOfLading } : {}),
    };
    const levelPaths: Partial<Record<ShipmentColumn, string>> = {
      shipmentId: join(at, 'shipmentId'),
      shipDate: join(at, 'shipDate'),
      estimatedDeliveryDate: join(at, 'estimatedDeliveryDate'),
      shipFromPartyId: join(at, 'shipFromPartyId'),
      shipmentType: join(at, 'shipmentType'),
      carrierScac: join(at, 'carrier.scac'),
      proNumber: join(at, 'carrier.proNumber'),
      billOfLading: join(at, 'carrier.billOfLading'),
    };
    const push = (
      item: z.output<typeof jsonItemSchema>,
      itemPath: string,
      container: Partial<Record<ShipmentColumn, string>>,
      containerPaths: Partial<Record<ShipmentColumn, string>>,
    ) => {
      const values: Partial<Record<ShipmentColumn, string>> = { ...level, ...container, ...item };
      const paths: Partial<Record<ShipmentColumn, string>> = { ...levelPaths, ...containerPaths };
      for (const key of Object.keys(jsonItemSchema.shape) as (keyof typeof jsonItemSchema.shape)[]) {
        paths[key] = `${itemPath}.${key}`;
      }
      raw.push({ row: raw.length + 1, values, paths });
    };
    const cartonColumns = (carton: z.output<typeof jsonCartonSchema>, path: string) => ({
      values: {
        cartonSscc: carton.sscc,
        ...(carton.trackingNumber ? { trackingNumber: carton.trackingNumber } : {}),
        ...(carton.weightKg ? { cartonWeightKg: carton.weightKg } : {}),
      },
      paths: {
        cartonSscc: `${path}.sscc`,
        trackingNumber: `${path}.trackingNumber`,
        cartonWeightKg: `${path}.weightKg`,
      },
    });
    shipment.pallets.forEach((pallet, p) => {
      const palletPath = join(at, `pallets[${p}]`);
      if (pallet.cartons.length === 0 && pallet.items.length === 0) {
        structural.push({
          row: raw.length + 1,
          field: palletPath,
          message: 'the pallet has no cartons or items',
        });
        empty.push(shipment.shipmentId);
      }
      const palletValues = {
        palletSscc: pallet.sscc,
        ...(pallet.weightKg ? { palletWeightKg: pallet.weightKg } : {}),
      };
      const palletPaths = { palletSscc: `${palletPath}.sscc`, palletWeightKg: `${palletPath}.weightKg` };
      pallet.cartons.forEach((carton, c) => {
        const cartonPath = `${palletPath}.cartons[${c}]`;
        const columns = cartonColumns(carton, cartonPath);
        carton.items.forEach((item, i) => {
          push(
            item,
            `${cartonPath}.items[${i}]`,
            { ...palletValues, ...columns.values },
            { ...palletPaths, ...columns.paths },
          );
        });
      });
      pallet.items.forEach((item, i) => {
        push(item, `${palletPath}.items[${i}]`, palletValues, palletPaths);
      });
    });
    shipment.cartons.forEach((carton, c) => {
      const cartonPath = join(at, `cartons[${c}]`);
      const columns = cartonColumns(carton, cartonPath);
      carton.items.forEach((item, i) => {
        push(item, `${cartonPath}.items[${i}]`, columns.values, columns.paths);
      });
    });
    if (shipment.pallets.length === 0 && shipment.cartons.length === 0) {
      structural.push({
        row: raw.length + 1,
        field: join(at, 'cartons'),
        message: 'the shipment has no pallets or cartons',
      });
      empty.push(shipment.shipmentId);
    }
  });
  const result = readShipmentRows(raw);
  const refused = new Set(empty);
  return {
    shipments: result.shipments.filter((shipment) => !refused.has(shipment.shipmentId)),
    problems: sortProblems([...result.problems, ...structural]),
    rejectedShipments: [...new Set([...result.rejectedShipments, ...empty])],
    rows: result.rows,
    ignoredColumns: [],
  };
}

function emptyResult(problems: FileProblem[]): ShipmentFileResult {
  return { shipments: [], problems, rejectedShipments: [], rows: 0, ignoredColumns: [] };
}

/** Parses a shipment file by its name (`.json` or not) or, failing that, its first character. */
export function parseShipmentFile(name: string, text: string): ShipmentFileResult {
  const json = /\.json$/i.test(name) || /^\uFEFF?\s*[{[]/.test(text);
  return json ? parseShipmentJson(text) : parseShipmentCsv(text);
}
