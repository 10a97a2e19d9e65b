/**
 * The DTC-conversion pull, the deployed handler in the local runtime, against the Shopify sandbox
 * over HTTP and dynalite, on the runtime's accelerated clock: the stored days equal what the
 * sandbox's analytics count, today's figure follows the clock, closed days settle, and a query
 * Shopify cannot parse or a malformed answer fails the run with the stored days untouched.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeLogLine } from '#local/runtime/log.ts';
import { DynamoDbDtcConversionStore } from '#shared/aws/dynamodb-dtc-conversion.ts';
import { lastDays, type StoredDtcDay } from '#shared/domain/storefront/dtc-conversion.ts';
import { startTestSystem } from '../support/local-system.ts';

/** One clock hour per real second. */
const SPEED = 3600;
/** The store opens an hour before midnight: by the time the system is up, its first day is closed. */
const VIRTUAL_START = Date.parse('2026-11-28T23:00:00Z');
const SCHEDULE = 'PullDtcConversion/Schedule';

describe('DTC conversion pulled from the Shopify sandbox (local system)', () => {
  let system: Awaited<ReturnType<typeof startTestSystem>>;
  let client: DynamoDBClient;
  let store: DynamoDbDtcConversionStore;
  const logs: RuntimeLogLine[] = [];

  beforeAll(async () => {
    system = await startTestSystem({
      shopifySync: true,
      speed: SPEED,
      virtualStart: VIRTUAL_START,
      log: (line) => logs.push(line),
    });
    client = new DynamoDBClient({
      endpoint: system.runtime.endpoints.dynamodb,
      region: system.runtime.env.AWS_REGION ?? 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    store = new DynamoDbDtcConversionStore({ client, tableName: system.runtime.physicalName('Table') });
  }, 180_000);

  afterAll(async () => {
    client?.destroy();
    await system?.dispose();
  });

  const sleepClock = (hours: number) => system.runtime.clock.sleep(hours * 3_600_000);

  it('stores every day of the last 30 as the sandbox counts it; today follows the clock, closed days settle', async () => {
    const res = await fetch(`${system.shopify.url}/sandbox/inventory`);
    const skus = ((await res.json()) as { items: { sku: string }[] }).items.map((i) => i.sku);
    const sku = skus[0];
    if (!sku) throw new Error('the sandbox sells nothing');
    system.shopify.setAvailable(sku, 500);
    await sleepClock(1);
    for (let i = 0; i < 3; i++) expect(system.shopify.placeOrder([{ sku, quantity: 1 }])).toBeDefined();
    await sleepClock(2);

    const first = await system.runtime.schedules.fireNow(SCHEDULE);
    expect(first.ok, JSON.stringify(first.error)).toBe(true);
    const after = system.runtime.clock.now();
    // The pull's own range: the clock may pass midnight meanwhile.
    const { from, until: today } = first.result as { from: string; until: string };
    const days = await store.getDays(lastDays(new Date(`${today}T12:00:00Z`), 30));
    expect(days).toHaveLength(30);
    expect(days[0]?.day).toBe(from);
    expect(days.filter((d) => !d.closed).map((d) => d.day)).toEqual([today]);
    for (const d of days.filter((x) => x.day < today)) {
      expect(d.closed).toBe(true);
      const { sessions, checkouts, orders } = system.shopify.conversion(d.day);
      expect({ day: d.day, sessions: d.sessions, checkouts: d.checkouts, orders: d.orders }).toEqual({
        day: d.day,
        sessions,
        checkouts,
        orders,
      });
    }
    // The store opened an hour before the first midnight: that day has sessions and is settled.
    expect(days.find((d) => d.day === '2026-11-28')?.sessions).toBeGreaterThan(0);
    const todayStored = days.find((d) => d.day === today) as StoredDtcDay;
    const atPull = system.shopify.conversion(today, new Date(todayStored.pulledAt));
    const atEnd = system.shopify.conversion(today, after);
    expect(todayStored).toMatchObject({ closed: false, checkouts: atEnd.checkouts, orders: atEnd.orders });
    expect(todayStored.checkouts).toBeGreaterThanOrEqual(3);
    // Sessions accrue with the clock while the run is under way.
    expect(todayStored.sessions).toBeGreaterThanOrEqual(atPull.sessions);
    expect(todayStored.sessions).toBeLessThanOrEqual(atEnd.sessions);

    // Two clock hours and an order later: today changes, the closed days stay as they were.
    await sleepClock(2);
    expect(system.shopify.placeOrder([{ sku, quantity: 2 }])).toBeDefined();
    const second = await system.runtime.schedules.fireNow(SCHEDULE);
    expect(second.ok, JSON.stringify(second.error)).toBe(true);
    const { until: newToday } = second.result as { until: string };
    const again = await store.getDays(lastDays(new Date(`${newToday}T12:00:00Z`), 30));
    for (const d of again.filter((x) => x.day < today)) {
      expect(d).toEqual(days.find((x) => x.day === d.day));
    }
    const refreshed = again.find((d) => d.day === newToday) as StoredDtcDay;
    expect(refreshed.pulledAt > todayStored.pulledAt).toBe(true);
    expect(refreshed.checkouts).toBe(system.shopify.conversion(newToday).checkouts);
    if (newToday === today) {
      expect(refreshed.version).toBe(todayStored.version + 1);
      expect(refreshed.checkouts).toBe(todayStored.checkouts + 1);
    }
  }, 120_000);

  it.each([
    ['a query Shopify cannot parse', 'parseError', 'ShopifyqlParseError'],
    ['a malformed answer', 'malformed', 'ShopifyqlAnswerError'],
  ] as const)(
    'fails the run on %s, logs it and leaves the stored days intact',
    async (_name, fault, errorName) => {
      const before = await store.getDays(lastDays(system.runtime.clock.now(), 30));
      expect(before.length).toBeGreaterThan(0);
      await sleepClock(1);
      system.shopify.analyticsFaults[fault] = true;
      try {
        const run = await system.runtime.schedules.fireNow(SCHEDULE);
        expect(run.ok).toBe(false);
        // The runtime reports it as Lambda does: the function failed with the thrown error's type.
        expect(run.error?.message).toContain(`PullDtcConversion failed with ${errorName}`);
        expect(run.error?.message).toContain('FROM sessions SHOW sessions, sessions_that_completed_checkout');
      } finally {
        system.shopify.analyticsFaults[fault] = false;
      }
      expect(await store.getDays(before.map((d) => d.day))).toEqual(before);
      await expect
        .poll(() =>
          logs.some(
            (l) =>
              l.level === 'error' &&
              l.message.includes('DTC conversion pull failed') &&
              JSON.stringify(l.data ?? {}).includes(errorName),
          ),
        )
        .toBe(true);
    },
    60_000,
  );
});
