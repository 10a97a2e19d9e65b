/**
 * The vendor's warehouse in the local world (`npm start`): every so often (clock time) it ships the
 * POs Amazon shows acknowledged whose departure window has opened, and drops the WMS's shipment
 * file into the inbox under `shipments/`, as a real warehouse does when the truck leaves. Acorn's
 * own inbox rule takes it from there.
 *
 * Like the sandbox's vendor files it is deliberately imperfect, so the rules have work: now and
 * then a file goes out twice (Acorn must confirm once), and now and then a file has a misprinted
 * SSCC label (Acorn refuses it, naming the row and field) and the corrected file follows on the
 * next round. Some POs ship a unit short; some are never picked before their window closes, so
 * the ship-window escalation fires. Its memory (what it shipped, its label counter) is a JSON file
 * in the data directory, so a restart does not ship a PO twice.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as z from 'zod';
import type { Clock } from '#shared/clock.ts';
import { departureWindow } from '#shared/domain/shipments/fulfilment.ts';
import type { OrderStatus, PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import { Rng } from '../amazon-sandbox/prng.ts';
import { type LineToShip, packShipment, type ShipmentToDescribe, toShipmentCsv } from './shipment-files.ts';

const MINUTE_MS = 60_000;

/** What the warehouse reads of Amazon: the POs and their line status (accepted quantities). */
export interface WarehouseAmazonView {
  purchaseOrders(): PurchaseOrder[];
  purchaseOrderStatus(purchaseOrderNumber: string): OrderStatus | undefined;
}

const stateSchema = z.object({
  /** Next SSCC serial reference. */
  serial: z.number().int().nonnegative(),
  /** Next shipment number. */
  sequence: z.number().int().nonnegative(),
  /** PO → the shipment that took it. */
  shipped: z.record(z.string(), z.string()),
  /** Files to drop on the next round: re-sends and corrections. */
  pending: z.array(z.object({ key: z.string(), body: z.string(), why: z.string() })),
});
type WarehouseState = z.infer<typeof stateSchema>;

/** Options of {@link makeWarehouse}. */
export interface WarehouseOptions {
  readonly amazon: WarehouseAmazonView;
  readonly clock: Clock;
  /** Puts a file into the inbox bucket. */
  readonly put: (key: string, body: string) => Promise<void>;
  /** Where the warehouse remembers what it shipped (JSON). */
  readonly stateFile: string;
  /** Days in transit (acorn.config.json `shipments.transitDays`): delivery-window POs leave this much earlier. */
  readonly transitDays: number;
  /** The ship-from party on the files. */
  readonly shipFromPartyId?: string;
  /** SKU of a product by its EAN (from the vendor's catalogue file), so rows carry both. */
  readonly skuOfEan?: ReadonlyMap<string, string>;
  readonly seed?: number;
  /** Share of files dropped twice. @default 0.1 */
  readonly duplicateRate?: number;
  /** Share of files with a misprinted SSCC, corrected on the next round. @default 0.04 */
  readonly misprintRate?: number;
  readonly log?: (message: string, data?: Record<string, unknown>) => void;
}

/** What one round did. */
export interface WarehouseRound {
  readonly files: readonly {
    key: string;
    shipmentId?: string;
    purchaseOrders: readonly string[];
    why: string;
  }[];
}

function loadState(file: string): WarehouseState {
  if (!existsSync(file)) return { serial: 1, sequence: 1, shipped: {}, pending: [] };
  return stateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** `2026-11-30T14:05:00.000Z` → `261130`. */
const dayStamp = (at: Date) => at.toISOString().slice(2, 10).replaceAll('-', '');

/**
 * The local warehouse: `round()` ships what is due now; `start(intervalMinutes)` runs rounds on
 * the clock until `stop()`.
 */
export function makeWarehouse(options: WarehouseOptions) {
  const seed = options.seed ?? 1;
  const log = options.log ?? (() => {});
  let state = loadState(options.stateFile);
  const save = () => writeFileSync(options.stateFile, JSON.stringify(state));

  /** The lines of a PO Amazon accepted, as the WMS picks them. */
  function linesOf(order: PurchaseOrder, status: OrderStatus): LineToShip[] {
    const rng = new Rng(seed, 'warehouse-short', order.purchaseOrderNumber);
    const short = rng.chance(0.15);
    const lines: LineToShip[] = [];
    for (const item of order.orderDetails?.items ?? []) {
      const accepted =
        status.itemStatus.find((s) => s.itemSequenceNumber === item.itemSequenceNumber)?.acknowledgementStatus
          ?.acceptedQuantity?.amount ?? 0;
      if (accepted <= 0) continue;
      const ean = item.vendorProductIdentifier;
      const product = new Rng(seed, 'warehouse-product', ean ?? item.amazonProductIdentifier ?? '');
      const perishable = product.chance(0.3);
      const quantity = short && lines.length === 0 && accepted > 1 ? accepted - 1 : accepted;
      const sku = ean ? options.skuOfEan?.get(ean) : undefined;
      lines.push({
        ...(ean ? { ean } : {}),
        ...(item.amazonProductIdentifier ? { asin: item.amazonProductIdentifier } : {}),
        ...(sku ? { sku } : {}),
        unitOfMeasure: item.orderedQuantity.unitOfMeasure === 'Cases' ? 'Cases' : 'Eaches',
        unitSize: item.orderedQuantity.unitOfMeasure === 'Cases' ? (item.orderedQuantity.unitSize ?? 1) : 1,
        quantity,
        lotNumber: `L${dayStamp(options.clock.now()).slice(0, 4)}-${String(product.int(1, 99)).padStart(2, '0')}`,
        ...(perishable
          ? {
              expiryDate: new Date(options.clock.now().getTime() + product.int(180, 720) * 1440 * MINUTE_MS)
                .toISOString()
                .slice(0, 10),
            }
          : {}),
        countryOfOrigin: product.pick(['DE', 'DE', 'PL', 'CZ', 'CN']),
      });
    }
    return lines;
  }

  /** Whether the warehouse gets to a PO now: inside its window, after a PO-specific picking delay. */
  function dueNow(order: PurchaseOrder, now: number): boolean {
    let window: ReturnType<typeof departureWindow>;
    try {
      window = departureWindow(order, options.transitDays);
    } catch {
      return false;
    }
    if (!window) return false;
    const start = Date.parse(window.start);
    const end = Date.parse(window.end);
    const rng = new Rng(seed, 'warehouse-pick', order.purchaseOrderNumber);
    // One PO in ten is forgotten until its window has closed: the escalation has something to say.
    if (rng.chance(0.1)) return false;
    // Picked within half a day of the window opening (sooner in a short window).
    const pickAt = start + rng.next() * Math.min(0.4 * (end - start), 12 * 60 * MINUTE_MS);
    return now >= pickAt && now <= end;
  }

  async function round(): Promise<WarehouseRound> {
    const files: { key: string; shipmentId?: string; purchaseOrders: string[]; why: string }[] = [];
    for (const pending of state.pending) {
      await options.put(pending.key, pending.body);
      files.push({ key: pending.key, purchaseOrders: [], why: pending.why });
    }
    state = { ...state, pending: [] };

    const nowDate = options.clock.now();
    const now = nowDate.getTime();
    const ready: { order: PurchaseOrder; lines: LineToShip[] }[] = [];
    for (const order of options.amazon.purchaseOrders()) {
      if (order.purchaseOrderState !== 'Acknowledged' || state.shipped[order.purchaseOrderNumber]) continue;
      if (!dueNow(order, now)) continue;
      const status = options.amazon.purchaseOrderStatus(order.purchaseOrderNumber);
      if (!status) continue;
      const lines = linesOf(order, status);
      if (lines.length > 0) ready.push({ order, lines });
    }
    // One truck per vendor code and Amazon site, at most three POs on it.
    const trucks = new Map<string, { order: PurchaseOrder; lines: LineToShip[] }[][]>();
    for (const po of ready) {
      const details = po.order.orderDetails;
      const key = `${details?.sellingParty?.partyId}#${details?.shipToParty?.partyId}`;
      const loads = trucks.get(key) ?? [[]];
      if (loads.at(-1)!.length >= 3) loads.push([]);
      loads.at(-1)!.push(po);
      trucks.set(key, loads);
    }
    for (const load of [...trucks.values()].flat()) {
      const shipmentId = `WH${dayStamp(nowDate)}-${String(state.sequence).padStart(4, '0')}`;
      const shipment: ShipmentToDescribe = {
        shipmentId,
        shipDate: new Date(Math.floor(now / MINUTE_MS) * MINUTE_MS).toISOString(),
        ...(options.shipFromPartyId ? { shipFromPartyId: options.shipFromPartyId } : {}),
        purchaseOrders: load.map((po) => ({
          purchaseOrderNumber: po.order.purchaseOrderNumber,
          lines: po.lines,
        })),
      };
      const packed = packShipment(shipment, { firstSerial: state.serial });
      const csv = toShipmentCsv(packed.rows);
      const key = `shipments/${shipmentId}.csv`;
      const rng = new Rng(seed, 'warehouse-file', shipmentId);
      const purchaseOrders = load.map((po) => po.order.purchaseOrderNumber);
      if (rng.chance(options.misprintRate ?? 0.04) && packed.rows.length > 0) {
        // A misprinted label: the last digit of the first carton's SSCC is off by one.
        const sscc = packed.rows[0]!.cartonSscc!;
        const wrong = `${sscc.slice(0, 17)}${(Number(sscc[17]) + 1) % 10}`;
        const bad = toShipmentCsv(
          packed.rows.map((r) => (r.cartonSscc === sscc ? { ...r, cartonSscc: wrong } : r)),
        );
        await options.put(key, bad);
        files.push({ key, shipmentId, purchaseOrders, why: 'misprinted SSCC' });
        state.pending.push({
          key: `shipments/${shipmentId}-corrected.csv`,
          body: csv,
          why: `correction of ${key}`,
        });
      } else {
        await options.put(key, csv);
        files.push({
          key,
          shipmentId,
          purchaseOrders,
          why: `${packed.cartons} cartons, ${packed.pallets} pallets`,
        });
        if (rng.chance(options.duplicateRate ?? 0.1)) {
          state.pending.push({ key: `shipments/${shipmentId}-resent.csv`, body: csv, why: `re-sent ${key}` });
        }
      }
      state = {
        ...state,
        serial: state.serial + packed.serialsUsed,
        sequence: state.sequence + 1,
        shipped: { ...state.shipped, ...Object.fromEntries(purchaseOrders.map((po) => [po, shipmentId])) },
      };
    }
    save();
    for (const file of files) log(`warehouse dropped ${file.key}`, { ...file });
    return { files };
  }

  let running = false;
  let inRound: Promise<unknown> | undefined;
  return {
    round,
    /** Runs a round every `intervalMinutes` of clock time until stop(). */
    start(intervalMinutes = 20): void {
      if (running) return;
      running = true;
      void (async () => {
        while (running) {
          // A clock minute at a time, so a stopped warehouse lets go of the process soon.
          for (let waited = 0; waited < intervalMinutes && running; waited++)
            await options.clock.sleep(MINUTE_MS);
          if (!running) break;
          inRound = round().catch((error: unknown) =>
            log('warehouse round failed', { error: (error as Error).message }),
          );
          await inRound;
          inRound = undefined;
        }
      })();
    },
    /** Stops the rounds; resolves once a round in progress has dropped its files. */
    async stop(): Promise<void> {
      running = false;
      await inRound;
    },
  };
}
