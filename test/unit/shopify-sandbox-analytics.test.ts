import { describe, expect, it } from 'vitest';
import { browsingSessions, conversionOf, runShopifyql } from '#local/shopify-sandbox/analytics.ts';
import { newStore, placeOrder, type StoreState } from '#local/shopify-sandbox/store.ts';

const OPENED = '2026-11-29T22:00:00.000Z';
const NOW = Date.parse('2026-11-30T03:30:00Z');

function store(): StoreState {
  const state = newStore(['PAN'], OPENED);
  const level = Object.values(state.levels)[0];
  if (level) level.available = 100;
  placeOrder(state, [{ sku: 'PAN', quantity: 1 }], '2026-11-29T23:10:00.000Z');
  placeOrder(state, [{ sku: 'PAN', quantity: 2 }], '2026-11-30T01:00:00.000Z');
  placeOrder(state, [{ sku: 'PAN', quantity: 1 }], '2026-11-30T02:45:00.000Z');
  return state;
}

describe('the Shopify sandbox analytics', () => {
  it('counts each order as a completed checkout of its day and browsing sessions only while open and past', () => {
    const state = store();
    const yesterday = conversionOf(state, '2026-11-29', NOW, 100);
    expect(yesterday.checkouts).toBe(1);
    expect(yesterday.sessions).toBe(
      1 +
        browsingSessions(Date.parse(OPENED) / 3_600_000, 100) +
        browsingSessions(Date.parse(OPENED) / 3_600_000 + 1, 100),
    );
    const today = conversionOf(state, '2026-11-30', NOW, 100);
    expect(today).toMatchObject({ checkouts: 2, orders: 2 });
    // Three full hours and half of the fourth.
    const first = Date.parse('2026-11-30T00:00:00Z') / 3_600_000;
    const browsing =
      browsingSessions(first, 100) +
      browsingSessions(first + 1, 100) +
      browsingSessions(first + 2, 100) +
      Math.floor(browsingSessions(first + 3, 100) / 2);
    expect(today.sessions).toBe(browsing + 2);
    expect(conversionOf(state, '2026-11-28', NOW, 100)).toEqual({ sessions: 0, checkouts: 0, orders: 0 });
    // The same hour always has the same sessions, within ±25 % of the rate.
    expect(browsingSessions(first, 100)).toBe(browsingSessions(first, 100));
    for (let h = 0; h < 50; h++) {
      expect(browsingSessions(first + h, 100)).toBeGreaterThanOrEqual(75);
      expect(browsingSessions(first + h, 100)).toBeLessThan(125);
    }
  });

  it('answers a daily TIMESERIES with every day, and GROUP BY day with the days that have data', () => {
    const state = store();
    const series = runShopifyql(
      'FROM sessions SHOW sessions, sessions_that_completed_checkout TIMESERIES day SINCE 2026-11-28 UNTIL today',
      state,
      NOW,
      100,
    );
    expect(series.parseErrors).toEqual([]);
    expect(series.tableData?.columns.map((c) => c.name)).toEqual([
      'day',
      'sessions',
      'sessions_that_completed_checkout',
    ]);
    expect(series.tableData?.rows.map((r) => [r.day, r.sessions_that_completed_checkout])).toEqual([
      ['2026-11-28', 0],
      ['2026-11-29', 1],
      ['2026-11-30', 2],
    ]);
    const grouped = runShopifyql(
      'FROM sales SHOW orders GROUP BY day SINCE -2d UNTIL today',
      state,
      NOW,
      100,
    );
    expect(grouped.tableData?.rows).toEqual([
      { day: '2026-11-29', orders: 1 },
      { day: '2026-11-30', orders: 2 },
    ]);
  });

  it.each([
    ['SELECT sessions FROM sessions', /Syntax error/],
    ['FROM visits SHOW sessions TIMESERIES day SINCE today UNTIL today', /Table 'visits' does not exist/],
    [
      'FROM sessions SHOW orders TIMESERIES day SINCE today UNTIL today',
      /Column 'orders' does not exist in table 'sessions'/,
    ],
    ['FROM sessions SHOW sessions TIMESERIES week SINCE today UNTIL today', /Unsupported dimension 'week'/],
    [
      'FROM sessions SHOW sessions TIMESERIES day SINCE 2026-13-01 UNTIL today',
      /Invalid SINCE value '2026-13-01'/,
    ],
    ['FROM sessions SHOW sessions TIMESERIES day SINCE today UNTIL -2d', /is after UNTIL/],
  ])('answers %s with parse errors and no table, like Shopify', (query, message) => {
    const answer = runShopifyql(query, store(), NOW, 100);
    expect(answer.tableData).toBeNull();
    expect(answer.parseErrors.join(' ')).toMatch(message);
  });
});
