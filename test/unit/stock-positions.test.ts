import { describe, expect, it } from 'vitest';
import { parsePositionsCsv, parsePositionsJson } from '#shared/domain/inventory/stock-positions.ts';

describe('stock positions file', () => {
  it('reads counts per SKU and location with their instant in UTC', () => {
    const { positions, problems } = parsePositionsCsv(
      'sku,location,onHand,asOf\nPAN,WH1,120,2026-11-30T07:00:00+01:00\nLID,WH2,0,2026-11-30T06:00:00Z\n',
    );
    expect(problems).toEqual([]);
    expect(positions).toEqual([
      { sku: 'PAN', location: 'WH1', onHand: 120, asOf: '2026-11-30T06:00:00.000Z' },
      { sku: 'LID', location: 'WH2', onHand: 0, asOf: '2026-11-30T06:00:00.000Z' },
    ]);
  });

  it('still reads the interim file (one location, availableToPromise)', () => {
    const { positions } = parsePositionsCsv('sku,availableToPromise,asOf\nPAN,5,2026-11-30T06:00:00Z\n');
    expect(positions).toEqual([
      { sku: 'PAN', location: 'default', onHand: 5, asOf: '2026-11-30T06:00:00.000Z' },
    ]);
  });

  it('names the row and field of every bad row and keeps the good ones', () => {
    const { positions, problems } = parsePositionsCsv(
      'sku,location,onHand,asOf\nPAN,WH1,-3,2026-11-30T06:00:00Z\n,WH1,4,2026-11-30T06:00:00Z\nLID,WH1,4,2026-11-30\nPOT,WH1,2,2026-11-30T06:00:00Z\n',
    );
    expect(positions.map((p) => p.sku)).toEqual(['POT']);
    expect(problems.map((p) => [p.row, p.field])).toEqual([
      [2, 'onHand'],
      [3, 'sku'],
      [4, 'asOf'],
    ]);
  });

  it('refuses a file without a quantity column, naming it', () => {
    const { positions, problems } = parsePositionsCsv('sku,location,asOf\nPAN,WH1,2026-11-30T06:00:00Z\n');
    expect(positions).toEqual([]);
    expect(problems[0]).toMatchObject({ row: 1, field: 'onHand' });
  });

  it('reads the pushed JSON and names each bad entry', () => {
    const { positions, problems } = parsePositionsJson({
      positions: [
        { sku: 'PAN', location: 'WH1', onHand: 3, asOf: '2026-11-30T06:00:00Z' },
        { sku: 'PAN', location: 'WH1', onHand: 1.5, asOf: '2026-11-30T06:00:00Z' },
        { sku: 'PAN', onHand: 3 },
      ],
    });
    expect(positions).toHaveLength(1);
    expect(problems.map((p) => [p.row, p.field])).toEqual([
      [2, 'onHand'],
      [3, 'asOf'],
    ]);
    expect(parsePositionsJson([1, 2]).problems[0]).toMatchObject({ row: 0, field: 'positions' });
  });
});
