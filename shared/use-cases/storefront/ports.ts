import type { DtcDay, StoredDtcDay } from '../../domain/storefront/dtc-conversion.ts';

/** Where the store's daily conversion figures come from (Shopify's analytics). */
export interface DtcConversionSource {
  /** Every day from `from` to `until` (both `YYYY-MM-DD`, inclusive) Shopify reports. */
  dailyConversion(from: string, until: string): Promise<DtcDay[]>;
}

/** Outcome of storing one day. */
export type DtcDayWrite = 'created' | 'updated' | 'unchanged';

/** One item per store day. */
export interface DtcConversionStore {
  /**
   * Stores the day's figures unless the stored ones are the same or come from a later pull: one
   * conditional write, the day's version counted up on every change.
   */
  upsertDay(day: DtcDay, pull: { pulledAt: string; closed: boolean }): Promise<DtcDayWrite>;
  /** The stored days among `days` (key reads, no scan). */
  getDays(days: readonly string[]): Promise<StoredDtcDay[]>;
}
