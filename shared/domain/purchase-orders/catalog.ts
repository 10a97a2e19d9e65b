/**
 * The vendor's catalogue as the acknowledgement rules need it: which of our SKUs a PO line is
 * (by the PO's vendorProductIdentifier — an EAN/UPC/GTIN or our SKU — or its ASIN), whether it is
 * still sold, what Amazon should pay for it in a marketplace, and how fast it is replenished.
 */
import { type Money, parseMoney } from '#shared/domain/money.ts';

/** Whether a product is still sold. Discontinued lines are rejected `ObsoleteProduct` by default. */
export type CatalogStatus = 'active' | 'discontinued';

/** One catalogue row: a SKU in one marketplace. JSON-safe (amounts stay strings). */
export interface CatalogEntry {
  readonly sku: string;
  /** Upper-case ASIN, when the product has one. */
  readonly asin?: string;
  /** GTIN (EAN-13, UPC-12, EAN-8 or GTIN-14) as written in the file. */
  readonly ean?: string;
  /** Marketplace code as in acorn.config.json (`DE`, `UK`, `US`). */
  readonly marketplace: string;
  /** Net cost per each Amazon is expected to pay, a decimal string (`"11.90"`). */
  readonly expectedNetCost: string;
  /** ISO 4217 currency of `expectedNetCost`. */
  readonly currency: string;
  readonly status: CatalogStatus;
  /** Days to replenish: how far out a backorder ships. */
  readonly leadTimeDays: number;
  /** Lines ordering more eaches than this go to review. */
  readonly maxOrderQuantity?: number;
}

/** A catalogue entry with its expected cost parsed once. */
export interface IndexedCatalogEntry extends CatalogEntry {
  readonly expectedCost: Money;
}

/** Which identifier of the PO line found the product. */
export type CatalogMatch = 'ean' | 'sku' | 'asin';

/** The result of looking up a PO line. */
export type CatalogLookup =
  | { readonly kind: 'found'; readonly entry: IndexedCatalogEntry; readonly matchedBy: CatalogMatch }
  /** The product is known, but not listed for this marketplace. */
  | { readonly kind: 'not-in-marketplace'; readonly sku: string; readonly marketplaces: readonly string[] }
  /** The line's identifiers point at more than one SKU. */
  | { readonly kind: 'ambiguous'; readonly skus: readonly string[] }
  | { readonly kind: 'unknown' };

/** The identifiers of a PO line, as Amazon sent them. */
export interface LineIdentifiers {
  readonly vendorProductIdentifier?: string | undefined;
  readonly amazonProductIdentifier?: string | undefined;
}

const GTIN = /^(\d{8}|\d{12,14})$/;

/**
 * A GTIN in its 14-digit form, so EAN-13 `4006381333931`, GTIN-14 `04006381333931` and a UPC-12
 * written with or without its leading zero all meet; undefined for anything that is not a GTIN.
 */
export function gtinKey(identifier: string): string | undefined {
  return GTIN.test(identifier) ? identifier.padStart(14, '0') : undefined;
}

const UNKNOWN: CatalogLookup = { kind: 'unknown' };

/** Looks PO lines up in the catalogue. Build once per catalogue file; lookups are two or three map reads. */
export class CatalogIndex {
  readonly #bySku = new Map<string, Map<string, IndexedCatalogEntry>>();
  readonly #byGtin = new Map<string, string | string[]>();
  readonly #byAsin = new Map<string, string | string[]>();
  #size = 0;

  private constructor() {}

  /**
   * Indexes catalogue entries. Conflicts are not fatal here (the file parser reports them with
   * row numbers): a GTIN or ASIN shared by two SKUs makes its lines `ambiguous`, and a second
   * entry for the same SKU and marketplace is ignored.
   */
  static build(entries: Iterable<CatalogEntry>): CatalogIndex {
    const index = new CatalogIndex();
    for (const entry of entries) index.#add(entry);
    return index;
  }

  #add(entry: CatalogEntry): void {
    let markets = this.#bySku.get(entry.sku);
    if (!markets) {
      markets = new Map();
      this.#bySku.set(entry.sku, markets);
    }
    if (markets.has(entry.marketplace)) return;
    markets.set(entry.marketplace, {
      ...entry,
      expectedCost: parseMoney(entry.expectedNetCost, entry.currency),
    });
    this.#size++;
    const gtin = entry.ean === undefined ? undefined : gtinKey(entry.ean);
    if (gtin) link(this.#byGtin, gtin, entry.sku);
    if (entry.asin) link(this.#byAsin, entry.asin.toUpperCase(), entry.sku);
  }

  /** Number of (SKU, marketplace) entries. */
  get size(): number {
    return this.#size;
  }

  /**
   * Finds the product of a PO line in a marketplace: by vendorProductIdentifier as a GTIN, then as
   * a SKU, then by ASIN. When identifiers point at different SKUs the answer is `ambiguous`.
   */
  lookup(line: LineIdentifiers, marketplace: string): CatalogLookup {
    const found: { sku: string; by: CatalogMatch }[] = [];
    const vendorId = line.vendorProductIdentifier;
    if (vendorId) {
      const gtin = gtinKey(vendorId);
      if (gtin) collect(found, this.#byGtin.get(gtin), 'ean');
      if (this.#bySku.has(vendorId)) collect(found, vendorId, 'sku');
    }
    const asin = line.amazonProductIdentifier;
    if (asin) collect(found, this.#byAsin.get(asin.toUpperCase()), 'asin');
    const first = found[0];
    if (!first) return UNKNOWN;
    if (found.length > 1) return { kind: 'ambiguous', skus: found.map((f) => f.sku) };
    const markets = this.#bySku.get(first.sku)!;
    const entry = markets.get(marketplace);
    if (!entry)
      return { kind: 'not-in-marketplace', sku: first.sku, marketplaces: [...markets.keys()].sort() };
    return { kind: 'found', entry, matchedBy: first.by };
  }

  /** The entry of a SKU in a marketplace. */
  entry(sku: string, marketplace: string): IndexedCatalogEntry | undefined {
    return this.#bySku.get(sku)?.get(marketplace);
  }

  /** What Amazon is expected to pay per each for a SKU in a marketplace. */
  expectedNetCost(sku: string, marketplace: string): Money | undefined {
    return this.entry(sku, marketplace)?.expectedCost;
  }
}

/** Adds the SKUs an identifier points at, each SKU once, in the order found. */
function collect(
  found: { sku: string; by: CatalogMatch }[],
  skus: string | string[] | undefined,
  by: CatalogMatch,
) {
  if (skus === undefined) return;
  for (const sku of typeof skus === 'string' ? [skus] : skus) {
    if (!found.some((f) => f.sku === sku)) found.push({ sku, by });
  }
}

function link(map: Map<string, string | string[]>, key: string, sku: string): void {
  const existing = map.get(key);
  if (existing === undefined) map.set(key, sku);
  else if (typeof existing === 'string') {
    if (existing !== sku) map.set(key, [existing, sku]);
  } else if (!existing.includes(sku)) existing.push(sku);
}
