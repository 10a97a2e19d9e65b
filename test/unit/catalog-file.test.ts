import { describe, expect, it } from 'vitest';
import { formatMoney } from '#shared/domain/money.ts';
import { type CatalogEntry, CatalogIndex, gtinKey } from '#shared/domain/purchase-orders/catalog.ts';
import { isValidGtin, parseCatalogFile, readCsv } from '#shared/domain/purchase-orders/catalog-file.ts';

const HEADER = 'sku,asin,ean,marketplace,expectedNetCost,currency,status,leadTimeDays,maxOrderQuantity';

const entry = (overrides: Partial<CatalogEntry> = {}): CatalogEntry => ({
  sku: 'ACME-PAN-28',
  asin: 'B0C4K7XQ2M',
  ean: '4006381333931',
  marketplace: 'DE',
  expectedNetCost: '12.45',
  currency: 'EUR',
  status: 'active',
  leadTimeDays: 6,
  ...overrides,
});

describe('reading CSV text', () => {
  it('handles a byte-order mark, CRLF, quoted commas, doubled quotes and line breaks in quotes', () => {
    // Prepare
    const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""","two\r\nlines"\r\n\r\n1,2,3';

    // Act
    const { records, problems } = readCsv(text);

    // Assess
    expect(problems).toEqual([]);
    expect(records).toEqual([
      { row: 1, cells: ['a', 'b', 'c'] },
      { row: 2, cells: ['x, y', 'say "hi"', 'two\r\nlines'] },
      { row: 4, cells: ['1', '2', '3'] },
    ]);
  });

  it('uses semicolons when the header has them and no commas', () => {
    // Act
    const { records } = readCsv('a;b\n"1,5";2\n');

    // Assess
    expect(records.map((r) => r.cells)).toEqual([
      ['a', 'b'],
      ['1,5', '2'],
    ]);
  });

  it('reports a quote that is never closed instead of swallowing the rest of the file', () => {
    // Act
    const { records, problems } = readCsv('a,b\n1,"open\n2,3\n');

    // Assess
    expect(records).toEqual([{ row: 1, cells: ['a', 'b'] }]);
    expect(problems).toEqual([
      { row: 2, message: 'a quoted field is never closed: the rest of the file was not read' },
    ]);
  });
});

describe('parsing the catalogue file', () => {
  it('reads every column of a well-formed file', () => {
    // Prepare
    const text = [
      HEADER,
      'ACME-PAN-28,B0C4K7XQ2M,4006381333931,DE,12.45,EUR,active,6,500',
      'ACME-PAN-28,B0C4K7XQ2M,4006381333931,FR,12.95,EUR,active,8,',
      'ACME-LID-28,,,US,4.10,USD,discontinued,0,',
    ].join('\n');

    // Act
    const result = parseCatalogFile(text);

    // Assess
    expect(result.problems).toEqual([]);
    expect(result.entries).toEqual([
      entry({ maxOrderQuantity: 500 }),
      entry({ marketplace: 'FR', expectedNetCost: '12.95', leadTimeDays: 8 }),
      {
        sku: 'ACME-LID-28',
        marketplace: 'US',
        expectedNetCost: '4.10',
        currency: 'USD',
        status: 'discontinued',
        leadTimeDays: 0,
      },
    ]);
  });

  it('accepts columns in any order and spelling, a BOM, CRLF, quotes and extra columns', () => {
    // Prepare
    const text =
      '\uFEFFStatus,Lead Time Days,SKU,expected_net_cost,Currency,Marketplace,EAN,ASIN,Comment\r\n' +
      'Active,6,"ACME-PAN-28",12.45,eur,de,4006381333931,b0c4k7xq2m,"large, with lid"\r\n';

    // Act
    const result = parseCatalogFile(text);

    // Assess
    expect(result.problems).toEqual([]);
    expect(result.ignoredColumns).toEqual(['Comment']);
    expect(result.entries).toEqual([entry()]);
  });

  it('reads a semicolon-separated spreadsheet export', () => {
    // Prepare
    const text = `${HEADER.replaceAll(',', ';')}\nACME-PAN-28;B0C4K7XQ2M;4006381333931;DE;12.45;EUR;active;6;`;

    // Act
    const result = parseCatalogFile(text);

    // Assess
    expect(result.entries).toEqual([entry()]);
  });

  it('reports a missing required column on the header row and reads no entries', () => {
    // Act
    const result = parseCatalogFile(
      'sku,asin,ean,marketplace,currency,status,leadTimeDays\nX,,,DE,EUR,active,1',
    );

    // Assess
    expect(result.entries).toEqual([]);
    expect(result.problems).toEqual([
      { row: 1, field: 'expectedNetCost', message: 'the header has no expectedNetCost column' },
    ]);
  });

  it('reports an empty file', () => {
    // Act
    const result = parseCatalogFile('\uFEFF\r\n');

    // Assess
    expect(result.problems).toEqual([{ row: 1, message: expect.stringContaining('the file is empty') }]);
  });

  it('reports every bad field with its row and keeps the good rows', () => {
    // Prepare
    const rows = [
      HEADER,
      ',B0C4K7XQ2M,4006381333931,DE,12.45,EUR,active,6,', // 2: sku
      'A2,B0C4,4006381333931,DE,12.45,EUR,active,6,', // 3: asin
      'A3,,4006381333932,DE,12.45,EUR,active,6,', // 4: ean check digit
      'A4,,4.00638E+12,DE,12.45,EUR,active,6,', // 5: ean lost to a spreadsheet
      'A5,,,Germany,12.45,EUR,active,6,', // 6: marketplace
      'A6,,,DE,12.45,euro,active,6,', // 7: currency
      'A7,,,DE,"12,45",EUR,active,6,', // 8: decimal comma
      'A8,,,DE,0,EUR,active,6,', // 9: zero cost
      'A9,,,DE,12.45,EUR,retired,6,', // 10: status
      'A10,,,DE,12.45,EUR,active,-1,', // 11: lead time
      'A11,,,DE,12.45,EUR,active,2.5,', // 12: lead time
      'A12,,,DE,12.45,EUR,active,6,0', // 13: max order quantity
      'GOOD,,,DE,12.45,EUR,active,6.0,', // 14: fine ("6.0" is 6)
    ];

    // Act
    const result = parseCatalogFile(rows.join('\n'));

    // Assess
    expect(result.entries.map((e) => e.sku)).toEqual(['GOOD']);
    expect(result.entries[0]?.leadTimeDays).toBe(6);
    expect(result.problems.map((p) => [p.row, p.field])).toEqual([
      [2, 'sku'],
      [3, 'asin'],
      [4, 'ean'],
      [5, 'ean'],
      [6, 'marketplace'],
      [7, 'currency'],
      [8, 'expectedNetCost'],
      [9, 'expectedNetCost'],
      [10, 'status'],
      [11, 'leadTimeDays'],
      [12, 'leadTimeDays'],
      [13, 'maxOrderQuantity'],
    ]);
    expect(result.problems.find((p) => p.row === 5)?.message).toContain('format the column as text');
    expect(result.problems.find((p) => p.row === 8)?.message).toContain(
      'use a point as the decimal separator',
    );
    expect(result.problems.find((p) => p.row === 8)?.value).toBe('12,45');
  });

  it('reports a marketplace the deployment does not know', () => {
    // Act
    const result = parseCatalogFile(`${HEADER}\nA,,,JP,100,JPY,active,1,`, { marketplaces: new Set(['DE']) });

    // Assess
    expect(result.problems).toEqual([
      { row: 2, field: 'marketplace', message: 'marketplace JP is not configured', value: 'JP' },
    ]);
  });

  it('reports a second row for the same SKU and marketplace, and an EAN or ASIN another SKU owns', () => {
    // Prepare
    const text = [
      HEADER,
      'A,B0C4K7XQ2M,4006381333931,DE,12.45,EUR,active,6,',
      'A,B0C4K7XQ2M,4006381333931,DE,12.50,EUR,active,6,',
      'B,,04006381333931,DE,1.00,EUR,active,6,',
      'C,B0C4K7XQ2M,,DE,1.00,EUR,active,6,',
    ].join('\n');

    // Act
    const result = parseCatalogFile(text);

    // Assess
    expect(result.entries.map((e) => e.sku)).toEqual(['A']);
    expect(result.problems).toEqual([
      { row: 3, field: 'sku', message: 'SKU A is already listed for DE in row 2', value: 'A' },
      {
        row: 4,
        field: 'ean',
        message: 'EAN 04006381333931 already belongs to SKU A (row 2)',
        value: '04006381333931',
      },
      {
        row: 5,
        field: 'asin',
        message: 'ASIN B0C4K7XQ2M already belongs to SKU A (row 2)',
        value: 'B0C4K7XQ2M',
      },
    ]);
  });

  it('checks GS1 check digits of EAN-8, UPC-12, EAN-13 and GTIN-14', () => {
    // Act / Assess
    expect(['96385074', '036000291452', '4006381333931', '10036000291459'].map(isValidGtin)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['96385075', '036000291453', '4006381333930', '123', 'ABCDEFGHIJKLM'].map(isValidGtin)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('looking PO lines up in the catalogue', () => {
  const index = CatalogIndex.build([
    entry({ maxOrderQuantity: 500 }),
    entry({ marketplace: 'FR', expectedNetCost: '12.95' }),
    entry({ sku: 'UPC-ITEM', asin: 'B000000002', ean: '036000291452', marketplace: 'US', currency: 'USD' }),
    entry({ sku: 'SKU-ONLY', asin: undefined, ean: undefined, expectedNetCost: '1.00' }),
  ]);

  it('finds a line by its EAN, in any GTIN length', () => {
    // Act
    const byEan = index.lookup({ vendorProductIdentifier: '4006381333931' }, 'DE');
    const byGtin14 = index.lookup({ vendorProductIdentifier: '00036000291452' }, 'US');

    // Assess
    expect(byEan).toMatchObject({ kind: 'found', matchedBy: 'ean', entry: { sku: 'ACME-PAN-28' } });
    expect(byGtin14).toMatchObject({ kind: 'found', matchedBy: 'ean', entry: { sku: 'UPC-ITEM' } });
    expect(gtinKey('036000291452')).toBe('00036000291452');
    expect(gtinKey('SKU-1')).toBeUndefined();
  });

  it('finds a line by our SKU as vendor product identifier, or by ASIN in any case', () => {
    // Act / Assess
    expect(index.lookup({ vendorProductIdentifier: 'SKU-ONLY' }, 'DE')).toMatchObject({
      kind: 'found',
      matchedBy: 'sku',
    });
    expect(index.lookup({ amazonProductIdentifier: 'b0c4k7xq2m' }, 'FR')).toMatchObject({
      kind: 'found',
      matchedBy: 'asin',
      entry: { marketplace: 'FR' },
    });
  });

  it('tells a product missing from the marketplace from an unknown one', () => {
    // Act / Assess
    expect(index.lookup({ vendorProductIdentifier: '4006381333931' }, 'IT')).toEqual({
      kind: 'not-in-marketplace',
      sku: 'ACME-PAN-28',
      marketplaces: ['DE', 'FR'],
    });
    expect(
      index.lookup({ vendorProductIdentifier: '4311501664205', amazonProductIdentifier: 'B0XXXXXXXX' }, 'DE'),
    ).toEqual({
      kind: 'unknown',
    });
    expect(index.lookup({}, 'DE')).toEqual({ kind: 'unknown' });
  });

  it('calls a line ambiguous when its EAN and ASIN point at different SKUs', () => {
    // Act
    const found = index.lookup(
      { vendorProductIdentifier: '4006381333931', amazonProductIdentifier: 'B000000002' },
      'DE',
    );

    // Assess
    expect(found).toEqual({ kind: 'ambiguous', skus: ['ACME-PAN-28', 'UPC-ITEM'] });
  });

  it('gives the expected net cost of a SKU per marketplace', () => {
    // Act / Assess
    expect(formatMoney(index.expectedNetCost('ACME-PAN-28', 'FR')!)).toBe('12.95 EUR');
    expect(index.expectedNetCost('ACME-PAN-28', 'US')).toBeUndefined();
    expect(index.size).toBe(4);
  });
});
