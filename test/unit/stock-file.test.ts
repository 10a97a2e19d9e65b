import { describe, expect, it } from 'vitest';
import {
  availableToPromise,
  mergeStock,
  parseInstant,
  parseStockFile,
  type StockPosition,
} from '#shared/domain/purchase-orders/stock-file.ts';

const at = (sku: string, availableToPromise: number, asOf: string): StockPosition => ({
  sku,
  availableToPromise,
  asOf: new Date(asOf).toISOString(),
});

describe('parsing the stock file', () => {
  it('reads SKU, available-to-promise and the moment counted, as a UTC instant', () => {
    // Prepare
    const text = 'sku,availableToPromise,asOf\nA,120,2026-11-30T06:00:00Z\nB,0,2026-11-30T07:00:00+01:00\n';

    // Act
    const result = parseStockFile(text);

    // Assess
    expect(result.problems).toEqual([]);
    expect(result.positions).toEqual([
      { sku: 'A', availableToPromise: 120, asOf: '2026-11-30T06:00:00.000Z' },
      { sku: 'B', availableToPromise: 0, asOf: '2026-11-30T06:00:00.000Z' },
    ]);
  });

  it('accepts any column order, a BOM, CRLF, quotes, "12.0" and a negative (oversold) quantity', () => {
    // Prepare
    const text =
      '\uFEFFAs Of;SKU;Available To Promise\r\n2026-11-30 06:00:00Z;"A;1";12.0\r\n2026-11-30T06:00Z;B;-3\r\n';

    // Act
    const result = parseStockFile(text);

    // Assess
    expect(result.problems).toEqual([]);
    expect(result.positions).toEqual([
      { sku: 'A;1', availableToPromise: 12, asOf: '2026-11-30T06:00:00.000Z' },
      { sku: 'B', availableToPromise: -3, asOf: '2026-11-30T06:00:00.000Z' },
    ]);
  });

  it('reports every bad field with its row and keeps the good rows', () => {
    // Prepare
    const text = [
      'sku,availableToPromise,asOf',
      ',5,2026-11-30T06:00:00Z', // 2: sku
      'A,5.5,2026-11-30T06:00:00Z', // 3: fraction
      'B,many,2026-11-30T06:00:00Z', // 4: not a number
      'C,5,2026-11-30', // 5: no time
      'D,5,2026-11-30T06:00:00', // 6: no zone
      'E,5,2026-02-30T06:00:00Z', // 7: no such date
      'F,5,yesterday', // 8: not a date
      'G,5,2026-11-30T06:00:00Z', // 9: fine
    ].join('\n');

    // Act
    const result = parseStockFile(text);

    // Assess
    expect(result.positions.map((p) => p.sku)).toEqual(['G']);
    expect(result.problems.map((p) => [p.row, p.field, p.message])).toEqual([
      [2, 'sku', 'the SKU is empty'],
      [3, 'availableToPromise', 'expected a whole number of eaches'],
      [4, 'availableToPromise', 'expected a whole number of eaches'],
      [5, 'asOf', 'needs a time and a zone, e.g. 2026-11-30T06:00:00Z'],
      [6, 'asOf', 'needs a time and a zone, e.g. 2026-11-30T06:00:00Z'],
      [7, 'asOf', 'no such date or time'],
      [8, 'asOf', 'expected an ISO-8601 date-time such as 2026-11-30T06:00:00Z'],
    ]);
  });

  it('reports a missing column on the header row', () => {
    // Act
    const result = parseStockFile('sku,qty\nA,1\n');

    // Assess
    expect(result.positions).toEqual([]);
    expect(result.problems).toEqual([
      { row: 1, field: 'availableToPromise', message: 'the header has no availableToPromise column' },
      { row: 1, field: 'asOf', message: 'the header has no asOf column' },
    ]);
    expect(result.ignoredColumns).toEqual(['qty']);
  });

  it('normalises offsets and refuses a time of 24:00', () => {
    // Act / Assess
    expect(parseInstant('2026-11-30T23:30:00-0130')).toBe('2026-12-01T01:00:00.000Z');
    expect(parseInstant('2026-11-30T24:00:00Z')).toEqual({ problem: 'no such date or time' });
  });
});

describe('merging stock snapshots', () => {
  it('replaces a position with a newer one and adds new SKUs, leaving the current map untouched', () => {
    // Prepare
    const current = new Map([['A', at('A', 10, '2026-11-30T06:00:00Z')]]);
    const incoming = [at('A', 7, '2026-11-30T08:00:00Z'), at('B', 3, '2026-11-30T08:00:00Z')];

    // Act
    const result = mergeStock(current, incoming);

    // Assess
    expect([...result.stock.values()]).toEqual(incoming);
    expect(result.applied).toEqual(incoming);
    expect(result.ignored).toEqual([]);
    expect(current.get('A')?.availableToPromise).toBe(10);
  });

  it('never lets an older snapshot overwrite a newer one, and reports it', () => {
    // Prepare
    const newer = at('A', 7, '2026-11-30T08:00:00Z');
    const older = at('A', 50, '2026-11-30T06:00:00Z');

    // Act
    const result = mergeStock(new Map([['A', newer]]), [older]);

    // Assess
    expect(result.stock.get('A')).toBe(newer);
    expect(result.applied).toEqual([]);
    expect(result.ignored).toEqual([{ position: older, kept: newer, reason: 'older' }]);
  });

  it('keeps the position held when another one claims the same moment with another quantity', () => {
    // Prepare
    const held = at('A', 7, '2026-11-30T08:00:00Z');
    const same = at('A', 7, '2026-11-30T09:00:00+01:00');
    const conflicting = at('A', 9, '2026-11-30T08:00:00Z');

    // Act
    const result = mergeStock(new Map([['A', held]]), [same, conflicting]);

    // Assess
    expect(result.stock.get('A')).toBe(held);
    expect(result.unchanged).toBe(1);
    expect(result.ignored).toEqual([{ position: conflicting, kept: held, reason: 'conflict' }]);
  });

  it('ends with the newest position per SKU whatever order the snapshots arrive in', () => {
    // Prepare
    const snapshots: StockPosition[] = [];
    for (let hour = 0; hour < 6; hour++) {
      for (const sku of ['A', 'B', 'C']) {
        snapshots.push(at(sku, hour * 10 + sku.charCodeAt(0), `2026-11-30T0${hour}:00:00Z`));
      }
    }
    const orders = [
      snapshots,
      [...snapshots].reverse(),
      snapshots.filter((_, i) => i % 2 === 0).concat(snapshots.filter((_, i) => i % 2 === 1)),
    ];

    // Act
    const results = orders.map((order) => {
      // Feed one position per call, as files arriving one after another.
      let stock = new Map<string, StockPosition>();
      for (const position of order) stock = mergeStock(stock, [position]).stock;
      return availableToPromise(stock);
    });

    // Assess
    const newest = new Map([
      ['A', 50 + 65],
      ['B', 50 + 66],
      ['C', 50 + 67],
    ]);
    for (const result of results) expect(result).toEqual(newest);
  });
});
