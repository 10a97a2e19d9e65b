import { DynamoDBClient, PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbArchiveSource } from '#shared/aws/dynamodb-archive-source.ts';
import {
  DynamoDbInventoryStore,
  STOCK_CHANGE_SHARDS,
  stockChangeShard,
} from '#shared/aws/dynamodb-inventory.ts';
import { DATASETS } from '#shared/domain/archive/datasets.ts';
import { datasetObjectKey } from '#shared/domain/archive/layout.ts';
import { inventorySnapshotRows } from '#shared/domain/archive/rows.ts';
import {
  type AllocationRules,
  DEFAULT_ALLOCATION_RULES,
  type InventoryRecord,
} from '#shared/domain/inventory/allocation.ts';
import type { SourceRecord } from '#shared/use-cases/archive/ports.ts';

const ddb = mockClient(DynamoDBClient);

/**
 * 42 on hand over two locations; PO-1 reserved 10 and shipped 4 of them after the counts, PO-2
 * reserved 10; Shopify: one order of 3 with 1 refunded, one cancelled order of 5, one unseen
 * sale, 5 shown.
 */
const record: InventoryRecord = {
  sku: 'MUG-RED',
  revision: 7,
  locations: {
    'WH-1': { onHand: 30, asOf: '2026-11-24T06:00:00.000Z' },
    'WH-2': { onHand: 12, asOf: '2026-11-24T07:00:00.000Z' },
  },
  amazon: {
    'PO-1': {
      quantity: 10,
      at: '2026-11-24T05:00:00.000Z',
      shipped: { 'SHIP-1': { quantity: 4, at: '2026-11-24T07:30:00.000Z' } },
    },
    'PO-2': { quantity: 10, at: '2026-11-24T05:10:00.000Z' },
  },
  shopify: {
    orders: {
      'ORDER-1': { quantity: 3, at: '2026-11-24T05:20:00.000Z', refunds: { 'REFUND-1': 1 } },
      'ORDER-2': { quantity: 5, at: '2026-11-24T05:30:00.000Z', refunds: {}, cancelled: true },
    },
    exposed: 5,
    unseen: 1,
    item: { inventoryItemId: 'gid://shopify/InventoryItem/1', locationId: 'gid://shopify/Location/1' },
    lastSyncAt: '2026-11-24T07:40:00.000Z',
    drift: -2,
    driftAt: '2026-11-24T07:45:00.000Z',
    lease: { owner: 'worker-1', until: '2026-11-24T08:05:00.000Z' },
  },
  updatedAt: '2026-11-24T08:15:00.000Z',
};

const item = (value: unknown) => ({
  pk: 'STOCK#MUG-RED',
  sk: 'STOCK',
  record: typeof value === 'string' ? value : JSON.stringify(value),
});

describe('inventorySnapshotRows', () => {
  it('maps a revision to one row on the day it was written, with the allocation’s figures', () => {
    const result = inventorySnapshotRows(item(record), DEFAULT_ALLOCATION_RULES);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.rows).toHaveLength(1);
    const [row] = result.rows;
    expect(row?.dataset).toBe('inventory_snapshots');
    expect(row?.partition).toEqual({ dt: '2026-11-24' });
    expect(datasetObjectKey(DATASETS.inventory_snapshots, row!.partition, '2026-11-24T08')).toBe(
      'datasets/inventory_snapshots/dt=2026-11-24/2026-11-24T08.parquet',
    );
    // By hand, default rules (no safety stock, Shopify up to 30 % of 42 = 12, Amazon first):
    // held 6 + 4 = 20, committed 2, unseen 1 → free 19; Shopify's room 12 − 3 = 9;
    // Amazon may take 19 − 5 shown = 14; nothing idle.
    expect(row?.row).toEqual({
      sku: 'MUG-RED',
      revision: 7,
      updated_at: new Date('2026-11-24T08:15:00.000Z'),
      on_hand: 42n,
      location_count: 2,
      locations_json: JSON.stringify(record.locations),
      counted_at: new Date('2026-11-24T06:00:00.000Z'),
      safety_stock: 0,
      amazon_reserved: 16n,
      amazon_shipped: 4n,
      amazon_po_count: 2,
      shopify_committed: 2n,
      shopify_unseen: 1n,
      shopify_exposed: 5n,
      shopify_raising: null,
      amazon_available: 14n,
      shopify_available: 9n,
      idle: 0n,
      drift: -2n,
      drift_at: new Date('2026-11-24T07:45:00.000Z'),
      last_sync_at: new Date('2026-11-24T07:40:00.000Z'),
    });
  });

  it('derives the available figures under the configured rules', () => {
    const rules: AllocationRules = { ...DEFAULT_ALLOCATION_RULES, safetyStock: 2 };
    const result = inventorySnapshotRows(item(record), rules);
    if (!result.ok) throw new Error(result.reason);
    // Sellable 40: free 17; Shopify's room floor(0.3 × 40) − 3 = 9; Amazon 17 − 5 = 12.
    expect(result.rows[0]?.row).toMatchObject({
      safety_stock: 2,
      amazon_available: 12n,
      shopify_available: 9n,
      idle: 0n,
    });
  });

  it('keeps the Shopify item id and the lease owner out', () => {
    const result = inventorySnapshotRows(item(record), DEFAULT_ALLOCATION_RULES);
    const text = JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    expect(text).not.toContain('gid://shopify');
    expect(text).not.toContain('worker-1');
  });

  it('quarantines an item whose record is not JSON', () => {
    expect(inventorySnapshotRows(item('{"sku": "MUG'), DEFAULT_ALLOCATION_RULES)).toEqual({
      ok: false,
      dataset: 'inventory_snapshots',
      reason: 'record: not JSON',
    });
  });

  it('quarantines a record without a SKU, or with an empty one, naming the field', () => {
    const { sku: _gone, ...noSku } = record;
    expect(inventorySnapshotRows(item(noSku), DEFAULT_ALLOCATION_RULES)).toEqual({
      ok: false,
      dataset: 'inventory_snapshots',
      reason: expect.stringMatching(/^record\.sku: /),
    });
    expect(inventorySnapshotRows(item({ ...record, sku: '' }), DEFAULT_ALLOCATION_RULES)).toEqual({
      ok: false,
      dataset: 'inventory_snapshots',
      reason: 'record.sku: required, empty',
    });
  });

  it('quarantines an item without its record, and a count that is not whole', () => {
    expect(inventorySnapshotRows({ pk: 'STOCK#X', sk: 'STOCK' }, DEFAULT_ALLOCATION_RULES)).toEqual({
      ok: false,
      dataset: 'inventory_snapshots',
      reason: expect.stringMatching(/^record: /),
    });
    const fractional = {
      ...record,
      locations: { 'WH-1': { onHand: 2.5, asOf: '2026-11-24T06:00:00.000Z' } },
    };
    expect(inventorySnapshotRows(item(fractional), DEFAULT_ALLOCATION_RULES)).toEqual({
      ok: false,
      dataset: 'inventory_snapshots',
      reason: expect.stringMatching(/on_hand: expected an integer, got 2\.5/),
    });
  });

  it('quarantines a record whose change time is not an instant', () => {
    expect(
      inventorySnapshotRows(item({ ...record, updatedAt: 'yesterday' }), DEFAULT_ALLOCATION_RULES),
    ).toEqual({
      ok: false,
      dataset: 'inventory_snapshots',
      reason: expect.stringContaining('yesterday'),
    });
  });
});

describe('the change index of stock positions', () => {
  const client = new DynamoDBClient({});

  beforeEach(() => {
    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(PutItemCommand).resolves({});
  });

  it('puts every write of a SKU under its day’s shard, sorted by the change time', async () => {
    const store = new DynamoDbInventoryStore({ client, tableName: 'T' });
    expect(await store.write(record)).toBe('written');
    const put = ddb.commandCalls(PutItemCommand)[0]!.args[0].input;
    expect(put.Item).toMatchObject({
      pk: { S: 'STOCK#MUG-RED' },
      sk: { S: 'STOCK' },
      type: { S: 'StockPosition' },
      gsi1pk: { S: 'INVENTORY' },
      gsi1sk: { S: 'MUG-RED' },
      gsi2pk: { S: `STOCKCHANGE#2026-11-24#${stockChangeShard('MUG-RED')}` },
      gsi2sk: { S: '2026-11-24T08:15:00.000Z#MUG-RED' },
    });
    expect(put.ConditionExpression).toBe('revision = :previous');
  });

  it('spreads SKUs over the shards with a stable hash', () => {
    const skus = Array.from({ length: 200 }, (_, i) => `SKU-${i}`);
    const shards = skus.map(stockChangeShard);
    expect(new Set(shards)).toEqual(new Set(Array.from({ length: STOCK_CHANGE_SHARDS }, (_, i) => i)));
    for (const count of Array.from(
      { length: STOCK_CHANGE_SHARDS },
      (_, s) => shards.filter((x) => x === s).length,
    )) {
      expect(count).toBeGreaterThan(200 / STOCK_CHANGE_SHARDS / 2);
    }
    expect(skus.map(stockChangeShard)).toEqual(shards);
  });

  it('is read back by the archive source one hour and shard at a time from gsi2, never scanning', async () => {
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': { S: 'STOCKCHANGE#2026-11-24#2' } } }, false)
      .resolves({ Items: [{ pk: { S: 'STOCK#MUG-RED' }, sk: { S: 'STOCK' }, revision: { N: '7' } }] });
    const source = new DynamoDbArchiveSource({ client, tableName: 'T' });

    const records: SourceRecord[] = [];
    for await (const r of source.inventorySnapshots('2026-11-24T08')) records.push(r);

    expect(records).toEqual([
      { source: 'STOCK#MUG-RED|STOCK', item: { pk: 'STOCK#MUG-RED', sk: 'STOCK', revision: 7 } },
    ]);
    const calls = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.ExpressionAttributeValues?.[':pk']?.S)).toEqual(
      Array.from({ length: STOCK_CHANGE_SHARDS }, (_, shard) => `STOCKCHANGE#2026-11-24#${shard}`),
    );
    for (const call of calls) {
      expect(call).toMatchObject({
        IndexName: 'gsi2',
        ExpressionAttributeNames: { '#pk': 'gsi2pk', '#sk': 'gsi2sk' },
        ExpressionAttributeValues: { ':sk0': { S: '2026-11-24T08' }, ':sk1': { S: '2026-11-24T08\uffff' } },
      });
    }
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });
});
