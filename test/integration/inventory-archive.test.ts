import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ArchiveDatabase } from '#local/analytics/duckdb-archive.ts';
import { DynamoDbInventoryStore, inventoryKeys, stockChangeShard } from '#shared/aws/dynamodb-inventory.ts';
import {
  applyOrder,
  applyPosition,
  DEFAULT_ALLOCATION_RULES,
  type InventoryRecord,
  pushed,
  reserveForPurchaseOrder,
} from '#shared/domain/inventory/allocation.ts';
import type { ExportSummary } from '#shared/use-cases/archive/export-archive.ts';
import { mutate } from '#shared/use-cases/inventory/mutate.ts';
import {
  exportCompletedHours,
  type NamedQueryRunner,
  openNamedQueries,
  plain,
} from '../support/archive-queries.ts';
import { startTestSystem } from '../support/local-system.ts';

// Stock positions written through the real DynamoDbInventoryStore (the inventory use cases' own
// mutate and domain changes) over two hours that fall on two UTC days, the hourly export fired
// after each, one hand-broken item quarantined, and the named queries stock_position_at and
// oversell_exposure run with DuckDB over the archive; every answer checked against figures kept
// here from the changes made.

type System = Awaited<ReturnType<typeof startTestSystem>>;

const HOUR = 3_600_000;
const DAY = 86_400_000;
const SKUS = ['ITEST-0', 'ITEST-1', 'ITEST-2', 'ITEST-3', 'ITEST-4'];
const BROKEN = 'ITEST-BROKEN';

/** What the test did to one SKU, as plain numbers (default rules: no safety stock). */
interface Position {
  revision: number;
  updatedAt: string;
  locations: Record<string, number>;
  reserved: number;
  committed: number;
  exposed: number;
}

const onHand = (p: Position) => Object.values(p.locations).reduce((s, n) => s + n, 0);
/** Eaches promised beyond the sellable units. */
const overCommitted = (p: Position) => Math.max(0, p.reserved + p.committed + p.exposed - onHand(p));

describe('the inventory_snapshots dataset in the archive, queried with DuckDB', () => {
  let system: System;
  let db: ArchiveDatabase;
  let run: NamedQueryRunner;
  const exports: ExportSummary[] = [];
  /** Each SKU's position at the end of the first day, and at the end. */
  const firstDay = new Map<string, Position>();
  const latest = new Map<string, Position>();
  /** The stock the local system seeded from the ERP file (first day): on hand per SKU. */
  const seeded = new Map<string, { revision: number; onHand: number }>();
  let day1 = '';
  let day2 = '';
  let secondHour = '';

  beforeAll(async () => {
    // 23:20 UTC two days ago: the first hour's changes fall on one day, the next hour's on the next.
    const today = Date.now() - (Date.now() % DAY);
    system = await startTestSystem({
      speed: 120,
      virtualStart: today - 2 * DAY + 23 * HOUR + 20 * 60_000,
      poGeneration: { backlog: 0, perHour: 0 },
    });
    const clock = system.runtime.clock;
    day1 = new Date(today - 2 * DAY).toISOString().slice(0, 10);
    day2 = new Date(today - DAY).toISOString().slice(0, 10);
    const client = new DynamoDBClient({
      endpoint: system.runtime.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const tableName = system.runtime.physicalName('Table');
    const store = new DynamoDbInventoryStore({ client, tableName });

    // The ERP's stock file the local system drops at start is imported first.
    await vi.waitFor(
      () => {
        const ok = system.runtime.invocations().filter((i) => i.functionId === 'ImportInboxFile' && i.ok);
        if (ok.length < 2) throw new Error('vendor files still importing');
      },
      { timeout: 60_000, interval: 200 },
    );

    const positions = new Map<string, Position>();
    /** One write through the store: the domain change, and what it means in the test's numbers. */
    const change = async (
      sku: string,
      apply: (record: InventoryRecord, at: string) => InventoryRecord | undefined,
      book: (p: Position) => void,
    ) => {
      const at = clock.now().toISOString();
      const { record, written } = await mutate(store, sku, (r) => {
        const next = apply(r, at);
        return next ? { next, result: undefined } : { result: undefined };
      });
      expect(written).toBe(true);
      const p = positions.get(sku) ?? {
        revision: 0,
        updatedAt: at,
        locations: {},
        reserved: 0,
        committed: 0,
        exposed: 0,
      };
      book(p);
      p.revision = record.revision;
      p.updatedAt = record.updatedAt;
      positions.set(sku, p);
    };
    const count = (location: string, quantity: number) => ({
      apply: (r: InventoryRecord, at: string) =>
        applyPosition(r, { sku: r.sku, location, onHand: quantity, asOf: at }, at).next,
      book: (p: Position) => {
        p.locations[location] = quantity;
      },
    });

    // First hour (day 1): a count per SKU, then a PO reservation; the last SKU a second location.
    for (const [i, sku] of SKUS.entries()) {
      const c = count('WH-1', 20 + 5 * i);
      await change(sku, c.apply, c.book);
      await change(
        sku,
        (r, at) => {
          const reserved = reserveForPurchaseOrder(r, DEFAULT_ALLOCATION_RULES, `PO-${i}`, 3 + i, at);
          return reserved.outcome === 'reserved' ? reserved.next : undefined;
        },
        (p) => {
          p.reserved += 3 + i;
        },
      );
    }
    const wh2 = count('WH-2', 7);
    await change('ITEST-4', wh2.apply, wh2.book);
    for (const [sku, p] of positions) firstDay.set(sku, structuredClone(p));

    for (const record of (await store.list({ limit: 1000 })).items) {
      if (SKUS.includes(record.sku)) continue;
      expect(record.updatedAt.slice(0, 10)).toBe(day1);
      seeded.set(record.sku, {
        revision: record.revision,
        onHand: Object.values(record.locations).reduce((s, l) => s + Math.max(0, l.onHand), 0),
      });
    }
    expect(seeded.size).toBeGreaterThan(0);

    // Past the first hour and its five minutes of settling: the export takes it (and the day before).
    exports.push(await exportCompletedHours(system));

    // Second hour (day 2): Shopify orders on three SKUs, a push to Shopify, a count that falls
    // below what is promised; and one item a person broke by hand.
    secondHour = clock.now().toISOString().slice(0, 13);
    expect(secondHour.slice(0, 10)).toBe(day2);
    for (const [i, sku] of SKUS.slice(0, 3).entries()) {
      await change(
        sku,
        (r, at) => applyOrder(r, { orderId: `ORDER-${i}`, updatedAt: at, quantity: 2, cancelled: false }, at),
        (p) => {
          p.committed += 2;
          p.exposed = Math.max(0, p.exposed - 2);
        },
      );
    }
    await change(
      'ITEST-0',
      (r, at) => pushed(r, 4, at),
      (p) => {
        p.exposed = 4;
      },
    );
    const short = count('WH-1', 3);
    await change('ITEST-2', short.apply, short.book);
    const brokenAt = clock.now().toISOString();
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          pk: { S: `STOCK#${BROKEN}` },
          sk: { S: 'STOCK' },
          type: { S: 'StockPosition' },
          revision: { N: '1' },
          record: { S: `{"sku":"${BROKEN}","revision":1,` },
          gsi2pk: { S: inventoryKeys.changedPk(brokenAt.slice(0, 10), stockChangeShard(BROKEN)) },
          gsi2sk: { S: inventoryKeys.changedSk({ sku: BROKEN, updatedAt: brokenAt }) },
        },
      }),
    );
    for (const [sku, p] of positions) latest.set(sku, p);
    client.destroy();

    exports.push(await exportCompletedHours(system));

    ({ db, run } = await openNamedQueries(system));
  }, 240_000);

  afterAll(async () => {
    db?.close();
    await system?.dispose();
  });

  it('exports the revision each SKU had at each export, and quarantines the broken item with the reason', () => {
    const [first, second] = exports;
    expect(first?.rows.inventory_snapshots).toBe(SKUS.length + seeded.size);
    expect(first?.quarantined).toBe(0);
    expect(second?.hours).toEqual([secondHour]);
    expect(second?.rows.inventory_snapshots).toBe(3);
    expect(second?.quarantined).toBe(1);

    const key = `quarantine/inventory_snapshots/dt=${day2}/${secondHour}.ndjson`;
    const lines = readFileSync(join(system.archive.dir, key), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const rejected = JSON.parse(lines[0]!) as { reason: string; source: string; item: { pk: string } };
    expect(rejected.source).toBe(`STOCK#${BROKEN}|STOCK`);
    expect(rejected.reason).toBe('record: not JSON');
    expect(rejected.item.pk).toBe(`STOCK#${BROKEN}`);
  });

  it('keeps every exported revision, partitioned by the day of the change', async () => {
    const rows = await run('stock_position_at', [day2]);
    expect(rows.some((r) => r.sku === BROKEN)).toBe(false);
    const all = plain(
      await db.query(
        "SELECT sku, revision, dt FROM inventory_snapshots WHERE sku LIKE 'ITEST-%' ORDER BY sku, revision",
      ),
    );
    expect(all).toEqual(
      [
        ...SKUS.map((sku) => ({ sku, revision: firstDay.get(sku)!.revision, dt: day1 })),
        ...SKUS.slice(0, 3).map((sku) => ({ sku, revision: latest.get(sku)!.revision, dt: day2 })),
      ].sort((a, b) => a.sku.localeCompare(b.sku) || a.revision - b.revision),
    );
  });

  const expectPositions = (rows: Record<string, unknown>[], positions: Map<string, Position>) => {
    const bySku = new Map(rows.map((r) => [String(r.sku), r]));
    expect(bySku.size).toBe(SKUS.length + seeded.size);
    for (const [sku, p] of positions) {
      const free = Math.max(0, onHand(p) - p.reserved - p.committed);
      expect(bySku.get(sku), sku).toEqual({
        sku,
        revision: p.revision,
        updated_at: p.updatedAt,
        on_hand: onHand(p),
        amazon_reserved: p.reserved,
        amazon_shipped: 0,
        shopify_committed: p.committed,
        shopify_unseen: 0,
        shopify_exposed: p.exposed,
        // Default rules: Amazon first without a cap; Shopify up to 30 % of the sellable units.
        amazon_available: Math.max(0, free - p.exposed),
        shopify_available: Math.max(0, Math.min(Math.floor(0.3 * onHand(p)) - p.committed, free)),
        drift: null,
        over_committed: overCommitted(p),
      });
    }
    for (const [sku, s] of seeded) {
      expect(bySku.get(sku), sku).toMatchObject({
        revision: s.revision,
        on_hand: s.onHand,
        amazon_reserved: 0,
        over_committed: 0,
      });
    }
  };

  it('answers stock_position_at for the first day with the positions written that day', async () => {
    expectPositions(await run('stock_position_at', [day1]), firstDay);
  });

  it('answers stock_position_at for the next day with the latest positions', async () => {
    expectPositions(await run('stock_position_at', [day2]), latest);
    expect(overCommitted(latest.get('ITEST-2')!)).toBe(4);
  });

  it('answers nothing for a day before any stock was counted', async () => {
    const before = new Date(Date.parse(day1) - DAY).toISOString().slice(0, 10);
    expect(await run('stock_position_at', [before])).toEqual([]);
  });

  it('answers oversell_exposure per day from each SKU’s last position of the day', async () => {
    const rows = await run('oversell_exposure');
    const over = (positions: Iterable<Position>) => [...positions].map(overCommitted).filter((n) => n > 0);
    const day2Changed = SKUS.slice(0, 3).map((sku) => latest.get(sku)!);
    expect(rows).toEqual([
      {
        day: day1,
        skus_changed: SKUS.length + seeded.size,
        skus_over_committed: over(firstDay.values()).length,
        over_committed_eaches: over(firstDay.values()).reduce((s, n) => s + n, 0),
        worst_sku_eaches: Math.max(0, ...over(firstDay.values())),
      },
      {
        day: day2,
        skus_changed: 3,
        skus_over_committed: over(day2Changed).length,
        over_committed_eaches: over(day2Changed).reduce((s, n) => s + n, 0),
        worst_sku_eaches: Math.max(0, ...over(day2Changed)),
      },
    ]);
    expect(over(day2Changed)).toEqual([4]);
  });
});
