/**
 * DTC conversion: of the sessions on the vendor's own Shopify store, how many completed a checkout.
 * Pure: counts are integers, the rate is computed in integer arithmetic and leaves as a decimal
 * string (a fraction, `"0.0312"` for 3.12 %), never a float.
 */

/** One store day as Shopify's analytics report it (the shop's day, `YYYY-MM-DD`). */
export interface DtcDay {
  readonly day: string;
  readonly sessions: number;
  /** Sessions that completed a checkout. */
  readonly checkouts: number;
  /** Orders placed that day (ShopifyQL `sales.orders`). */
  readonly orders: number;
}

/** A stored day: the figures and when they were pulled. */
export interface StoredDtcDay extends DtcDay {
  /** Business time of the pull that wrote these figures. */
  readonly pulledAt: string;
  /** The day was over when it was pulled: later pulls change it only if Shopify revises it. */
  readonly closed: boolean;
  readonly version: number;
}

/** Digits after the point of a rate. */
const RATE_DECIMALS = 4;
const RATE_SCALE = 10n ** BigInt(RATE_DECIMALS);

/**
 * `checkouts / sessions` rounded half up to four decimals, as a string; `null` without sessions
 * (a day nobody visited has no conversion rate, rather than a division by zero).
 */
export function conversionRate(checkouts: number, sessions: number): string | null {
  if (!Number.isSafeInteger(checkouts) || !Number.isSafeInteger(sessions) || checkouts < 0 || sessions < 0) {
    throw new RangeError(
      `conversion counts must be non-negative integers (checkouts ${checkouts}, sessions ${sessions})`,
    );
  }
  if (sessions === 0) return null;
  const s = BigInt(sessions);
  const scaled = (BigInt(checkouts) * RATE_SCALE * 2n + s) / (2n * s);
  const whole = scaled / RATE_SCALE;
  const fraction = (scaled % RATE_SCALE).toString().padStart(RATE_DECIMALS, '0');
  return `${whole}.${fraction}`;
}

/** The UTC day (`YYYY-MM-DD`) `back` days before `now`. */
export function dayBefore(now: Date, back: number): string {
  return new Date(now.getTime() - back * 86_400_000).toISOString().slice(0, 10);
}

/** The `days` days ending with today, oldest first. */
export function lastDays(now: Date, days: number): string[] {
  return Array.from({ length: days }, (_, i) => dayBefore(now, days - 1 - i));
}

export interface DtcConversionKpi {
  /** Days of the period, oldest first; a day never pulled has zeros and `recorded: false`. */
  readonly days: {
    day: string;
    sessions: number;
    checkouts: number;
    orders: number;
    rate: string | null;
    recorded: boolean;
  }[];
  /** The period's totals and its rate (checkouts over sessions of the whole period). */
  readonly total: { sessions: number; checkouts: number; orders: number; rate: string | null };
  readonly periodDays: number;
  /** The latest pull among the period's days; absent when none was pulled yet. */
  readonly pulledAt?: string;
}

/** The console's DTC conversion: per day for the last `periodDays` days (30) and the period total. */
export function dtcConversionKpi(input: {
  days: readonly StoredDtcDay[];
  now: Date;
  periodDays?: number;
}): DtcConversionKpi {
  const periodDays = input.periodDays ?? 30;
  const byDay = new Map(input.days.map((d) => [d.day, d]));
  const total = { sessions: 0, checkouts: 0, orders: 0 };
  let pulledAt: string | undefined;
  const days = lastDays(input.now, periodDays).map((day) => {
    const stored = byDay.get(day);
    if (!stored) return { day, sessions: 0, checkouts: 0, orders: 0, rate: null, recorded: false };
    total.sessions += stored.sessions;
    total.checkouts += stored.checkouts;
    total.orders += stored.orders;
    if (!pulledAt || stored.pulledAt > pulledAt) pulledAt = stored.pulledAt;
    return {
      day,
      sessions: stored.sessions,
      checkouts: stored.checkouts,
      orders: stored.orders,
      rate: conversionRate(stored.checkouts, stored.sessions),
      recorded: true,
    };
  });
  return {
    days,
    total: { ...total, rate: conversionRate(total.checkouts, total.sessions) },
    periodDays,
    ...(pulledAt ? { pulledAt } : {}),
  };
}
