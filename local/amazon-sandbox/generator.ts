/**
 * The sandbox's purchase-order stream: a pure function of (seed, vendor setup, anchor, ordinal).
 *
 * Every PO has an ordinal. Backlog POs (odd ordinals) are spread over the two days before the
 * anchor; live POs (even ordinals) follow the anchor at `perHour`. Creation times grow with the
 * ordinal, so "POs created in [a, b]" is an index range, and a PO number is an invertible scramble
 * of its ordinal, so "PO 2JK3S9VC" is found without any index. A restart with the same seed and
 * anchor therefore yields exactly the same POs; only what happened to them (acks, shipments) is
 * state.
 */
import type { OrderItem, PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import { findMarketplace, type SandboxMarketplace, type SandboxParty } from './marketplaces.ts';
import { permute40, Rng, unpermute40 } from './prng.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * How far before the anchor the backlog reaches: two days, so at the first start every backlog PO
 * can still be acknowledged (48-hour correction window) while some are already past the usual
 * 24-hour acknowledgement deadline.
 */
export const BACKLOG_SPAN_MS = 2 * DAY;
/** Latest a scheduled Amazon change happens after creation (bounds the changed-orders search). */
export const MAX_CHANGE_DELAY_MS = 30 * HOUR;

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const PO_NUMBER = /^[0-9A-Z]{8}$/;
const ORDINAL_LIMIT = 2 ** 40;

/** A vendor code and the marketplaces (config codes, e.g. `DE`, `UK`) it sells to. */
export interface VendorSetup {
  readonly vendorCode: string;
  readonly marketplaces: readonly string[];
}

/** What the stream depends on. */
export interface GeneratorConfig {
  readonly seed: number;
  readonly vendors: readonly VendorSetup[];
  /** Epoch ms separating the backlog from the live stream; persisted so restarts agree. */
  readonly anchor: number;
  readonly backlog: number;
  readonly perHour: number;
}

/** A product of a vendor's catalogue. */
export interface CatalogProduct {
  readonly asin: string;
  readonly ean: string;
  /** Net cost per each, in euro cents; converted per marketplace. */
  readonly costEurCents: number;
  readonly listFactor?: number;
  readonly caseSize: number;
}

/** A change Amazon makes to a PO after creation: new quantities for some lines. */
export interface ScheduledChange {
  readonly at: number;
  readonly lines: readonly { itemSequenceNumber: string; amount: number }[];
}

/** A PO as Amazon created it, plus what Amazon will do to it later. */
export interface GeneratedPurchaseOrder {
  readonly purchaseOrderNumber: string;
  readonly ordinal: number;
  readonly createdAt: number;
  readonly vendorCode: string;
  /** Marketplace config code, e.g. `DE`. */
  readonly marketplace: string;
  /** The order as first published: state New. */
  readonly order: PurchaseOrder;
  readonly change?: ScheduledChange;
}

/** ISO-8601 at second precision, as Amazon prints PO dates (`2026-11-30T07:00:00Z`). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Formats integer minor units as a decimal string with `digits` decimals. */
export function minorToDecimal(minor: number, digits: number): string {
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor)
    .toString()
    .padStart(digits + 1, '0');
  return `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}

function ean13(rng: Rng): string {
  // GS1 prefix 40-44 is Germany; the sandbox does not care which country a product is from.
  let digits = `4${rng.int(0, 4)}`;
  for (let i = 0; i < 10; i++) digits += rng.int(0, 9);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(digits[i]) * (i % 2 === 0 ? 1 : 3);
  return digits + ((10 - (sum % 10)) % 10);
}

/** Generates the deterministic PO stream for one sandbox configuration. */
export class PurchaseOrderGenerator {
  readonly #config: GeneratorConfig;
  readonly #vendors: readonly { vendorCode: string; marketplaces: SandboxMarketplace[] }[];
  readonly #catalogs = new Map<string, CatalogProduct[]>();
  readonly #cache = new Map<number, GeneratedPurchaseOrder>();
  readonly #numberKey: string;

  constructor(config: GeneratorConfig) {
    if (config.vendors.length === 0) throw new Error('The Amazon sandbox needs at least one vendor code');
    if (!(config.backlog >= 0) || !(config.perHour >= 0)) throw new Error('backlog and perHour must be >= 0');
    this.#config = config;
    this.#numberKey = `${config.seed}:po-number`;
    this.#vendors = config.vendors.map((vendor) => {
      const marketplaces = vendor.marketplaces.map((code) => {
        const found = findMarketplace(code);
        if (!found)
          throw new Error(
            `The Amazon sandbox does not simulate marketplace "${code}" (vendor ${vendor.vendorCode})`,
          );
        return found;
      });
      if (marketplaces.length === 0) throw new Error(`Vendor ${vendor.vendorCode} has no marketplace`);
      return { vendorCode: vendor.vendorCode, marketplaces };
    });
  }

  /** The anchor the stream was built around. */
  get anchor(): number {
    return this.#config.anchor;
  }

  /** The 8-character PO number of an ordinal. */
  numberOf(ordinal: number): string {
    return permute40(ordinal, this.#numberKey).toString(36).toUpperCase().padStart(8, '0');
  }

  /** The ordinal behind a PO number, or undefined when the number is not from this stream. */
  ordinalOf(purchaseOrderNumber: string): number | undefined {
    if (!PO_NUMBER.test(purchaseOrderNumber)) return undefined;
    const value = Number.parseInt(purchaseOrderNumber, 36);
    if (!(value < ORDINAL_LIMIT)) return undefined;
    const ordinal = unpermute40(value, this.#numberKey);
    return this.createdAtOf(ordinal) === undefined ? undefined : ordinal;
  }

  /** When the PO with this ordinal is created, or undefined if the stream has no such PO. */
  createdAtOf(ordinal: number): number | undefined {
    const { anchor, backlog, perHour, seed } = this.#config;
    const jitter = 0.05 + 0.9 * new Rng(seed, 'created', ordinal).next();
    if (ordinal % 2 === 1) {
      const k = (ordinal - 1) / 2;
      if (k >= backlog) return undefined;
      return (
        Math.floor((anchor - BACKLOG_SPAN_MS + ((k + jitter) * BACKLOG_SPAN_MS) / backlog) / 1000) * 1000
      );
    }
    if (perHour <= 0) return undefined;
    const n = ordinal / 2;
    return Math.floor((anchor + ((n + jitter) * HOUR) / perHour) / 1000) * 1000;
  }

  /** The PO with this number, whether or not it is visible yet (callers compare createdAt). */
  byNumber(purchaseOrderNumber: string): GeneratedPurchaseOrder | undefined {
    const ordinal = this.ordinalOf(purchaseOrderNumber);
    return ordinal === undefined ? undefined : this.byOrdinal(ordinal);
  }

  /** Every PO created in [from, to] (epoch ms, inclusive), oldest first. */
  createdBetween(from: number, to: number): GeneratedPurchaseOrder[] {
    const { anchor, backlog, perHour } = this.#config;
    const out: GeneratedPurchaseOrder[] = [];
    if (to < from) return out;
    const consider = (ordinal: number) => {
      const at = this.createdAtOf(ordinal);
      if (at !== undefined && at >= from && at <= to) out.push(this.byOrdinal(ordinal));
    };
    if (backlog > 0 && from < anchor) {
      const step = BACKLOG_SPAN_MS / backlog;
      const lo = Math.max(0, Math.floor((from - (anchor - BACKLOG_SPAN_MS)) / step) - 1);
      const hi = Math.min(backlog - 1, Math.floor((to - (anchor - BACKLOG_SPAN_MS)) / step) + 1);
      for (let k = lo; k <= hi; k++) consider(2 * k + 1);
    }
    if (perHour > 0 && to >= anchor) {
      const step = HOUR / perHour;
      const lo = Math.max(0, Math.floor((from - anchor) / step) - 1);
      const hi = Math.floor((to - anchor) / step) + 1;
      for (let n = lo; n <= hi; n++) consider(2 * n);
    }
    return out.sort(
      (a, b) => a.createdAt - b.createdAt || a.purchaseOrderNumber.localeCompare(b.purchaseOrderNumber),
    );
  }

  /** The catalogue of a vendor code: stable products with ASIN, EAN and cost. */
  catalog(vendorCode: string): CatalogProduct[] {
    let products = this.#catalogs.get(vendorCode);
    if (!products) {
      products = [];
      for (let i = 0; i < 48; i++) {
        const rng = new Rng(this.#config.seed, 'catalog', vendorCode, i);
        const asin = `B0${rng.chars(ALNUM, 8)}`;
        const ean = ean13(rng);
        const costEurCents = Math.round(
          Math.exp(Math.log(150) + rng.next() * (Math.log(9000) - Math.log(150))),
        );
        const caseSize = rng.pick([1, 1, 1, 6, 12, 24]);
        const listFactor = rng.chance(0.5) ? 1.5 + rng.next() * 0.8 : undefined;
        products.push({ asin, ean, costEurCents, caseSize, ...(listFactor ? { listFactor } : {}) });
      }
      this.#catalogs.set(vendorCode, products);
    }
    return products;
  }

  /** The PO of an ordinal known to exist. */
  byOrdinal(ordinal: number): GeneratedPurchaseOrder {
    const cached = this.#cache.get(ordinal);
    if (cached) return cached;
    const createdAt = this.createdAtOf(ordinal);
    if (createdAt === undefined) throw new Error(`No purchase order with ordinal ${ordinal}`);
    const generated = this.#generate(ordinal, createdAt);
    this.#cache.set(ordinal, generated);
    return generated;
  }

  #generate(ordinal: number, createdAt: number): GeneratedPurchaseOrder {
    const rng = new Rng(this.#config.seed, 'po', ordinal);
    const vendor = rng.pick(this.#vendors);
    const market = rng.pick(vendor.marketplaces);
    const shipTo = rng.pick(market.fulfilmentCenters);
    const purchaseOrderNumber = this.numberOf(ordinal);

    const catalog = this.catalog(vendor.vendorCode);
    const lineCount = 1 + Math.floor(rng.next() ** 2 * 12);
    const chosen = new Set<number>();
    while (chosen.size < Math.min(lineCount, catalog.length)) chosen.add(rng.int(0, catalog.length - 1));
    const scale = 10 ** market.minorDigits;
    const money = (eurCents: number) => ({
      amount: minorToDecimal(
        Math.max(1, Math.round((eurCents / 100) * market.perEur * scale)),
        market.minorDigits,
      ),
      currencyCode: market.currency,
    });
    const items: OrderItem[] = [...chosen].map((index, i) => {
      const product = catalog[index]!;
      const cases = product.caseSize > 1;
      return {
        itemSequenceNumber: String(i + 1),
        amazonProductIdentifier: product.asin,
        vendorProductIdentifier: product.ean,
        orderedQuantity: cases
          ? { amount: rng.int(1, 20), unitOfMeasure: 'Cases', unitSize: product.caseSize }
          : { amount: rng.int(1, 60), unitOfMeasure: 'Eaches', unitSize: 1 },
        isBackOrderAllowed: rng.chance(0.6),
        netCost: money(product.costEurCents),
        ...(product.listFactor
          ? { listPrice: money(Math.round(product.costEurCents * product.listFactor)) }
          : {}),
      };
    });

    const typeRoll = rng.next();
    const purchaseOrderType =
      typeRoll < 0.86 ? 'RegularOrder' : typeRoll < 0.94 ? 'RushOrder' : 'NewProductIntroduction';
    const day = (offsetDays: number) => Math.floor((createdAt + offsetDays * DAY) / DAY) * DAY + 7 * HOUR;
    // Prepaid freight gives a delivery window, collect freight a ship window; a PO has one of them.
    const collect = rng.chance(0.3);
    const windowStart = collect ? day(rng.int(1, 3)) : day(rng.int(4, 10));
    const windowEnd = windowStart + rng.int(3, 7) * DAY;
    const window = `${isoSeconds(windowStart)}--${isoSeconds(windowEnd)}`;

    const party = (p: SandboxParty, withTax: boolean) =>
      market.addressesOnPo
        ? {
            partyId: p.partyId,
            address: {
              name: p.name,
              addressLine1: p.addressLine1,
              city: p.city,
              ...(p.stateOrRegion ? { stateOrRegion: p.stateOrRegion } : {}),
              postalCode: p.postalCode,
              countryCode: market.countryCode,
            },
            ...(withTax && p.vatNumber
              ? { taxInfo: { taxRegistrationType: 'VAT' as const, taxRegistrationNumber: p.vatNumber } }
              : {}),
          }
        : { partyId: p.partyId };

    const created = isoSeconds(createdAt);
    const order: PurchaseOrder = {
      purchaseOrderNumber,
      purchaseOrderState: 'New',
      orderDetails: {
        purchaseOrderDate: created,
        purchaseOrderStateChangedDate: created,
        purchaseOrderType,
        ...(rng.chance(0.05) ? { dealCode: `DEAL${rng.int(1000, 9999)}` } : {}),
        paymentMethod: 'Invoice',
        buyingParty: market.addressesOnPo
          ? party({ ...market.billTo, partyId: market.buyingPartyId }, false)
          : { partyId: market.buyingPartyId },
        sellingParty: { partyId: vendor.vendorCode },
        shipToParty: party(shipTo, false),
        billToParty: party(market.billTo, true),
        ...(collect ? { shipWindow: window } : { deliveryWindow: window }),
        items,
      },
    };

    let change: ScheduledChange | undefined;
    if (rng.chance(0.2)) {
      const at = Math.floor((createdAt + rng.int(2 * 60, 30 * 60) * 60_000) / 60_000) * 60_000;
      const line = rng.pick(items);
      const amount = line.orderedQuantity.amount ?? 1;
      const roll = rng.next();
      const next = roll < 0.5 ? Math.max(1, Math.floor(amount / 2)) : roll < 0.8 ? 0 : amount + rng.int(1, 5);
      change = {
        at,
        lines: [{ itemSequenceNumber: line.itemSequenceNumber, amount: next === amount ? 0 : next }],
      };
    }

    return {
      purchaseOrderNumber,
      ordinal,
      createdAt,
      vendorCode: vendor.vendorCode,
      marketplace: market.code,
      order,
      ...(change ? { change } : {}),
    };
  }
}
