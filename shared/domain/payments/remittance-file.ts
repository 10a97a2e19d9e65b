/**
 * The Vendor Central remittance export (Payments → Remittance → Export), CSV or XLSX, read row by
 * row so a file of a million lines never sits in memory. Pure: rows in (from
 * shared/files/csv-rows.ts or shared/files/xlsx-rows.ts), lines and problems out.
 *
 * Layouts accepted (../shared/notes/domain.md §2.2): an optional payment block first — either
 * label/value rows (`Payment Number`, `12345`) or a one-row summary table under a header with
 * `Payment Number` and `Payment Date` — then, after an optional `Invoices` row, the invoice table
 * whose header has at least `Invoice Number`, `Invoice Amount` and `Amount Paid` (or the non-NA
 * `Net Amount Paid`). A flat table with a `Payment Number` column needs no payment block. Header
 * names are matched without regard to case, spacing or punctuation. A file with no invoice table
 * header in its first rows is an unknown layout: one clear error, nothing imported.
 */
import { currencyMinorDigits, type Decimal } from '../money.ts';
import { InvalidAmountError } from '../money-errors.ts';
import { UnknownRemittanceLayoutError } from './errors.ts';
import { type ExportLocale, parseExportAmount, parseExportDate } from './locale.ts';

/** One row of a sheet or CSV file, numbered as a spreadsheet numbers rows (first = 1). */
export interface SheetRow {
  readonly row: number;
  readonly cells: readonly string[];
  /** Per cell: a number cell of an XLSX file (its text is the plain value, its dates serials). */
  readonly numeric?: readonly boolean[];
}

/** Something wrong with one row, for the operator to fix; the row is not imported. */
export interface RowProblem {
  readonly row: number;
  readonly field?: string;
  readonly message: string;
  readonly value?: string;
}

/** One line of a remittance as the file states it (amounts signed as Amazon writes them). */
export interface RemittanceLine {
  readonly row: number;
  readonly paymentNumber: string;
  /** `YYYY-MM-DD`. */
  readonly paymentDate: string;
  readonly invoiceNumber: string;
  readonly invoiceDate?: string;
  readonly transactionType?: string;
  readonly description?: string;
  readonly referenceDetails?: string;
  readonly originalInvoiceNumber?: string;
  readonly currency: string;
  readonly invoiceAmount: Decimal;
  readonly withholdingAmount: Decimal;
  readonly termsDiscount: Decimal;
  readonly amountPaid: Decimal;
  readonly remainingAmount?: Decimal;
}

/** The payment the file is about (from its payment block), when it has one. */
export interface RemittancePayment {
  readonly paymentNumber?: string;
  readonly paymentDate?: string;
  readonly currency?: string;
  readonly amount?: Decimal;
}

type Field =
  | 'paymentNumber'
  | 'paymentDate'
  | 'invoiceNumber'
  | 'invoiceDate'
  | 'transactionType'
  | 'description'
  | 'referenceDetails'
  | 'originalInvoiceNumber'
  | 'invoiceAmount'
  | 'invoiceCurrency'
  | 'withholdingAmount'
  | 'termsDiscount'
  | 'amountPaid'
  | 'remainingAmount'
  | 'paymentCurrency'
  | 'paymentAmount';

const norm = (s: string) => s.toLowerCase().replace(/[^a-z]/g, '');

/** Header text (normalized) → field. */
const HEADERS: Readonly<Record<string, Field>> = {
  paymentnumber: 'paymentNumber',
  paymentdate: 'paymentDate',
  invoicenumber: 'invoiceNumber',
  invoicedate: 'invoiceDate',
  transactiontype: 'transactionType',
  transactiondescription: 'description',
  description: 'description',
  referencedetails: 'referenceDetails',
  originalinvoicenumber: 'originalInvoiceNumber',
  invoiceamount: 'invoiceAmount',
  invoicecurrency: 'invoiceCurrency',
  withholdingamount: 'withholdingAmount',
  termsdiscounttaken: 'termsDiscount',
  amountpaid: 'amountPaid',
  netamountpaid: 'amountPaid',
  remainingamount: 'remainingAmount',
  paymentcurrency: 'paymentCurrency',
  amountinpaymentcurrency: 'paymentAmount',
  amountininvoicecurrency: 'paymentAmount',
};

/** The display names of the fields, for problems. */
const LABEL: Readonly<Record<Field, string>> = {
  paymentNumber: 'Payment Number',
  paymentDate: 'Payment Date',
  invoiceNumber: 'Invoice Number',
  invoiceDate: 'Invoice Date',
  transactionType: 'Transaction type',
  description: 'Transaction Description',
  referenceDetails: 'Reference Details',
  originalInvoiceNumber: 'Original Invoice Number',
  invoiceAmount: 'Invoice Amount',
  invoiceCurrency: 'Invoice Currency',
  withholdingAmount: 'Withholding Amount',
  termsDiscount: 'Terms Discount Taken',
  amountPaid: 'Amount Paid',
  remainingAmount: 'Remaining Amount',
  paymentCurrency: 'Payment Currency',
  paymentAmount: 'Amount in Payment Currency',
};

/** How far into the file the invoice table header must start. */
const MAX_PREAMBLE_ROWS = 40;

function columnsOf(cells: readonly string[]): Map<Field, number> {
  const columns = new Map<Field, number>();
  cells.forEach((cell, i) => {
    const field = HEADERS[norm(cell)];
    if (field && !columns.has(field)) columns.set(field, i);
  });
  return columns;
}

const isInvoiceHeader = (c: Map<Field, number>) =>
  c.has('invoiceNumber') && c.has('amountPaid') && c.has('invoiceAmount');

/** What the parser yields, row by row. */
export type RemittanceItem =
  | { readonly type: 'line'; readonly line: RemittanceLine }
  | { readonly type: 'problem'; readonly problem: RowProblem };

/** Options of {@link parseRemittanceRows}. */
export interface RemittanceParseOptions {
  readonly locale: ExportLocale;
  /** The marketplace's currency, for amounts whose row names none. */
  readonly currency: string;
}

const CURRENCY_CODE = /^[A-Z]{3}$/;

/**
 * Reads a remittance export row by row: yields each good line and each bad row's problem (its row
 * number, column and text). Throws UnknownRemittanceLayoutError when no invoice table header shows
 * in the first rows.
 */
export async function* parseRemittanceRows(
  rows: AsyncIterable<SheetRow>,
  options: RemittanceParseOptions,
): AsyncGenerator<RemittanceItem> {
  const { locale } = options;
  const payment: { paymentNumber?: string; paymentDate?: string; currency?: string } = {};
  let summaryColumns: Map<Field, number> | undefined;
  let columns: Map<Field, number> | undefined;
  let seen = 0;

  for await (const { row, cells, numeric } of rows) {
    seen++;
    if (cells.every((c) => c.trim() === '')) continue;
    if (!columns) {
      const header = columnsOf(cells);
      if (isInvoiceHeader(header)) {
        columns = header;
        continue;
      }
      if (summaryColumns) {
        // The one row under a payment summary header.
        const at = (f: Field) => {
          const i = summaryColumns!.get(f);
          return i === undefined ? '' : (cells[i] ?? '').trim();
        };
        if (at('paymentNumber')) payment.paymentNumber = at('paymentNumber');
        const date = at('paymentDate');
        const dateNumeric = numeric?.[summaryColumns.get('paymentDate') ?? -1] ?? false;
        if (date) payment.paymentDate = parseExportDate(date, locale, dateNumeric);
        const currency = at('paymentCurrency') || at('invoiceCurrency');
        if (CURRENCY_CODE.test(currency)) payment.currency = currency;
        summaryColumns = undefined;
        continue;
      }
      if (header.has('paymentNumber') && header.has('paymentDate')) {
        summaryColumns = header;
        continue;
      }
      // A label/value row of the payment block.
      const label = HEADERS[norm(cells[0] ?? '')];
      const value = (cells.slice(1).find((c) => c.trim() !== '') ?? '').trim();
      if (label === 'paymentNumber' && value) payment.paymentNumber = value;
      if (label === 'paymentDate' && value)
        payment.paymentDate = parseExportDate(value, locale, numeric?.[1] ?? false);
      if ((label === 'paymentCurrency' || label === 'invoiceCurrency') && CURRENCY_CODE.test(value)) {
        payment.currency = value;
      }
      if (seen >= MAX_PREAMBLE_ROWS) throw unknownLayout(row);
      continue;
    }
    yield parseLine(row, cells, numeric, columns, payment, options);
  }
  if (!columns) throw unknownLayout(seen);
}

function unknownLayout(row: number): UnknownRemittanceLayoutError {
  return new UnknownRemittanceLayoutError(
    `Not a remittance export: no invoice table header (Invoice Number, Invoice Amount, Amount Paid) in the first ${Math.min(row, MAX_PREAMBLE_ROWS)} rows`,
  );
}

/** A zero amount shared by every line without withholding or terms discount (Decimals are immutable). */
const ZERO: Decimal = Object.freeze({ units: 0n, scale: 0 });

/** The cell of a field in a row, trimmed ('' when the file has no such column). */
function cellText(cells: readonly string[], columns: Map<Field, number>, field: Field): string {
  const i = columns.get(field);
  if (i === undefined) return '';
  const cell = cells[i];
  return cell === undefined ? '' : cell.trim();
}

function problemAt(row: number, field: Field | undefined, message: string, value?: string): RemittanceItem {
  return {
    type: 'problem',
    problem: {
      row,
      ...(field ? { field: LABEL[field] } : {}),
      message,
      ...(value !== undefined ? { value } : {}),
    },
  };
}

/** An amount cell: undefined when empty, `problem` when it is not an amount. */
function amountOf(
  cells: readonly string[],
  numeric: readonly boolean[] | undefined,
  columns: Map<Field, number>,
  field: Field,
  currency: string,
  locale: ExportLocale,
): Decimal | undefined | 'problem' {
  const raw = cellText(cells, columns, field);
  if (raw === '') return undefined;
  try {
    return numeric?.[columns.get(field) ?? -1] ? excelNumber(raw, currency) : parseExportAmount(raw, locale);
  } catch (error) {
    if (error instanceof InvalidAmountError) return 'problem';
    throw error;
  }
}

// One line per row of a file of up to a million: no closures or intermediate objects per line,
// amounts and dates parsed through the locale's caches (the same few texts repeat).
function parseLine(
  row: number,
  cells: readonly string[],
  numeric: readonly boolean[] | undefined,
  columns: Map<Field, number>,
  payment: { paymentNumber?: string; paymentDate?: string; currency?: string },
  options: RemittanceParseOptions,
): RemittanceItem {
  const { locale } = options;
  const invoiceNumber = cellText(cells, columns, 'invoiceNumber');
  if (!invoiceNumber) return problemAt(row, 'invoiceNumber', 'the invoice number is empty');
  const paymentNumber = cellText(cells, columns, 'paymentNumber') || payment.paymentNumber;
  if (!paymentNumber)
    return problemAt(row, 'paymentNumber', 'no payment number in the row or the payment block');
  let paymentDate = payment.paymentDate;
  const paymentDateText = cellText(cells, columns, 'paymentDate');
  if (paymentDateText) {
    paymentDate = parseExportDate(paymentDateText, locale, numeric?.[columns.get('paymentDate')!] ?? false);
    if (!paymentDate) return problemAt(row, 'paymentDate', 'not a date', paymentDateText);
  }
  if (!paymentDate) return problemAt(row, 'paymentDate', 'no payment date in the row or the payment block');
  let invoiceDate: string | undefined;
  const invoiceDateText = cellText(cells, columns, 'invoiceDate');
  if (invoiceDateText) {
    invoiceDate = parseExportDate(invoiceDateText, locale, numeric?.[columns.get('invoiceDate')!] ?? false);
    if (!invoiceDate) return problemAt(row, 'invoiceDate', 'not a date', invoiceDateText);
  }
  const currency = cellText(cells, columns, 'invoiceCurrency') || payment.currency || options.currency;
  if (!CURRENCY_CODE.test(currency))
    return problemAt(row, 'invoiceCurrency', 'not a currency code', currency);

  const invoiceAmount = amountOf(cells, numeric, columns, 'invoiceAmount', currency, locale);
  if (invoiceAmount === 'problem')
    return problemAt(row, 'invoiceAmount', 'not an amount', cellText(cells, columns, 'invoiceAmount'));
  const amountPaid = amountOf(cells, numeric, columns, 'amountPaid', currency, locale);
  if (amountPaid === 'problem')
    return problemAt(row, 'amountPaid', 'not an amount', cellText(cells, columns, 'amountPaid'));
  const withholdingAmount = amountOf(cells, numeric, columns, 'withholdingAmount', currency, locale);
  if (withholdingAmount === 'problem')
    return problemAt(
      row,
      'withholdingAmount',
      'not an amount',
      cellText(cells, columns, 'withholdingAmount'),
    );
  const termsDiscount = amountOf(cells, numeric, columns, 'termsDiscount', currency, locale);
  if (termsDiscount === 'problem')
    return problemAt(row, 'termsDiscount', 'not an amount', cellText(cells, columns, 'termsDiscount'));
  const remainingAmount = amountOf(cells, numeric, columns, 'remainingAmount', currency, locale);
  if (remainingAmount === 'problem')
    return problemAt(row, 'remainingAmount', 'not an amount', cellText(cells, columns, 'remainingAmount'));
  if (!invoiceAmount) return problemAt(row, 'invoiceAmount', 'the invoice amount is empty');
  if (!amountPaid) return problemAt(row, 'amountPaid', 'the amount paid is empty');

  const line: { -readonly [K in keyof RemittanceLine]: RemittanceLine[K] } = {
    row,
    paymentNumber,
    paymentDate,
    invoiceNumber,
    currency,
    invoiceAmount,
    withholdingAmount: withholdingAmount ?? ZERO,
    termsDiscount: termsDiscount ?? ZERO,
    amountPaid,
  };
  if (invoiceDate) line.invoiceDate = invoiceDate;
  const transactionType = cellText(cells, columns, 'transactionType');
  if (transactionType) line.transactionType = transactionType;
  const description = cellText(cells, columns, 'description');
  if (description) line.description = description;
  const referenceDetails = cellText(cells, columns, 'referenceDetails');
  if (referenceDetails) line.referenceDetails = referenceDetails;
  const originalInvoiceNumber = cellText(cells, columns, 'originalInvoiceNumber');
  if (originalInvoiceNumber) line.originalInvoiceNumber = originalInvoiceNumber;
  if (remainingAmount) line.remainingAmount = remainingAmount;
  return { type: 'line', line };
}

/**
 * A number cell of an XLSX file: a binary double written as text (`1234.5`, sometimes
 * `1234.5600000000001`), rounded half away from zero to the currency's minor digits when it has
 * more than four extra digits of float noise.
 */
function excelNumber(raw: string, currency: string): Decimal {
  const value = parseExportAmount(raw, { dateOrder: 'DMY', decimalSeparator: '.' });
  if (!value) throw new InvalidAmountError(`"${raw}" is not a number`, []);
  const digits = currencyMinorDigits(currency);
  if (value.scale <= digits + 4) return value;
  const drop = 10n ** BigInt(value.scale - digits);
  const negative = value.units < 0n;
  const abs = negative ? -value.units : value.units;
  const rounded = (abs + drop / 2n) / drop;
  return { units: negative ? -rounded : rounded, scale: digits };
}
