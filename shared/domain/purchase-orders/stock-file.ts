/**
 * Stock positions from the ERP/WMS (CSV, one row per SKU):
 *
 *     sku,availableToPromise,asOf
 *     ACME-PAN-28,120,2026-11-30T06:00:00Z
 *
 * `availableToPromise` is in eaches and may be negative (oversold); the rules treat anything below
 * zero as nothing available. `asOf` is when the WMS counted, with a zone. Snapshots arrive out of
 * order (a re-sent export, two feeds), so a position only ever replaces an older one
 * ({@link mergeStock}); parsing follows the same rules as the catalogue file (catalog-file.ts).
 */
import { cellOf, type FileProblem, mapColumns, readCsv, sortProblems, wholeNumber } from './catalog-file.ts';

/** The stock of one SKU at one moment. JSON-safe. */
export interface StockPosition {
  readonly sku: string;
  /** Eaches that can still be promised; negative when oversold. */
  readonly availableToPromise: number;
  /** When it was counted, as an ISO-8601 instant in UTC (`2026-11-30T06:00:00.000Z`). */
  readonly asOf: string;
}

/** What a stock file yields: the usable positions, and every row that was not used and why. */
export interface StockFileResult {
  readonly positions: StockPosition[];
  readonly problems: FileProblem[];
  readonly ignoredColumns: readonly string[];
}

const REQUIRED = ['sku', 'availableToPromise', 'asOf'] as const;
type StockColumn = (typeof REQUIRED)[number];

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2})$/;

/**
 * An ISO-8601 date-time with a zone as a UTC instant (`2026-11-30T07:00:00+01:00` →
 * `2026-11-30T06:00:00.000Z`), or a problem text. A time without a zone is refused: whose 06:00?
 */
export function parseInstant(text: string): string | { problem: string } {
  const match = DATE_TIME.exec(text);
  if (!match) {
    return /^\d{4}-\d{2}-\d{2}$/.test(text) || /^\d{4}-\d{2}-\d{2}[Tt ][\d:.]+$/.test(text)
      ? { problem: 'needs a time and a zone, e.g. 2026-11-30T06:00:00Z' }
      : { problem: 'expected an ISO-8601 date-time such as 2026-11-30T06:00:00Z' };
  }
  const [, y, mo, d, h, mi, s = '0'] = match;
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (
    day.getUTCMonth() !== Number(mo) - 1 ||
    day.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    return { problem: 'no such date or time' };
  }
  const ms = Date.parse(text.replace(' ', 'T'));
  if (Number.isNaN(ms)) return { problem: 'expected an ISO-8601 date-time such as 2026-11-30T06:00:00Z' };
  return new Date(ms).toISOString();
}

/** Parses the stock CSV. Rows with a bad field are left out and reported with row and field. */
export function parseStockFile(text: string): StockFileResult {
  const { records, problems } = readCsv(text);
  const [header, ...rows] = records;
  const columns = mapColumns<StockColumn>(header, REQUIRED, []);
  problems.push(...columns.problems);
  if (columns.problems.length > 0) {
    return { positions: [], problems: sortProblems(problems), ignoredColumns: columns.ignored };
  }
  const positions: StockPosition[] = [];
  for (const record of rows) {
    const before = problems.length;
    const bad = (field: StockColumn, message: string, value: string) =>
      problems.push({ row: record.row, field, message, value });

    const sku = cellOf(record, columns, 'sku');
    if (sku === '') bad('sku', 'the SKU is empty', sku);
    const atpText = cellOf(record, columns, 'availableToPromise');
    const atp = wholeNumber(atpText);
    if (typeof atp === 'string') bad('availableToPromise', `${atp} of eaches`, atpText);
    const asOfText = cellOf(record, columns, 'asOf');
    const asOf = parseInstant(asOfText);
    if (typeof asOf !== 'string') bad('asOf', asOf.problem, asOfText);

    if (problems.length === before) {
      positions.push({ sku, availableToPromise: atp as number, asOf: asOf as string });
    }
  }
  return { positions, problems: sortProblems(problems), ignoredColumns: columns.ignored };
}

/** A position {@link mergeStock} did not take, and why. */
export interface IgnoredStockPosition {
  readonly position: StockPosition;
  /** The position kept instead. */
  readonly kept: StockPosition;
  /**
   * `older`: counted before the position already held. `conflict`: counted at the same moment
   * with a different quantity; the position already held is kept.
   */
  readonly reason: 'older' | 'conflict';
}

/** What {@link mergeStock} returns. */
export interface StockMergeResult {
  /** The merged positions by SKU (a new map; `current` is not touched). */
  readonly stock: Map<string, StockPosition>;
  /** Incoming positions that replaced or added a SKU's position. */
  readonly applied: StockPosition[];
  readonly ignored: IgnoredStockPosition[];
  /** Incoming positions identical to the one held (a re-sent snapshot). */
  readonly unchanged: number;
}

/**
 * Merges incoming positions into the current ones, keeping the newer per SKU: an older snapshot
 * never overwrites a newer one, whatever order files arrive in. Incoming positions are taken in
 * order, so within one batch the same rule holds between its own rows.
 */
export function mergeStock(
  current: ReadonlyMap<string, StockPosition>,
  incoming: readonly StockPosition[],
): StockMergeResult {
  const stock = new Map(current);
  const applied: StockPosition[] = [];
  const ignored: IgnoredStockPosition[] = [];
  let unchanged = 0;
  for (const position of incoming) {
    const held = stock.get(position.sku);
    if (held) {
      const order = Date.parse(position.asOf) - Date.parse(held.asOf);
      if (order < 0) {
        ignored.push({ position, kept: held, reason: 'older' });
        continue;
      }
      if (order === 0) {
        if (position.availableToPromise === held.availableToPromise) unchanged++;
        else ignored.push({ position, kept: held, reason: 'conflict' });
        continue;
      }
    }
    stock.set(position.sku, position);
    applied.push(position);
  }
  return { stock, applied, ignored, unchanged };
}

/** Available-to-promise eaches per SKU, the stock input of the acknowledgement rules. */
export function availableToPromise(stock: ReadonlyMap<string, StockPosition>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [sku, position] of stock) out.set(sku, position.availableToPromise);
  return out;
}
