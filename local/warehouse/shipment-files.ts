/**
 * The warehouse's shipment files, as a WMS exports them when a truck leaves: one CSV row per item
 * in a carton, cartons with SSCC labels (GS1 check digits), on pallets with their own SSCC for a
 * truck, or loose with a parcel tracking number each for a small parcel. Pure and deterministic
 * from its input: the local warehouse (warehouse.ts), the tests and the benchmark all make their
 * files here.
 */
import { makeSscc } from '#shared/domain/shipments/sscc.ts';

/** One PO line to ship, in the PO line's unit. */
export interface LineToShip {
  readonly ean?: string;
  readonly asin?: string;
  readonly sku?: string;
  readonly unitOfMeasure: 'Cases' | 'Eaches';
  /** Eaches per case (1 for eaches). */
  readonly unitSize: number;
  /** In the line's unit. */
  readonly quantity: number;
  readonly lotNumber?: string;
  /** `YYYY-MM-DD`. */
  readonly expiryDate?: string;
  readonly countryOfOrigin?: string;
}

/** One shipment (one truck or one parcel pick-up) to describe. */
export interface ShipmentToDescribe {
  readonly shipmentId: string;
  /** ISO instant of departure. */
  readonly shipDate: string;
  readonly shipFromPartyId?: string;
  readonly purchaseOrders: readonly {
    readonly purchaseOrderNumber: string;
    readonly lines: readonly LineToShip[];
  }[];
}

/** How the warehouse packs and labels. */
export interface PackingOptions {
  /** The vendor's GS1 company prefix (6–12 digits). @default '4012345' */
  readonly companyPrefix?: string;
  /** First serial reference of the SSCCs of this file (a WMS counter). */
  readonly firstSerial: number;
  /** Eaches per carton for lines ordered in eaches. @default 12 */
  readonly eachesPerCarton?: number;
  /** More cartons than this go on pallets (a truck); up to this many ship as parcels. @default 6 */
  readonly parcelLimit?: number;
  /** Cartons per pallet. @default 24 */
  readonly cartonsPerPallet?: number;
}

const HEADER = [
  'shipmentId',
  'purchaseOrderNumber',
  'shipDate',
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
  'quantity',
  'unitOfMeasure',
  'lotNumber',
  'expiryDate',
  'countryOfOrigin',
] as const;

/** A row of the file, by column. */
export type ShipmentFileRow = Partial<Record<(typeof HEADER)[number], string>>;

/** Grams as kilograms with one decimal. */
const kg = (grams: number) => (Math.round(grams / 100) / 10).toFixed(1);

/** What packing produced: the rows, and how many labels it used. */
export interface PackedShipment {
  readonly rows: ShipmentFileRow[];
  readonly cartons: number;
  readonly pallets: number;
  /** SSCC serial references used: the next file starts after them. */
  readonly serialsUsed: number;
}

/**
 * Packs one shipment: a case is its own carton; eaches fill mixed cartons in line order. Small
 * shipments go as parcels (a tracking number per carton), larger ones on pallets with a PRO number
 * and a bill of lading.
 */
export function packShipment(shipment: ShipmentToDescribe, options: PackingOptions): PackedShipment {
  const companyPrefix = options.companyPrefix ?? '4012345';
  const perCarton = options.eachesPerCarton ?? 12;
  const parcelLimit = options.parcelLimit ?? 6;
  const perPallet = options.cartonsPerPallet ?? 24;
  let serial = options.firstSerial;
  const nextSscc = (extensionDigit: number) =>
    makeSscc({
      extensionDigit,
      companyPrefix,
      serialReference: serial++ % 10 ** (16 - companyPrefix.length),
    });

  type Content = { po: string; line: LineToShip; quantity: number; eaches: number };
  const cartons: Content[][] = [];
  let open: Content[] = [];
  let openEaches = 0;
  for (const po of shipment.purchaseOrders) {
    for (const line of po.lines) {
      if (line.quantity <= 0) continue;
      if (line.unitOfMeasure === 'Cases') {
        for (let i = 0; i < line.quantity; i++) {
          cartons.push([{ po: po.purchaseOrderNumber, line, quantity: 1, eaches: line.unitSize }]);
        }
        continue;
      }
      let left = line.quantity;
      while (left > 0) {
        const take = Math.min(left, perCarton - openEaches);
        open.push({ po: po.purchaseOrderNumber, line, quantity: take, eaches: take });
        openEaches += take;
        left -= take;
        if (openEaches >= perCarton) {
          cartons.push(open);
          open = [];
          openEaches = 0;
        }
      }
    }
  }
  if (open.length > 0) cartons.push(open);

  const parcels = cartons.length <= parcelLimit;
  const id = shipment.shipmentId;
  const carrier = parcels
    ? { carrierScac: 'UPSN' }
    : { carrierScac: 'DHLF', proNumber: `PRO-${id}`, billOfLading: `BOL-${id}` };
  const rows: ShipmentFileRow[] = [];
  // A carton weighs ~450 g per each plus 300 g of cardboard; a pallet 25 kg plus its cartons.
  const cartonGrams = (contents: Content[]) => contents.reduce((sum, c) => sum + c.eaches * 450, 300);
  const groups: Content[][][] = [];
  if (parcels) groups.push(cartons);
  else for (let i = 0; i < cartons.length; i += perPallet) groups.push(cartons.slice(i, i + perPallet));
  let pallets = 0;
  let cartonNumber = 0;
  for (const onPallet of groups) {
    const palletSscc = parcels ? undefined : nextSscc(1);
    if (palletSscc) pallets++;
    const palletWeight = kg(onPallet.reduce((sum, c) => sum + cartonGrams(c), 25_000));
    for (const contents of onPallet) {
      cartonNumber++;
      const cartonSscc = nextSscc(0);
      const tracking = parcels
        ? `1Z${id.replace(/[^A-Z0-9]/gi, '').toUpperCase()}${String(cartonNumber).padStart(4, '0')}`
        : undefined;
      for (const item of contents) {
        rows.push({
          shipmentId: id,
          purchaseOrderNumber: item.po,
          shipDate: shipment.shipDate,
          ...carrier,
          ...(palletSscc ? { palletSscc, palletWeightKg: palletWeight } : {}),
          cartonSscc,
          cartonWeightKg: kg(cartonGrams(contents)),
          ...(tracking ? { trackingNumber: tracking } : {}),
          ...(item.line.sku ? { sku: item.line.sku } : {}),
          ...(item.line.ean ? { ean: item.line.ean } : {}),
          ...(item.line.asin ? { asin: item.line.asin } : {}),
          quantity: String(item.quantity),
          unitOfMeasure: item.line.unitOfMeasure,
          ...(item.line.lotNumber ? { lotNumber: item.line.lotNumber } : {}),
          ...(item.line.expiryDate ? { expiryDate: item.line.expiryDate } : {}),
          ...(item.line.countryOfOrigin ? { countryOfOrigin: item.line.countryOfOrigin } : {}),
        });
      }
    }
  }
  return { rows, cartons: cartons.length, pallets, serialsUsed: serial - options.firstSerial };
}

/** Rows as CSV text with the warehouse's header. */
export function toShipmentCsv(rows: readonly ShipmentFileRow[]): string {
  const cell = (value: string | undefined) =>
    value === undefined ? '' : /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
  return `${[HEADER.join(','), ...rows.map((row) => HEADER.map((c) => cell(row[c])).join(','))].join('\n')}\n`;
}

/** A shipment file for several shipments, and the labels it used. */
export function shipmentFile(
  shipments: readonly ShipmentToDescribe[],
  options: PackingOptions,
): { csv: string; rows: number; serialsUsed: number } {
  const rows: ShipmentFileRow[] = [];
  let serial = options.firstSerial;
  for (const shipment of shipments) {
    const packed = packShipment(shipment, { ...options, firstSerial: serial });
    rows.push(...packed.rows);
    serial += packed.serialsUsed;
  }
  return { csv: toShipmentCsv(rows), rows: rows.length, serialsUsed: serial - options.firstSerial };
}
