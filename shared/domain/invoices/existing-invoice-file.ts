/**
 * The vendor's existing invoices for the parallel run: a CSV exported from Vendor Central
 * (Payments → Invoices) or the EDI system, dropped into the inbox under `invoices/existing/`.
 * Columns (header row, any order, case-insensitive): `vendor code`, `invoice number`,
 * `invoice date`, `purchase order` (several separated by `;` or `|`), `currency`, `total`, and
 * optionally `tax`. Pure: parses and checks; every bad row is named with its field.
 */
import { parseDecimal } from '../money.ts';

export interface ExistingInvoiceRow {
  readonly vendorCode: string;
  readonly invoiceNumber: string;
  readonly invoiceDate: string;
  readonly purchaseOrderNumbers: string[];
  readonly currency: string;
  readonly total: string;
  readonly taxTotal?: string;
}

const COLUMNS: Record<string, keyof ExistingInvoiceRow> = {
  'vendor code': 'vendorCode',
  'invoice number': 'invoiceNumber',
  'invoice date': 'invoiceDate',
  'purchase order': 'purchaseOrderNumbers',
  'purchase orders': 'purchaseOrderNumbers',
  currency: 'currency',
  total: 'total',
  'invoice amount': 'total',
  tax: 'taxTotal',
  'tax amount': 'taxTotal',
};

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  out.push(cell.trim());
  return out;
}

/** The rows of the file, and every problem by row and field (rows with a problem are left out). */
export function parseExistingInvoiceFile(text: string): {
  rows: ExistingInvoiceRow[];
  problems: { row: number; field: string; message: string }[];
} {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const problems: { row: number; field: string; message: string }[] = [];
  const header = splitCsvLine(lines[0] ?? '').map((h) => COLUMNS[h.toLowerCase()]);
  for (const required of [
    'vendorCode',
    'invoiceNumber',
    'invoiceDate',
    'purchaseOrderNumbers',
    'currency',
    'total',
  ] as const) {
    if (!header.includes(required))
      problems.push({ row: 1, field: required, message: 'column missing from the header' });
  }
  if (problems.length > 0) return { rows: [], problems };
  const rows: ExistingInvoiceRow[] = [];
  lines.slice(1).forEach((line, i) => {
    const row = i + 2;
    const cells = splitCsvLine(line);
    const value = (field: keyof ExistingInvoiceRow) => cells[header.indexOf(field)] ?? '';
    const bad = (field: string, message: string) => problems.push({ row, field, message });
    const before = problems.length;
    if (!/^[A-Z0-9]{3,10}$/.test(value('vendorCode')))
      bad('vendor code', 'expected 3–10 upper-case letters or digits');
    if (!value('invoiceNumber')) bad('invoice number', 'required');
    const date = value('invoiceDate');
    if (Number.isNaN(Date.parse(date))) bad('invoice date', `"${date}" is not a date (YYYY-MM-DD)`);
    const pos = value('purchaseOrderNumbers')
      .split(/[;|]/)
      .map((p) => p.trim())
      .filter(Boolean);
    if (pos.length === 0 || pos.some((p) => !/^[A-Z0-9]{8}$/.test(p)))
      bad('purchase order', 'expected one or more 8-character PO numbers');
    if (!/^[A-Z]{3}$/.test(value('currency'))) bad('currency', 'expected a currency code such as EUR');
    for (const [field, name] of [
      ['total', 'total'],
      ['taxTotal', 'tax'],
    ] as const) {
      const amount = value(field);
      if (field === 'taxTotal' && amount === '') continue;
      try {
        parseDecimal(amount);
      } catch {
        bad(name, `"${amount}" is not an amount such as 1234.50`);
      }
    }
    if (problems.length > before) return;
    rows.push({
      vendorCode: value('vendorCode'),
      invoiceNumber: value('invoiceNumber'),
      invoiceDate: new Date(Date.parse(date)).toISOString(),
      purchaseOrderNumbers: pos,
      currency: value('currency'),
      total: value('total'),
      ...(value('taxTotal') ? { taxTotal: value('taxTotal') } : {}),
    });
  });
  return { rows, problems };
}
