import { describe, expect, it } from 'vitest';
import { csvRows } from '#shared/files/csv-rows.ts';

/** The text as bytes in chunks of `size` (multi-byte characters split across chunks too). */
async function* bytes(text: string, size: number): AsyncGenerator<Uint8Array> {
  const all = new TextEncoder().encode(text);
  for (let i = 0; i < all.length; i += size) yield all.subarray(i, i + size);
}

async function rows(text: string, size = 1 << 16) {
  const out: { row: number; cells: readonly string[] }[] = [];
  for await (const r of csvRows(bytes(text, size))) out.push({ row: r.row, cells: r.cells });
  return out;
}

const TEXT = [
  '\ufeffPayment Number,123',
  '',
  'Invoice Number,Description,Amount Paid',
  'INV1,"Quantity shortage, ""partial""","$1,234.50"',
  'INV2,"two',
  'lines",€5',
  'INV3,a "quoted" word,(12.00)',
  'INV4,,',
].join('\r\n');

const EXPECTED = [
  { row: 1, cells: ['Payment Number', '123'] },
  { row: 2, cells: [''] },
  { row: 3, cells: ['Invoice Number', 'Description', 'Amount Paid'] },
  { row: 4, cells: ['INV1', 'Quantity shortage, "partial"', '$1,234.50'] },
  { row: 5, cells: ['INV2', 'two\r\nlines', '€5'] },
  { row: 7, cells: ['INV3', 'a "quoted" word', '(12.00)'] },
  { row: 8, cells: ['INV4', '', ''] },
];

describe('CSV rows from a stream', () => {
  it('reads quotes, escaped quotes, quoted line breaks and a BOM, numbering rows as a spreadsheet does', async () => {
    expect(await rows(TEXT)).toEqual(EXPECTED);
  });

  it('reads the same rows however the bytes are chunked (CRLF, "" and € split across chunks)', async () => {
    for (const size of [1, 2, 3, 5, 7, 13])
      expect({ size, rows: await rows(TEXT, size) }).toEqual({ size, rows: EXPECTED });
  });

  it('takes LF and CR line ends, a trailing line end adds no row', async () => {
    expect(await rows('a,b\nc,d\n')).toEqual([
      { row: 1, cells: ['a', 'b'] },
      { row: 2, cells: ['c', 'd'] },
    ]);
    expect(await rows('a,b\rc,d')).toEqual([
      { row: 1, cells: ['a', 'b'] },
      { row: 2, cells: ['c', 'd'] },
    ]);
  });

  it('uses semicolons when the first line has them and no commas', async () => {
    expect(await rows('Invoice Number;Amount Paid\nINV1;"1.234,50 €"\n', 4)).toEqual([
      { row: 1, cells: ['Invoice Number', 'Amount Paid'] },
      { row: 2, cells: ['INV1', '1.234,50 €'] },
    ]);
  });

  it('refuses a quoted field that is never closed, naming its row', async () => {
    await expect(rows('a,b\nINV1,"never closed\nmore\n')).rejects.toThrow(
      'row 2: a quoted field is never closed',
    );
  });
});
