/**
 * The catalogue file an operator drops in (CSV, one row per SKU and marketplace):
 *
 *     sku,asin,ean,marketplace,expectedNetCost,currency,status,leadTimeDays,maxOrderQuantity
 *     ACME-PAN-28,B0C4K7XQ2M,4006381333931,DE,12.45,EUR,active,6,
 *
 * Parsing is pure (text in, rows out) and never drops a row silently: every row that cannot be used
 * comes back as a problem with its row number (the header is row 1, as a spreadsheet shows it) and
 * the field. Column order, letter case and spacing of the header, a byte-order mark, CRLF line ends,
 * quoted fields with commas or line breaks, and semicolon-separated exports are all accepted.
 *
 * This module also holds the small CSV reader the stock file shares ({@link readCsv}).
 */
import { parseDecimal } from '#shared/domain/money.ts';
import { InvalidAmountError } from '#shared/domain/money-errors.ts';
import { type CatalogEntry, type CatalogStatus, gtinKey } from './catalog.ts';

// ---- CSV reading (shared with stock-file.ts) ------------------------------------------------

/** One record of a CSV file, numbered as a spreadsheet numbers rows (header = 1). */
export interface CsvRecord {
  readonly row: number;
  readonly cells: readonly string[];
}

/** Something wrong with one row (or the file, row 1 for the header), for the operator to fix. */
export interface FileProblem {
  readonly row: number;
  /** The column, when one field is at fault. */
  readonly field?: string;
  readonly message: string;
  /** The offending text, when there is one. */
  readonly value?: string;
}

/**
 * Splits CSV text into records (RFC 4180 with the usual tolerances): strips a byte-order mark,
 * accepts CRLF, LF or CR line ends, quoted fields with `""` escapes, commas and line breaks, and
 * uses `;` as the separator when the first line has semicolons but no commas (spreadsheet exports
 * in locales with a decimal comma). Blank lines are skipped; an unterminated quote is a problem.
 */
export function readCsv(text: string): { records: CsvRecord[]; problems: FileProblem[] } {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const firstLine = /^[^\r\n]*/.exec(src)![0];
  const separator = !firstLine.includes(',') && firstLine.includes(';') ? ';' : ',';
  const records: CsvRecord[] = [];
  const problems: FileProblem[] = [];
  let row = 0;
  let i = 0;
  const n = src.length;
  while (i < n) {
    row++;
    const cells: string[] = [];
    let cell = '';
    let endOfRecord = false;
    let unterminated = false;
    while (!endOfRecord) {
      if (src[i] === '"') {
        // Quoted field: runs to the matching quote, "" is a literal quote.
        i++;
        for (;;) {
          const quote = src.indexOf('"', i);
          if (quote < 0) {
            cell += src.slice(i);
            i = n;
            unterminated = true;
            break;
          }
          cell += src.slice(i, quote);
          i = quote + 1;
          if (src[i] === '"') {
            cell += '"';
            i++;
          } else break;
        }
      }
      // Unquoted part (or what follows a closing quote, kept as written).
      while (i < n) {
        const c = src[i];
        if (c === separator || c === '\n' || c === '\r') break;
        cell += c;
        i++;
      }
      cells.push(cell);
      cell = '';
      if (i >= n) endOfRecord = true;
      else if (src[i] === separator) i++;
      else {
        i += src[i] === '\r' && src[i + 1] === '\n' ? 2 : 1;
        endOfRecord = true;
      }
    }
    if (unterminated) {
      problems.push({ row, message: 'a quoted field is never closed: the rest of the file was not read' });
      break;
    }
    if (cells.every((c) => c.trim() === '')) continue;
    records.push({ row, cells });
  }
  return { records, problems };
}

/** A header name reduced to letters and digits, lower case: `Expected Net Cost` = `expectedNetCost`. */
function columnKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Where each known column is, from the header record. */
export interface ColumnMap<C extends string> {
  readonly index: Readonly<Partial<Record<C, number>>>;
  /** Header columns the file has that we do not read. */
  readonly ignored: readonly string[];
  readonly problems: readonly FileProblem[];
}

/** Maps header names (any order, case, spacing) to the expected columns; a missing required column is a problem. */
export function mapColumns<C extends string>(
  header: CsvRecord | undefined,
  required: readonly C[],
  optional: readonly C[],
): ColumnMap<C> {
  const problems: FileProblem[] = [];
  const index: Partial<Record<C, number>> = {};
  const ignored: string[] = [];
  if (!header) {
    return {
      index,
      ignored,
      problems: [{ row: 1, message: `the file is empty: expected a header ${required.join(',')}` }],
    };
  }
  const byKey = new Map<string, C>([...required, ...optional].map((c) => [columnKey(c), c]));
  header.cells.forEach((name, position) => {
    const column = byKey.get(columnKey(name));
    if (!column) {
      if (name.trim() !== '') ignored.push(name.trim());
      return;
    }
    if (index[column] !== undefined) {
      problems.push({ row: header.row, field: column, message: `the column ${column} appears twice` });
      return;
    }
    index[column] = position;
  });
  for (const column of required) {
    if (index[column] === undefined) {
      problems.push({ row: header.row, field: column, message: `the header has no ${column} column` });
    }
  }
  return { index, ignored, problems };
}

/** The trimmed cell of a column ('' when the row is short or the column absent). */
export function cellOf<C extends string>(record: CsvRecord, columns: ColumnMap<C>, column: C): string {
  const at = columns.index[column];
  return at === undefined ? '' : (record.cells[at] ?? '').trim();
}

/** A spreadsheet turned a long number into `4.00638E+12`: the digits are lost. */
const SCIENTIFIC = /^\d(?:[.,]\d+)?E\+?\d+$/i;

/** Reads a whole number; a problem text when it is not one. */
export function wholeNumber(text: string, opts: { min?: number } = {}): number | string {
  const normalized = /^-?\d+\.0+$/.test(text) ? text.slice(0, text.indexOf('.')) : text;
  if (!/^-?\d+$/.test(normalized)) return 'expected a whole number';
  const value = Number(normalized);
  if (!Number.isSafeInteger(value)) return 'the number is too large';
  if (opts.min !== undefined && value < opts.min) return `expected at least ${opts.min}`;
  return value;
}

// ---- the catalogue file ---------------------------------------------------------------------

const REQUIRED = [
  'sku',
  'asin',
  'ean',
  'marketplace',
  'expectedNetCost',
  'currency',
  'status',
  'leadTimeDays',
] as const;
const OPTIONAL = ['maxOrderQuantity'] as const;
type CatalogColumn = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];

const ASIN = /^[A-Z0-9]{10}$/;
const MARKETPLACE = /^[A-Z]{2}$/;
const CURRENCY = /^[A-Z]{3}$/;

/** What a catalogue file yields: the usable entries, and every row that was not used and why. */
export interface CatalogFileResult {
  readonly entries: CatalogEntry[];
  readonly problems: FileProblem[];
  /** Header columns that were not read. */
  readonly ignoredColumns: readonly string[];
}

/** Whether a GTIN (8, 12, 13 or 14 digits) has a valid GS1 check digit. */
export function isValidGtin(digits: string): boolean {
  if (!/^(\d{8}|\d{12,14})$/.test(digits)) return false;
  let sum = 0;
  const body = digits.length - 1;
  for (let i = 0; i < body; i++) {
    // Weights 3,1,3,1… counted from the digit next to the check digit.
    sum += (digits.charCodeAt(body - 1 - i) - 48) * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10 === digits.charCodeAt(body) - 48;
}

/**
 * Parses the catalogue CSV. Rows with any bad field are left out and reported, one problem per
 * field; so are a second row for the same SKU and marketplace, and an EAN or ASIN that another SKU
 * already has. `marketplaces`, when given, is the set of marketplace codes the deployment knows.
 */
export function parseCatalogFile(
  text: string,
  opts: { marketplaces?: ReadonlySet<string> } = {},
): CatalogFileResult {
  const { records, problems } = readCsv(text);
  const [header, ...rows] = records;
  const columns = mapColumns<CatalogColumn>(header, REQUIRED, OPTIONAL);
  problems.push(...columns.problems);
  if (columns.problems.length > 0) {
    return { entries: [], problems: sortProblems(problems), ignoredColumns: columns.ignored };
  }

  const entries: CatalogEntry[] = [];
  const seen = new Map<string, number>();
  const eanOwner = new Map<string, { sku: string; row: number }>();
  const asinOwner = new Map<string, { sku: string; row: number }>();

  for (const record of rows) {
    const rowProblems: FileProblem[] = [];
    const bad = (field: CatalogColumn, message: string, value: string) =>
      rowProblems.push({ row: record.row, field, message, value });
    const get = (column: CatalogColumn) => cellOf(record, columns, column);

    const sku = get('sku');
    if (sku === '') bad('sku', 'the SKU is empty', sku);

    const asinText = get('asin');
    const asin = asinText.toUpperCase();
    if (asinText !== '' && !ASIN.test(asin)) bad('asin', 'an ASIN has 10 letters or digits', asinText);

    const ean = get('ean');
    if (ean !== '') {
      if (SCIENTIFIC.test(ean)) {
        bad(
          'ean',
          'a spreadsheet turned the EAN into a number and lost digits: format the column as text',
          ean,
        );
      } else if (!isValidGtin(ean)) {
        bad('ean', 'not an EAN/UPC/GTIN: 8, 12, 13 or 14 digits with a valid check digit', ean);
      }
    }

    const marketplaceText = get('marketplace');
    const marketplace = marketplaceText.toUpperCase();
    if (!MARKETPLACE.test(marketplace)) {
      bad('marketplace', 'expected a marketplace code such as DE or US', marketplaceText);
    } else if (opts.marketplaces && !opts.marketplaces.has(marketplace)) {
      bad('marketplace', `marketplace ${marketplace} is not configured`, marketplaceText);
    }

    const currencyText = get('currency');
    const currency = currencyText.toUpperCase();
    if (!CURRENCY.test(currency)) bad('currency', 'expected a currency code such as EUR', currencyText);

    const cost = get('expectedNetCost');
    try {
      const value = parseDecimal(cost);
      if (value.units <= 0n) bad('expectedNetCost', 'a net cost must be above zero', cost);
    } catch (error) {
      bad(
        'expectedNetCost',
        error instanceof InvalidAmountError ? error.message : 'not a decimal number',
        cost,
      );
    }

    const statusText = get('status');
    const status = statusText.toLowerCase();
    if (status !== 'active' && status !== 'discontinued') {
      bad('status', 'expected active or discontinued', statusText);
    }

    const leadText = get('leadTimeDays');
    const leadTimeDays = wholeNumber(leadText, { min: 0 });
    if (typeof leadTimeDays === 'string') bad('leadTimeDays', leadTimeDays, leadText);

    const maxText = get('maxOrderQuantity');
    const maxOrderQuantity = maxText === '' ? undefined : wholeNumber(maxText, { min: 1 });
    if (typeof maxOrderQuantity === 'string') bad('maxOrderQuantity', maxOrderQuantity, maxText);

    if (rowProblems.length === 0) {
      const key = `${sku}\u0000${marketplace}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        bad('sku', `SKU ${sku} is already listed for ${marketplace} in row ${earlier}`, sku);
      }
      const eanClash = ean === '' ? undefined : otherOwner(eanOwner, gtinOf(ean), sku);
      if (eanClash)
        bad('ean', `EAN ${ean} already belongs to SKU ${eanClash.sku} (row ${eanClash.row})`, ean);
      const asinClash = asin === '' ? undefined : otherOwner(asinOwner, asin, sku);
      if (asinClash) {
        bad('asin', `ASIN ${asin} already belongs to SKU ${asinClash.sku} (row ${asinClash.row})`, asinText);
      }
    }

    if (rowProblems.length > 0) {
      problems.push(...rowProblems);
      continue;
    }
    seen.set(`${sku}\u0000${marketplace}`, record.row);
    if (ean !== '' && !eanOwner.has(gtinOf(ean))) eanOwner.set(gtinOf(ean), { sku, row: record.row });
    if (asin !== '' && !asinOwner.has(asin)) asinOwner.set(asin, { sku, row: record.row });
    entries.push({
      sku,
      ...(asin ? { asin } : {}),
      ...(ean ? { ean } : {}),
      marketplace,
      expectedNetCost: cost,
      currency,
      status: status as CatalogStatus,
      leadTimeDays: leadTimeDays as number,
      ...(maxOrderQuantity === undefined ? {} : { maxOrderQuantity: maxOrderQuantity as number }),
    });
  }
  return { entries, problems: sortProblems(problems), ignoredColumns: columns.ignored };
}

/** The SKU that already owns an identifier, when it is not `sku`. */
function otherOwner(
  owners: ReadonlyMap<string, { sku: string; row: number }>,
  key: string,
  sku: string,
): { sku: string; row: number } | undefined {
  const owner = owners.get(key);
  return owner === undefined || owner.sku === sku ? undefined : owner;
}

const gtinOf = (ean: string) => gtinKey(ean) ?? ean;

/** Problems in row order, so the report reads top to bottom like the file. */
export function sortProblems(problems: FileProblem[]): FileProblem[] {
  return problems.sort((a, b) => a.row - b.row);
}
