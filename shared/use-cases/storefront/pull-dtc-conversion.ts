import type { Clock } from '../../clock.ts';
import { dayBefore } from '../../domain/storefront/dtc-conversion.ts';
import type { DtcConversionSource, DtcConversionStore } from './ports.ts';

export interface PullDtcConversionResult {
  readonly from: string;
  readonly until: string;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
}

/**
 * Pulls the last `days` days of the store's sessions, completed checkouts and orders and stores
 * one item per day. Today's figure changes with every run; a closed day settles (it changes only
 * if Shopify revises it). Everything is read and checked before the first write, so a query
 * Shopify cannot parse or a malformed answer fails the run with the stored days untouched.
 *
 * Read-only against Shopify: nothing leaves for the outside world, so no outbox; the stored days
 * carry their pull time and version instead of audit events (measurements, not decisions).
 */
export function makePullDtcConversion(deps: {
  source: DtcConversionSource;
  store: DtcConversionStore;
  clock: Clock;
}) {
  return async (opts: { days: number }): Promise<PullDtcConversionResult> => {
    if (!Number.isInteger(opts.days) || opts.days < 1) {
      throw new RangeError(`days must be a positive integer, not ${opts.days}`);
    }
    const now = deps.clock.now();
    const until = dayBefore(now, 0);
    const from = dayBefore(now, opts.days - 1);
    const days = await deps.source.dailyConversion(from, until);
    const pulledAt = now.toISOString();
    const counts = { created: 0, updated: 0, unchanged: 0 };
    for (const day of days) {
      counts[await deps.store.upsertDay(day, { pulledAt, closed: day.day < until })]++;
    }
    return { from, until, ...counts };
  };
}
