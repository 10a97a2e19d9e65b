import { parseMoney } from '../money.ts';
import {
  type CsvRecord,
  cellOf,
  type FileProblem,
  mapColumns,
  wholeNumber,
} from '../purchase-orders/catalog-file.ts';
import { parseInstant } from '../purchase-orders/stock-file.ts';
import {
  CREDIT_RESPONSE_HOURS,
  type ReturnReceivedDetail,
  returnReceivedDetailSchema,
} from './credit-request.ts';

/**
 * A Vendor Central returns export (CSV or XLSX, read row by row by the adapter) turned into one
 * `ReturnReceived` per return reference. One row per returned item; the rows of one return share
 * its reference, vendor code, marketplace, currency and date. Column names are matched in any
 * order, case and spacing (`Return ID` = `returnId`). Pure: the rows come in, details and problems
 * go out.
 *
 * A return with any bad row is not raised at all (a memo for part of a return would be wrong);
 * every bad row is reported with its spreadsheet row number, so nothing is lost silently.
 */

export const RETURNS_REQUIRED_COLUMNS = [
  'returnId',
  'vendorCode',
  'marketplace',
  'returnDate',
  'quantity',
  'currency',
] as const;
export const RETURNS_OPTIONAL_COLUMNS = [
  'status',
  'asin',
  'vendorSku',
  'poNumber',
  'unitCost',
  'reason',
  'debitNoteNumber',
  'rmaId',
  'vretNumber',
] as const;
type Column = (typeof RETURNS_REQUIRED_COLUMNS)[number] | (typeof RETURNS_OPTIONAL_COLUMNS)[number];

/** What a returns export yields. */
export interface ReturnsFileResult {
  readonly returns: ReturnReceivedDetail[];
  readonly problems: FileProblem[];
  readonly rows: number;
}

const ASIN = /^[A-Z0-9]{10}$/;
const MARKETPLACE = /^[A-Z]{2}$/;
const CURRENCY = /^[A-Z]{3}$/;

/** The `respondBy` of a return raised at `returnDate` (ISO): 72 hours later. */
export function responseDeadline(at: string): string {
  return new Date(Date.parse(at) + CREDIT_RESPONSE_HOURS * 3_600_000).toISOString();
}

/** Parses the records of a returns export: the first record is the header. */
export function parseReturnsRecords(records: readonly CsvRecord[]): ReturnsFileResult {
  const [header, ...rows] = records;
  const columns = mapColumns<Column>(header, RETURNS_REQUIRED_COLUMNS, RETURNS_OPTIONAL_COLUMNS);
  if (columns.problems.length > 0) return { returns: [], problems: [...columns.problems], rows: rows.length };
  const problems: FileProblem[] = [];
  const groups = new Map<
    string,
    { first: number; rows: number[]; detail?: ReturnReceivedDetail; bad: boolean }
  >();

  for (const record of rows) {
    const cell = (c: Column) => cellOf(record, columns, c);
    const rowProblems: FileProblem[] = [];
    const problem = (field: Column, message: string, value?: string) =>
      rowProblems.push({ row: record.row, field, message, ...(value ? { value } : {}) });

    const returnId = cell('returnId');
    const vendorCode = cell('vendorCode');
    if (!returnId) problem('returnId', 'the return reference is missing');
    if (!vendorCode) problem('vendorCode', 'the vendor code is missing');
    const marketplace = cell('marketplace').toUpperCase();
    if (!MARKETPLACE.test(marketplace))
      problem('marketplace', 'expected a two-letter marketplace', marketplace);
    const currency = cell('currency').toUpperCase();
    if (!CURRENCY.test(currency)) problem('currency', 'expected a three-letter currency code', currency);
    const returnDate = parseInstant(cell('returnDate'));
    if (typeof returnDate !== 'string') problem('returnDate', returnDate.problem, cell('returnDate'));
    const quantity = wholeNumber(cell('quantity'), { min: 1 });
    if (typeof quantity === 'string') problem('quantity', quantity, cell('quantity'));
    const asin = cell('asin').toUpperCase();
    const vendorSku = cell('vendorSku');
    if (asin && !ASIN.test(asin)) problem('asin', 'expected a 10-character ASIN', asin);
    if (!asin && !vendorSku) problem('asin', 'the row names no item: expected an ASIN or a vendor SKU');
    const unitCostText = cell('unitCost')
      .replace(/[^\d.,-]/g, '')
      .replace(',', '.');
    let unitCost: string | undefined;
    if (cell('unitCost')) {
      try {
        if (!CURRENCY.test(currency)) throw new Error('no currency');
        const money = parseMoney(unitCostText, currency);
        if (money.units <= 0n) throw new Error('not positive');
        unitCost = unitCostText;
      } catch {
        problem('unitCost', 'expected a positive amount', cell('unitCost'));
      }
    }

    const key = `${vendorCode}#${returnId}`;
    let group = groups.get(key);
    if (!group) {
      group = { first: record.row, rows: [], bad: false };
      groups.set(key, group);
    }
    group.rows.push(record.row);
    if (rowProblems.length > 0 || typeof returnDate !== 'string' || typeof quantity === 'string') {
      problems.push(...rowProblems);
      group.bad = true;
      continue;
    }
    const item = {
      ...(asin ? { asin } : {}),
      ...(vendorSku ? { vendorSku } : {}),
      ...(cell('poNumber') ? { purchaseOrderNumber: cell('poNumber') } : {}),
      quantity,
      ...(unitCost ? { unitCost } : {}),
      ...(cell('reason') ? { reason: cell('reason') } : {}),
    };
    if (!group.detail) {
      const optional = (c: Column) => (cell(c) ? cell(c) : undefined);
      const candidate = {
        vendorCode,
        marketplace,
        returnReference: returnId,
        source: 'returns-export' as const,
        returnDate,
        respondBy: responseDeadline(returnDate),
        currency,
        items: [item],
        ...(optional('status') ? { status: optional('status') } : {}),
        ...(optional('debitNoteNumber') ? { debitNoteNumber: optional('debitNoteNumber') } : {}),
        ...(optional('rmaId') ? { rmaId: optional('rmaId') } : {}),
        ...(optional('vretNumber') ? { consignorsReferenceNumber: optional('vretNumber') } : {}),
      };
      group.detail = returnReceivedDetailSchema.parse(candidate);
      continue;
    }
    const d = group.detail;
    const mismatch = (
      [
        ['marketplace', d.marketplace, marketplace],
        ['currency', d.currency, currency],
        ['returnDate', d.returnDate, returnDate],
      ] as const
    ).find(([, a, b]) => a !== b);
    if (mismatch) {
      problems.push({
        row: record.row,
        field: mismatch[0],
        message: `return ${returnId} has another ${mismatch[0]} on row ${group.first}`,
        value: mismatch[2],
      });
      group.bad = true;
      continue;
    }
    group.detail = { ...d, items: [...d.items, item] };
  }

  const returns: ReturnReceivedDetail[] = [];
  for (const [key, group] of groups) {
    if (!group.bad && group.detail) {
      returns.push(group.detail);
      continue;
    }
    const bad = new Set(problems.map((p) => p.row));
    for (const row of group.rows) {
      if (!bad.has(row)) {
        problems.push({
          row,
          message: `not raised: return ${key.split('#').slice(1).join('#')} has a bad row (rows ${group.rows.join(', ')})`,
        });
      }
    }
  }
  problems.sort((a, b) => a.row - b.row);
  return { returns, problems, rows: rows.length };
}
