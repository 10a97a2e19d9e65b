/**
 * CSV rows from a byte stream, one at a time, without holding the file: RFC 4180 quoting (`""`
 * escapes, separators and line breaks inside quotes), a byte-order mark, CRLF/LF/CR line ends. A
 * quote inside an unquoted field is kept as written. The separator is `;` when the first line has
 * semicolons but no commas (exports in decimal-comma locales), `\t` for tab-separated text, else
 * `,`. Rows are numbered as a spreadsheet numbers them (the first line is row 1, a record with
 * quoted line breaks has the number of its first line); blank lines keep their number.
 *
 * A small state machine over each decoded chunk, slicing runs of plain characters: a million-line
 * export is the common case, and a general-purpose CSV stream (a promise and an info object per
 * record) was the slowest part of importing one.
 */
import type { SheetRow } from '../domain/payments/remittance-file.ts';
import { ValidationError } from '../errors.ts';

const QUOTE = 34;
const LF = 10;
const CR = 13;

function separatorOf(firstLine: string): number {
  if (firstLine.includes('\t') && !firstLine.includes(',')) return 9;
  return !firstLine.includes(',') && firstLine.includes(';') ? 59 : 44;
}

/** The tokenizer's state between chunks. */
class CsvTokenizer {
  readonly rows: SheetRow[] = [];
  #cells: string[] = [];
  #field = '';
  #quoted = false;
  /** A quote ended the previous chunk inside a quoted field: an escape or the closing quote. */
  #pendingQuote = false;
  /** A CR ended the previous record: a LF right after it belongs to it. */
  #afterCr = false;
  /** A CR inside quotes: a LF right after it is the same line break. */
  #quotedCr = false;
  /** The field so far is only whitespace-free nothing: a quote here opens a quoted field. */
  #fieldStart = true;
  #line = 1;
  #recordLine = 1;

  constructor(private readonly separator: number) {}

  feed(text: string): void {
    const n = text.length;
    const sep = this.separator;
    let i = 0;
    let run = 0;
    if (this.#pendingQuote && n > 0) {
      this.#pendingQuote = false;
      if (text.charCodeAt(0) === QUOTE) {
        this.#field += '"';
        i = 1;
        run = 1;
      } else this.#quoted = false;
    }
    while (i < n) {
      const c = text.charCodeAt(i);
      if (this.#quoted) {
        if (c === QUOTE) {
          this.#field += text.slice(run, i);
          if (i + 1 === n) {
            this.#pendingQuote = true;
            run = n;
            i = n;
            break;
          }
          if (text.charCodeAt(i + 1) === QUOTE) {
            this.#field += '"';
            i += 2;
          } else {
            this.#quoted = false;
            i++;
          }
          run = i;
          continue;
        }
        if (c === LF) {
          if (!this.#quotedCr) this.#line++;
          this.#quotedCr = false;
        } else if (c === CR) {
          this.#line++;
          this.#quotedCr = true;
        } else this.#quotedCr = false;
        i++;
        continue;
      }
      if (this.#afterCr) {
        this.#afterCr = false;
        if (c === LF) {
          i++;
          run = i;
          continue;
        }
      }
      if (c === sep) {
        this.#cells.push(this.#field + text.slice(run, i));
        this.#field = '';
        this.#fieldStart = true;
        i++;
        run = i;
        continue;
      }
      if (c === LF || c === CR) {
        this.#cells.push(this.#field + text.slice(run, i));
        this.#endRecord();
        this.#line++;
        this.#recordLine = this.#line;
        this.#afterCr = c === CR;
        i++;
        run = i;
        continue;
      }
      if (c === QUOTE && this.#fieldStart && run === i && this.#field === '') {
        this.#quoted = true;
        this.#quotedCr = false;
        this.#fieldStart = false;
        i++;
        run = i;
        continue;
      }
      this.#fieldStart = false;
      i++;
    }
    if (run < n) this.#field += text.slice(run, n);
  }

  end(): void {
    if (this.#pendingQuote) {
      this.#pendingQuote = false;
      this.#quoted = false;
    }
    if (this.#quoted) {
      throw new ValidationError(
        `row ${this.#recordLine}: a quoted field is never closed; the rest of the file was not read`,
        [{ path: `row ${this.#recordLine}`, message: 'a quoted field is never closed' }],
      );
    }
    if (this.#cells.length > 0 || this.#field !== '') {
      this.#cells.push(this.#field);
      this.#endRecord();
    }
  }

  #endRecord(): void {
    this.rows.push({ row: this.#recordLine, cells: this.#cells });
    this.#cells = [];
    this.#field = '';
    this.#fieldStart = true;
  }
}

/** Reads CSV rows from chunks (an S3 body, a file stream) without holding the file. */
export async function* csvRows(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<SheetRow> {
  const decoder = new TextDecoder('utf-8');
  let tokenizer: CsvTokenizer | undefined;
  // Enough of the start to see the first line and so the separator.
  let head = '';
  const take = function* (t: CsvTokenizer): Generator<SheetRow> {
    const rows = t.rows;
    for (let i = 0; i < rows.length; i++) yield rows[i]!;
    rows.length = 0;
  };
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (!tokenizer) {
      head += text;
      if (!/[\r\n]/.test(head) && head.length <= 65_536) continue;
      head = head.replace(/^\ufeff/, '');
      tokenizer = new CsvTokenizer(separatorOf(head.split(/[\r\n]/)[0] ?? ''));
      tokenizer.feed(head);
      head = '';
    } else tokenizer.feed(text);
    yield* take(tokenizer);
  }
  const rest = decoder.decode();
  if (!tokenizer) {
    head = (head + rest).replace(/^\ufeff/, '');
    tokenizer = new CsvTokenizer(separatorOf(head.split(/[\r\n]/)[0] ?? ''));
    tokenizer.feed(head);
  } else if (rest) tokenizer.feed(rest);
  tokenizer.end();
  yield* take(tokenizer);
}
