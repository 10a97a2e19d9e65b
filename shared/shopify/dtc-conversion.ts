/**
 * DTC conversion from Shopify's analytics through ShopifyQL (`shopifyqlQuery`, scope
 * `read_reports`): sessions and sessions that completed a checkout per day from the `sessions`
 * schema, orders per day from the `sales` schema. Days are the shop's days (its time zone).
 */
import type { DtcDay } from '../domain/storefront/dtc-conversion.ts';
import type { DtcConversionSource } from '../use-cases/storefront/ports.ts';
import type { ShopifyqlTable } from './client.ts';
import { ShopifyqlAnswerError } from './errors.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Sessions and completed checkouts per day, every day of the range (TIMESERIES fills empty days with 0). */
export function sessionsQuery(from: string, until: string): string {
  return `FROM sessions SHOW sessions, sessions_that_completed_checkout TIMESERIES day SINCE ${from} UNTIL ${until}`;
}

/** Orders per day, every day of the range. */
export function ordersQuery(from: string, until: string): string {
  return `FROM sales SHOW orders TIMESERIES day SINCE ${from} UNTIL ${until}`;
}

/** A count cell: a non-negative integer, as a number or a numeric string (ShopifyQL rows are JSON). */
function count(query: string, value: unknown, column: string, row: number): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new ShopifyqlAnswerError(
      query,
      `row ${row + 1}: ${column} is ${JSON.stringify(value)}, not a count`,
    );
  }
  return n;
}

/**
 * The rows of a daily ShopifyQL table as `day → counts` of `columns`. Every problem names the
 * query, the row and the column: a missing column, a cell that is not a count, a day that is
 * not a date, outside the range asked for, or twice.
 */
export function dailyCounts(
  query: string,
  table: ShopifyqlTable,
  columns: readonly string[],
  range: { from: string; until: string },
): Map<string, Record<string, number>> {
  const names = new Set(table.columns.map((c) => c.name));
  for (const column of ['day', ...columns]) {
    if (!names.has(column)) throw new ShopifyqlAnswerError(query, `no column ${column}`);
  }
  const out = new Map<string, Record<string, number>>();
  table.rows.forEach((row, i) => {
    const raw = row.day;
    const day = typeof raw === 'string' ? raw.slice(0, 10) : '';
    if (!DAY.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
      throw new ShopifyqlAnswerError(query, `row ${i + 1}: day is ${JSON.stringify(raw)}, not a date`);
    }
    if (day < range.from || day > range.until) {
      throw new ShopifyqlAnswerError(
        query,
        `row ${i + 1}: day ${day} is outside ${range.from}..${range.until}`,
      );
    }
    if (out.has(day)) throw new ShopifyqlAnswerError(query, `row ${i + 1}: day ${day} appears twice`);
    out.set(day, Object.fromEntries(columns.map((c) => [c, count(query, row[c], c, i)])));
  });
  return out;
}

/** The store's daily sessions, completed checkouts and orders, read with two ShopifyQL queries. */
export class ShopifyDtcConversionApi implements DtcConversionSource {
  constructor(private readonly client: { shopifyqlQuery(query: string): Promise<ShopifyqlTable> }) {}

  async dailyConversion(from: string, until: string): Promise<DtcDay[]> {
    const range = { from, until };
    const sessionsQl = sessionsQuery(from, until);
    const ordersQl = ordersQuery(from, until);
    // One after the other: the client waits for the bucket between them.
    const sessions = dailyCounts(
      sessionsQl,
      await this.client.shopifyqlQuery(sessionsQl),
      ['sessions', 'sessions_that_completed_checkout'],
      range,
    );
    const orders = dailyCounts(ordersQl, await this.client.shopifyqlQuery(ordersQl), ['orders'], range);
    const days = [...new Set([...sessions.keys(), ...orders.keys()])].sort();
    return days.map((day) => ({
      day,
      sessions: sessions.get(day)?.sessions ?? 0,
      checkouts: sessions.get(day)?.sessions_that_completed_checkout ?? 0,
      orders: orders.get(day)?.orders ?? 0,
    }));
  }
}
