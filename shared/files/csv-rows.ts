/**
 * CSV rows from a byte stream, one at a time (csv-parse: RFC 4180 quoting, a byte-order mark,
 * CRLF/LF line ends). The separator is `;` when the first line has semicolons but no commas (exports
 * in decimal-comma locales), `\t` for tab-separated text, else `,`. Rows are numbered as a
 * spreadsheet numbers them (the first line is row 1); blank lines keep their number.
 */
import { parse } from 'csv-parse';
import type { SheetRow } from '../domain/payments/remittance-file.ts';

function separatorOf(firstLine: string): string {
  if (firstLine.includes('\t') && !firstLine.includes(',')) return '\t';
  return !firstLine.includes(',') && firstLine.includes(';') ? ';' : ',';
}

/** Reads CSV rows from chunks (an S3 body, a file stream) without holding the file. */
export async function* csvRows(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<SheetRow> {
  const iterator = chunks[Symbol.asyncIterator]();
  // Enough of the start to see the first line and so the separator.
  const head: (Uint8Array | string)[] = [];
  let text = '';
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
    text += typeof next.value === 'string' ? next.value : Buffer.from(next.value).toString('utf8');
    if (/[\r\n]/.test(text) || text.length > 65_536) break;
  }
  const parser = parse({
    delimiter: separatorOf(text.replace(/^\ufeff/, '').split(/[\r\n]/)[0] ?? ''),
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    info: true,
  });
  const feed = (async () => {
    try {
      for (const chunk of head) if (!parser.write(chunk)) await new Promise((r) => parser.once('drain', r));
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        if (!parser.write(next.value)) await new Promise((r) => parser.once('drain', r));
      }
      parser.end();
    } catch (error) {
      parser.destroy(error as Error);
    }
  })();
  let row = 0;
  for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    // info.lines is the line the record ends on; a record with quoted line breaks starts earlier.
    row = Math.max(row + 1, item.info.lines - countBreaks(item.record));
    yield { row, cells: item.record };
  }
  await feed;
}

function countBreaks(cells: readonly string[]): number {
  let n = 0;
  for (const cell of cells) for (const c of cell) if (c === '\n') n++;
  return n;
}
