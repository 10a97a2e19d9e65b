import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readReturnsRecords } from '#shared/aws/returns-file-reader.ts';
import { parseReturnsRecords } from '#shared/domain/credit-memos/returns-file.ts';
import { readCsv } from '#shared/domain/purchase-orders/catalog-file.ts';

const HEADER =
  'Return ID,Vendor Code,Marketplace,Return Date,Status,ASIN,Vendor SKU,PO Number,Quantity,Unit Cost,Currency';

function parse(csv: string) {
  return parseReturnsRecords(readCsv(csv).records);
}

describe('returns export', () => {
  it('raises one ReturnReceived per return reference, due 72 hours after the return date', () => {
    const result = parse(
      [
        HEADER,
        'RN-1,ACMEDE,DE,2026-11-30T08:00:00Z,In Transit,B0C4K7XQ2M,,4Z32PABC,2,12.45,EUR',
        'RN-1,ACMEDE,DE,2026-11-30T08:00:00Z,In Transit,,ACME-PAN-28,4Z32PABC,1,,EUR',
        'RN-2,ACMEUK,uk,2026-11-30T09:30:00+01:00,Delivered to Warehouse,B0C4K7XQ2N,,5A11QQQQ,3,8.00,GBP',
      ].join('\n'),
    );
    expect(result.problems).toEqual([]);
    expect(result.returns).toHaveLength(2);
    expect(result.returns[0]).toMatchObject({
      vendorCode: 'ACMEDE',
      returnReference: 'RN-1',
      source: 'returns-export',
      respondBy: '2026-12-03T08:00:00.000Z',
      status: 'In Transit',
      items: [
        { asin: 'B0C4K7XQ2M', purchaseOrderNumber: '4Z32PABC', quantity: 2, unitCost: '12.45' },
        { vendorSku: 'ACME-PAN-28', purchaseOrderNumber: '4Z32PABC', quantity: 1 },
      ],
    });
    expect(result.returns[1]).toMatchObject({ marketplace: 'UK', returnDate: '2026-11-30T08:30:00.000Z' });
  });

  it('reports every bad row with its row number and field, and raises no part of a return with a bad row', () => {
    const result = parse(
      [
        HEADER,
        'RN-1,ACMEDE,DE,2026-11-30T08:00:00Z,,B0C4K7XQ2M,,4Z32PABC,2,,EUR',
        'RN-1,ACMEDE,DE,2026-11-30T08:00:00Z,,B0C4K7XQ2M,,4Z32PABC,two,,EUR',
        'RN-2,ACMEDE,DE,30/11/2026,,B0C4K7XQ2M,,4Z32PABC,1,,EUR',
        'RN-3,ACMEDE,DE,2026-11-30T08:00:00Z,,,,4Z32PABC,1,-3,EUR',
        'RN-4,ACMEDE,DE,2026-11-30T08:00:00Z,,B0C4K7XQ2M,,4Z32PABC,1,,EUR',
        'RN-4,ACMEDE,FR,2026-11-30T08:00:00Z,,B0C4K7XQ2M,,4Z32PABC,1,,EUR',
        'RN-5,ACMEDE,DE,2026-11-30T08:00:00Z,,B0C4K7XQ2M,,4Z32PABC,1,,EUR',
      ].join('\n'),
    );
    expect(result.returns.map((r) => r.returnReference)).toEqual(['RN-5']);
    const byRow = (row: number) => result.problems.filter((p) => p.row === row);
    expect(byRow(2)[0]?.message).toMatch(/not raised: return RN-1 has a bad row/);
    expect(byRow(3)).toEqual([
      { row: 3, field: 'quantity', message: 'expected a whole number', value: 'two' },
    ]);
    expect(byRow(4)[0]).toMatchObject({ field: 'returnDate', value: '30/11/2026' });
    expect(
      byRow(5)
        .map((p) => p.field)
        .sort(),
    ).toEqual(['asin', 'unitCost']);
    expect(byRow(7)[0]).toMatchObject({
      field: 'marketplace',
      message: 'return RN-4 has another marketplace on row 6',
    });
  });

  it('names the missing column of a header', () => {
    const result = parse(
      'Return ID,Vendor Code,Marketplace,Return Date,Currency\nRN-1,ACMEDE,DE,2026-11-30T08:00:00Z,EUR',
    );
    expect(result.returns).toEqual([]);
    expect(result.problems).toEqual([
      { row: 1, field: 'quantity', message: 'the header has no quantity column' },
    ]);
  });

  it('reads an XLSX export row by row, dates and numbers as the sheet shows them', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Returns');
    sheet.addRow(HEADER.split(','));
    sheet.addRow([
      'RN-9',
      'ACMEDE',
      'DE',
      new Date('2026-11-30T08:00:00Z'),
      'Delivered to Warehouse',
      'B0C4K7XQ2M',
      '',
      '4Z32PABC',
      2,
      12.45,
      'EUR',
    ]);
    sheet.addRow([
      'RN-10',
      'ACMEDE',
      'DE',
      new Date('2026-11-30T08:00:00Z'),
      '',
      'B0C4K7XQ2M',
      '',
      '4Z32PABC',
      0,
      '',
      'EUR',
    ]);
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    const { records } = await readReturnsRecords('returns/vc.xlsx', Readable.from(buffer));
    const result = parseReturnsRecords(records);
    expect(result.returns).toHaveLength(1);
    expect(result.returns[0]).toMatchObject({
      returnReference: 'RN-9',
      returnDate: '2026-11-30T08:00:00.000Z',
      items: [{ quantity: 2, unitCost: '12.45' }],
    });
    expect(result.problems).toEqual([
      { row: 3, field: 'quantity', message: 'expected at least 1', value: '0' },
    ]);
  });
});
