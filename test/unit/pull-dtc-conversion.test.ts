import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbDtcConversionStore } from '#shared/aws/dynamodb-dtc-conversion.ts';
import { ManualClock } from '#shared/clock.ts';
import type { DtcDay, StoredDtcDay } from '#shared/domain/storefront/dtc-conversion.ts';
import { ShopifyqlParseError } from '#shared/shopify/errors.ts';
import type {
  DtcConversionSource,
  DtcConversionStore,
  DtcDayWrite,
} from '#shared/use-cases/storefront/ports.ts';
import { makePullDtcConversion } from '#shared/use-cases/storefront/pull-dtc-conversion.ts';

/** The store's rules in memory: a day changes only when its figures differ and no later pull wrote it. */
class InMemoryDtcStore implements DtcConversionStore {
  readonly days = new Map<string, StoredDtcDay>();
  async upsertDay(day: DtcDay, pull: { pulledAt: string; closed: boolean }): Promise<DtcDayWrite> {
    const old = this.days.get(day.day);
    if (
      old &&
      (old.pulledAt > pull.pulledAt ||
        (old.sessions === day.sessions &&
          old.checkouts === day.checkouts &&
          old.orders === day.orders &&
          old.closed === pull.closed))
    )
      return 'unchanged';
    this.days.set(day.day, { ...day, ...pull, version: (old?.version ?? 0) + 1 });
    return old ? 'updated' : 'created';
  }
  async getDays(days: readonly string[]) {
    return days.flatMap((d) => (this.days.has(d) ? [this.days.get(d) as StoredDtcDay] : []));
  }
}

describe('makePullDtcConversion', () => {
  let clock: ManualClock;
  let store: InMemoryDtcStore;
  let figures: Map<string, DtcDay>;
  let asked: { from: string; until: string }[];
  const source: DtcConversionSource = {
    dailyConversion: async (from, until) => {
      asked.push({ from, until });
      return [...figures.values()].filter((d) => d.day >= from && d.day <= until);
    },
  };
  beforeEach(() => {
    clock = new ManualClock('2026-11-30T10:00:00Z');
    store = new InMemoryDtcStore();
    asked = [];
    figures = new Map(
      [
        { day: '2026-11-28', sessions: 90, checkouts: 2, orders: 2 },
        { day: '2026-11-29', sessions: 110, checkouts: 3, orders: 3 },
        { day: '2026-11-30', sessions: 40, checkouts: 1, orders: 1 },
      ].map((d) => [d.day, d]),
    );
  });

  it('asks for the last N days up to today and stores one item per day, closing the past ones', async () => {
    const pull = makePullDtcConversion({ source, store, clock });
    const result = await pull({ days: 3 });
    expect(asked).toEqual([{ from: '2026-11-28', until: '2026-11-30' }]);
    expect(result).toEqual({ from: '2026-11-28', until: '2026-11-30', created: 3, updated: 0, unchanged: 0 });
    expect(store.days.get('2026-11-29')).toEqual({
      day: '2026-11-29',
      sessions: 110,
      checkouts: 3,
      orders: 3,
      pulledAt: '2026-11-30T10:00:00.000Z',
      closed: true,
      version: 1,
    });
    expect(store.days.get('2026-11-30')?.closed).toBe(false);
  });

  it('refreshes today on the next run and leaves the settled days alone', async () => {
    const pull = makePullDtcConversion({ source, store, clock });
    await pull({ days: 3 });
    clock.advance(3_600_000);
    figures.set('2026-11-30', { day: '2026-11-30', sessions: 75, checkouts: 2, orders: 2 });
    const result = await pull({ days: 3 });
    expect(result).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    expect(store.days.get('2026-11-30')).toMatchObject({
      sessions: 75,
      version: 2,
      pulledAt: '2026-11-30T11:00:00.000Z',
    });
    expect(store.days.get('2026-11-28')?.version).toBe(1);
  });

  it('closes today once the day is over', async () => {
    const pull = makePullDtcConversion({ source, store, clock });
    await pull({ days: 1 });
    clock.set('2026-12-01T00:30:00Z');
    await pull({ days: 2 });
    expect(store.days.get('2026-11-30')).toMatchObject({ closed: true, version: 2 });
  });

  it('fails the run and writes nothing when Shopify cannot parse the query', async () => {
    await makePullDtcConversion({ source, store, clock })({ days: 3 });
    const before = structuredClone([...store.days.entries()]);
    const broken: DtcConversionSource = {
      dailyConversion: async () => {
        throw new ShopifyqlParseError('FROM sessions SHOW x', ["Column 'x' does not exist"]);
      },
    };
    clock.advance(3_600_000);
    await expect(makePullDtcConversion({ source: broken, store, clock })({ days: 3 })).rejects.toBeInstanceOf(
      ShopifyqlParseError,
    );
    expect([...store.days.entries()]).toEqual(before);
  });

  it('refuses a non-positive number of days', async () => {
    await expect(makePullDtcConversion({ source, store, clock })({ days: 0 })).rejects.toThrow(
      /days must be/,
    );
  });
});

describe('DynamoDbDtcConversionStore', () => {
  const ddb = mockClient(DynamoDBClient);
  const store = new DynamoDbDtcConversionStore({ client: new DynamoDBClient({}), tableName: 'T' });
  beforeEach(() => ddb.reset());
  const day = { day: '2026-11-30', sessions: 40, checkouts: 1, orders: 1 };

  it('writes a day with one conditional update on its own key, counting the version up', async () => {
    ddb.on(UpdateItemCommand).resolves({});
    expect(await store.upsertDay(day, { pulledAt: '2026-11-30T10:00:00.000Z', closed: false })).toBe(
      'created',
    );
    const input = ddb.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(input?.Key).toEqual({ pk: { S: 'DTC#2026-11-30' }, sk: { S: 'DTC' } });
    expect(input?.ConditionExpression).toContain('attribute_not_exists(pk)');
    expect(input?.ConditionExpression).toContain('#pulledAt <= :pulledAt');
    expect(input?.UpdateExpression).toContain('#version = if_not_exists(#version, :zero) + :one');
    expect(input?.ExpressionAttributeValues?.[':sessions']).toEqual({ N: '40' });
  });

  it('reports an update when the day existed and unchanged when the condition fails', async () => {
    ddb
      .on(UpdateItemCommand)
      .resolvesOnce({ Attributes: { version: { N: '1' } } })
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    const pull = { pulledAt: '2026-11-30T11:00:00.000Z', closed: false };
    expect(await store.upsertDay(day, pull)).toBe('updated');
    expect(await store.upsertDay(day, pull)).toBe('unchanged');
  });

  it('reads days by key and refuses a hand-edited item', async () => {
    ddb.on(BatchGetItemCommand).resolvesOnce({
      Responses: {
        T: [
          {
            pk: { S: 'DTC#2026-11-30' },
            day: { S: '2026-11-30' },
            sessions: { N: '40' },
            checkouts: { N: '1' },
            orders: { N: '1' },
            pulledAt: { S: '2026-11-30T10:00:00.000Z' },
            closed: { BOOL: false },
            version: { N: '2' },
          },
        ],
      },
    });
    expect(await store.getDays(['2026-11-30', '2026-11-29'])).toEqual([
      { ...day, pulledAt: '2026-11-30T10:00:00.000Z', closed: false, version: 2 },
    ]);
    expect(ddb.commandCalls(BatchGetItemCommand)[0]?.args[0].input.RequestItems?.T?.Keys).toEqual([
      { pk: { S: 'DTC#2026-11-30' }, sk: { S: 'DTC' } },
      { pk: { S: 'DTC#2026-11-29' }, sk: { S: 'DTC' } },
    ]);
    ddb
      .on(BatchGetItemCommand)
      .resolvesOnce({ Responses: { T: [{ day: { S: 'x' }, sessions: { N: '-1' } }] } });
    await expect(store.getDays(['2026-11-30'])).rejects.toThrow();
  });
});
