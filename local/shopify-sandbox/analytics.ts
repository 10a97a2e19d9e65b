/**
 * The Shopify sandbox's analytics: store sessions on the business clock and the ShopifyQL subset
 * Acorn sends (`FROM sessions|sales SHOW … TIMESERIES|GROUP BY day SINCE … UNTIL …`). Sessions
 * are checkable: every order the store took is a session that completed a checkout, and the
 * browsing sessions around them follow a seeded PRNG per clock hour, counted only for the time
 * the store has been open and the clock has passed. Days are UTC days (the sandbox shop's zone).
 */
import type { StoreState } from './store.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Browsing sessions of one clock hour: `perHour` ± 25 %, the same for the same hour every time. */
export function browsingSessions(hourIndex: number, perHour: number): number {
  // mulberry32 of the hour index: deterministic noise without state.
  let t = (hourIndex + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  const random = ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  return Math.floor(perHour * (0.75 + 0.5 * random));
}

/** A store day's figures as Shopify's analytics would report them at `now`. */
export interface SandboxConversionDay {
  readonly sessions: number;
  readonly checkouts: number;
  readonly orders: number;
}

/** `day` (`YYYY-MM-DD`) of the store at clock time `now`. */
export function conversionOf(
  state: StoreState,
  day: string,
  now: number,
  sessionsPerHour: number,
): SandboxConversionDay {
  const start = Date.parse(`${day}T00:00:00.000Z`);
  const opened = Date.parse(state.openedAt ?? new Date(now).toISOString());
  const from = Math.max(start, opened);
  const until = Math.min(start + DAY, now);
  let browsing = 0;
  for (let hour = Math.floor(from / HOUR); hour * HOUR < until; hour++) {
    const open = Math.min(until, (hour + 1) * HOUR) - Math.max(from, hour * HOUR);
    if (open > 0) browsing += Math.floor((browsingSessions(hour, sessionsPerHour) * open) / HOUR);
  }
  const orders = state.orders.filter(
    (o) => o.createdAt.slice(0, 10) === day && Date.parse(o.createdAt) <= now,
  ).length;
  // Each order came from a session that completed its checkout.
  return { sessions: browsing + orders, checkouts: orders, orders };
}

const METRICS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  sessions: { sessions: 'INTEGER', sessions_that_completed_checkout: 'INTEGER', conversion_rate: 'PERCENT' },
  sales: { orders: 'INTEGER' },
};

const DISPLAY: Readonly<Record<string, string>> = {
  day: 'Day',
  sessions: 'Sessions',
  sessions_that_completed_checkout: 'Sessions that completed checkout',
  conversion_rate: 'Conversion rate',
  orders: 'Orders',
};

/** The answer of `shopifyqlQuery`: a table, or parse errors (and no table) like Shopify's. */
export type ShopifyqlAnswer =
  | {
      tableData: {
        columns: { name: string; dataType: string; displayName: string }[];
        rows: Record<string, string | number>[];
      };
      parseErrors: string[];
    }
  | { tableData: null; parseErrors: string[] };

function dateOf(word: string, now: number): string | undefined {
  const lower = word.toLowerCase();
  if (lower === 'today') return new Date(now).toISOString().slice(0, 10);
  if (lower === 'yesterday') return new Date(now - DAY).toISOString().slice(0, 10);
  const relative = /^-(\d{1,4})d$/.exec(lower);
  if (relative) return new Date(now - Number(relative[1]) * DAY).toISOString().slice(0, 10);
  if (/^\d{4}-\d{2}-\d{2}$/.test(word) && !Number.isNaN(Date.parse(`${word}T00:00:00Z`))) return word;
  return undefined;
}

const failed = (...parseErrors: string[]): ShopifyqlAnswer => ({ tableData: null, parseErrors });

/** Runs one ShopifyQL query of the supported subset against the store at clock time `now`. */
export function runShopifyql(
  query: string,
  state: StoreState,
  now: number,
  sessionsPerHour: number,
): ShopifyqlAnswer {
  const m =
    /^\s*FROM\s+(\w+)\s+SHOW\s+(.+?)\s+(TIMESERIES|GROUP\s+BY)\s+(\w+)\s+SINCE\s+(\S+)\s+UNTIL\s+(\S+)\s*$/i.exec(
      query,
    );
  if (!m) {
    return failed(
      'Syntax error: the sandbox answers FROM <schema> SHOW <metrics> TIMESERIES|GROUP BY day SINCE <date> UNTIL <date>',
    );
  }
  const [, schema = '', show = '', grouping = '', dimension = '', since = '', until = ''] = m;
  const metrics = METRICS[schema];
  if (!metrics) return failed(`Table '${schema}' does not exist`);
  if (dimension !== 'day') return failed(`Unsupported dimension '${dimension}': the sandbox groups by day`);
  const names = show.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(n in metrics));
  if (unknown.length > 0)
    return failed(...unknown.map((n) => `Column '${n}' does not exist in table '${schema}'`));
  const from = dateOf(since, now);
  const to = dateOf(until, now);
  if (!from) return failed(`Invalid SINCE value '${since}'`);
  if (!to) return failed(`Invalid UNTIL value '${until}'`);
  if (from > to) return failed(`SINCE ${from} is after UNTIL ${to}`);
  const rows: Record<string, string | number>[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY) {
    const day = new Date(t).toISOString().slice(0, 10);
    const figures = conversionOf(state, day, now, sessionsPerHour);
    if (/^GROUP/i.test(grouping) && figures.sessions === 0 && figures.orders === 0) continue;
    const values: Record<string, number> = {
      sessions: figures.sessions,
      sessions_that_completed_checkout: figures.checkouts,
      conversion_rate: figures.sessions > 0 ? figures.checkouts / figures.sessions : 0,
      orders: figures.orders,
    };
    rows.push({ day, ...Object.fromEntries(names.map((n) => [n, values[n] ?? 0])) });
  }
  return {
    tableData: {
      columns: ['day', ...names].map((name) => ({
        name,
        dataType: name === 'day' ? 'DAY_TIMESTAMP' : (metrics[name] ?? 'INTEGER'),
        displayName: DISPLAY[name] ?? name,
      })),
      rows,
    },
    parseErrors: [],
  };
}
