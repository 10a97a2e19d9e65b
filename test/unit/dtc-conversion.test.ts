import { describe, expect, it } from 'vitest';
import {
  conversionRate,
  dtcConversionKpi,
  lastDays,
  type StoredDtcDay,
} from '#shared/domain/storefront/dtc-conversion.ts';

const NOW = new Date('2026-11-30T15:00:00Z');
const stored = (
  day: string,
  sessions: number,
  checkouts: number,
  pulledAt = '2026-11-30T14:00:00.000Z',
): StoredDtcDay => ({
  day,
  sessions,
  checkouts,
  orders: checkouts,
  pulledAt,
  closed: day < '2026-11-30',
  version: 1,
});

describe('conversionRate', () => {
  it('divides checkouts by sessions to four decimals, rounding half up', () => {
    expect(conversionRate(3, 96)).toBe('0.0313'); // 0.03125
    expect(conversionRate(1, 3)).toBe('0.3333');
    expect(conversionRate(2, 3)).toBe('0.6667');
    expect(conversionRate(0, 40)).toBe('0.0000');
    expect(conversionRate(40, 40)).toBe('1.0000');
  });

  it('has no rate for a day without sessions rather than a division by zero', () => {
    expect(conversionRate(0, 0)).toBeNull();
    expect(conversionRate(2, 0)).toBeNull();
  });

  it('stays exact for counts a float would round', () => {
    expect(conversionRate(1, 9_007_199_254_740_991)).toBe('0.0000');
    expect(conversionRate(4_503_599_627_370_496, 9_007_199_254_740_991)).toBe('0.5000');
  });

  it('refuses counts that are not non-negative integers', () => {
    expect(() => conversionRate(-1, 10)).toThrow(RangeError);
    expect(() => conversionRate(1.5, 10)).toThrow(/non-negative integers/);
  });
});

describe('dtcConversionKpi', () => {
  it('lists every day of the period oldest first, with zeros and no rate for days never pulled', () => {
    const k = dtcConversionKpi({ days: [stored('2026-11-29', 200, 5)], now: NOW, periodDays: 3 });
    expect(k.days).toEqual([
      { day: '2026-11-28', sessions: 0, checkouts: 0, orders: 0, rate: null, recorded: false },
      { day: '2026-11-29', sessions: 200, checkouts: 5, orders: 5, rate: '0.0250', recorded: true },
      { day: '2026-11-30', sessions: 0, checkouts: 0, orders: 0, rate: null, recorded: false },
    ]);
    expect(k.periodDays).toBe(3);
  });

  it('rates the period as its checkouts over its sessions, not as the mean of the daily rates', () => {
    const k = dtcConversionKpi({
      days: [
        stored('2026-11-29', 100, 10, '2026-11-30T01:00:00.000Z'),
        stored('2026-11-30', 300, 3, '2026-11-30T14:00:00.000Z'),
      ],
      now: NOW,
      periodDays: 30,
    });
    // 13 / 400 = 0.0325; the mean of 10 % and 1 % would be 5.5 %.
    expect(k.total).toEqual({ sessions: 400, checkouts: 13, orders: 13, rate: '0.0325' });
    expect(k.days).toHaveLength(30);
    expect(k.pulledAt).toBe('2026-11-30T14:00:00.000Z');
  });

  it('keeps a recorded day with zero sessions as a real zero day without a rate', () => {
    const k = dtcConversionKpi({ days: [stored('2026-11-30', 0, 0)], now: NOW, periodDays: 1 });
    expect(k.days).toEqual([
      { day: '2026-11-30', sessions: 0, checkouts: 0, orders: 0, rate: null, recorded: true },
    ]);
    expect(k.total.rate).toBeNull();
  });

  it('ignores stored days outside the period', () => {
    const k = dtcConversionKpi({ days: [stored('2026-10-01', 1000, 900)], now: NOW, periodDays: 30 });
    expect(k.total).toEqual({ sessions: 0, checkouts: 0, orders: 0, rate: null });
    expect(k.pulledAt).toBeUndefined();
  });
});

describe('lastDays', () => {
  it('names the UTC days ending today', () => {
    expect(lastDays(new Date('2026-03-01T00:30:00Z'), 3)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });
});
