import type { Readable } from 'node:stream';
// The streaming reader only (not the whole exceljs package): a small bundle for the import function.
import WorkbookReader from 'exceljs/lib/stream/xlsx/workbook-reader.js';
import { type CsvRecord, readCsv } from '../domain/purchase-orders/catalog-file.ts';

/**
 * Reads a returns export into numbered records: CSV through the shared CSV reader, XLSX through
 * exceljs's streaming reader (rows are read as they are unzipped; the whole workbook is never
 * held in memory). Only the first worksheet is read. Cells become strings: dates as ISO instants,
 * numbers as their decimal text, rich text and formulas by their shown value.
 */
export async function readReturnsRecords(
  key: string,
  body: Readable,
): Promise<{ records: CsvRecord[]; problems: { row: number; message: string }[] }> {
  if (/\.xlsx$/i.test(key)) return { records: await readXlsx(body), problems: [] };
  const chunks: Buffer[] = [];
  for await (const chunk of body)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  const { records, problems } = readCsv(Buffer.concat(chunks).toString('utf8'));
  return { records, problems };
}

/** One cell as text. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if (v.result !== undefined) return cellText(v.result);
    if (typeof v.text === 'string') return v.text;
  }
  return String(value);
}

async function readXlsx(body: Readable): Promise<CsvRecord[]> {
  const reader = new WorkbookReader(body, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const records: CsvRecord[] = [];
  for await (const worksheet of reader) {
    for await (const row of worksheet) {
      // row.values is 1-based (index 0 empty).
      const values = (row.values as unknown[]).slice(1).map(cellText);
      if (values.every((v) => v.trim() === '')) continue;
      records.push({ row: row.number, cells: values });
    }
    break;
  }
  return records;
}
