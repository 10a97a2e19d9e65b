import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNamedQueries } from '#infra/named-queries.ts';
import { type ArchiveDatabase, openArchiveDatabase } from '#local/analytics/duckdb-archive.ts';
import { encodeParquet } from '#shared/archive/parquet.ts';
import { DATASET_LIST, DATASETS, duckDbType } from '#shared/domain/archive/datasets.ts';
import { datasetObjectKey } from '#shared/domain/archive/layout.ts';
import { checkRow, type Row } from '#shared/domain/archive/rows.ts';

const orderLine = (overrides: Partial<Record<string, Row[string]>> = {}): Row => ({
  purchase_order_number: 'PO1',
  vendor_code: 'ACMEDE',
  po_version: '2026-11-24T06:05:00.000Z',
  item_sequence_number: '1',
  asin: 'B0C4K7XQ2M',
  vendor_sku: null,
  ordered_quantity: 10,
  unit_of_measure: 'Cases',
  unit_size: 6,
  ordered_eaches: 60,
  is_back_order_allowed: true,
  net_cost: '12.3456789012',
  net_cost_currency: 'EUR',
  list_price: '-0.5',
  list_price_currency: null,
  archived_at: '2026-11-24T08:00:00.123Z',
  ...overrides,
});

function write(dir: string, key: string, rows: Row[]): void {
  const dataset = DATASETS.purchase_order_lines;
  const typed = rows.map((row) => {
    const checked = checkRow(dataset, row);
    if (!checked.ok) throw new Error(checked.problems.join('; '));
    return checked.row;
  });
  const path = join(dir, key);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeParquet(dataset, typed));
}

describe('Parquet files of the datasets, read back with DuckDB', () => {
  let dir: string;
  let db: ArchiveDatabase;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'acorn-parquet-'));
    const dataset = DATASETS.purchase_order_lines;
    write(dir, datasetObjectKey(dataset, { marketplace: 'DE', dt: '2026-11-23' }, '2026-11-24T08'), [
      orderLine(),
      orderLine({ item_sequence_number: '2', asin: null, net_cost: null, ordered_eaches: 3 }),
    ]);
    write(dir, datasetObjectKey(dataset, { marketplace: 'FR', dt: '2026-11-24' }, '2026-11-24T09'), [
      orderLine({ purchase_order_number: 'PO2', ordered_eaches: 9_007_199_254_740_991 }),
    ]);
    db = await openArchiveDatabase(dir);
  });

  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has every column with the type the Glue table declares, and the partitions as text', async () => {
    const columns = await db.query('DESCRIBE purchase_order_lines');

    expect(columns.map((c) => [c.column_name, c.column_type])).toEqual([
      ...DATASETS.purchase_order_lines.columns.map((c) => [c.name, duckDbType(c.type)]),
      ['marketplace', 'VARCHAR'],
      ['dt', 'VARCHAR'],
    ]);
  });

  it('keeps every value exactly: decimals to the tenth place, milliseconds, nulls, 53-bit integers', async () => {
    const rows = await db.query(
      'SELECT purchase_order_number, item_sequence_number, CAST(net_cost AS VARCHAR) AS net_cost, CAST(list_price AS VARCHAR) AS list_price, archived_at, asin, ordered_eaches, is_back_order_allowed, marketplace, dt FROM purchase_order_lines ORDER BY purchase_order_number, item_sequence_number',
    );

    expect(rows).toEqual([
      {
        purchase_order_number: 'PO1',
        item_sequence_number: '1',
        net_cost: '12.3456789012',
        list_price: '-0.5000000000',
        archived_at: new Date('2026-11-24T08:00:00.123Z'),
        asin: 'B0C4K7XQ2M',
        ordered_eaches: 60n,
        is_back_order_allowed: true,
        marketplace: 'DE',
        dt: '2026-11-23',
      },
      {
        purchase_order_number: 'PO1',
        item_sequence_number: '2',
        net_cost: null,
        list_price: '-0.5000000000',
        archived_at: new Date('2026-11-24T08:00:00.123Z'),
        asin: null,
        ordered_eaches: 3n,
        is_back_order_allowed: true,
        marketplace: 'DE',
        dt: '2026-11-23',
      },
      {
        purchase_order_number: 'PO2',
        item_sequence_number: '1',
        net_cost: '12.3456789012',
        list_price: '-0.5000000000',
        archived_at: new Date('2026-11-24T08:00:00.123Z'),
        asin: 'B0C4K7XQ2M',
        ordered_eaches: 9_007_199_254_740_991n,
        is_back_order_allowed: true,
        marketplace: 'FR',
        dt: '2026-11-24',
      },
    ]);
  });

  it('answers nothing over a partition that has no files, and over a dataset that has none yet', async () => {
    expect(await db.query("SELECT count(*) AS n FROM purchase_order_lines WHERE dt = '2020-01-01'")).toEqual([
      { n: 0n },
    ]);
    expect(await db.query("SELECT * FROM purchase_order_lines WHERE marketplace = 'JP'")).toEqual([]);
    expect(await db.query('SELECT * FROM audit_events')).toEqual([]);
  });

  it('refuses to write a file without rows', () => {
    expect(() => encodeParquet(DATASETS.audit_events, [])).toThrow(/No rows/);
  });
});

describe('the named queries', () => {
  it('each run in DuckDB over an archive with no files yet, answering nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acorn-empty-archive-'));
    const db = await openArchiveDatabase(dir);
    try {
      for (const query of loadNamedQueries()) {
        const params = Array.from({ length: query.parameters }, () => 'x');
        expect(await db.query(query.sql, params), query.name).toEqual([]);
      }
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are described, named in snake_case, and count their parameters', () => {
    const queries = new Map(loadNamedQueries().map((q) => [q.name, q]));

    expect([...queries.keys()]).toEqual(
      expect.arrayContaining(['po_fill_rate', 'acknowledgement_outcomes', 'entity_history']),
    );
    expect(queries.get('entity_history')?.parameters).toBe(2);
    expect(queries.get('po_fill_rate')?.parameters).toBe(0);
    for (const query of queries.values()) expect(query.description.length).toBeGreaterThan(20);
  });

  it('read only the datasets the catalog defines', () => {
    const tables = new Set<string>(DATASET_LIST.map((d) => d.name));
    for (const query of loadNamedQueries()) {
      const read = [...query.sql.matchAll(/\bFROM\s+([a-z_]+)/g)].map((m) => m[1]!);
      const ctes = new Set([...query.sql.matchAll(/\b([a-z_]+) AS \(/g)].map((m) => m[1]!));
      expect(
        read.filter((t) => !tables.has(t) && !ctes.has(t)),
        query.name,
      ).toEqual([]);
    }
  });
});
