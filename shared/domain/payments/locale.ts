/**
 * How a Vendor Central export writes numbers and dates in each marketplace (ARCHITECTURE rule 4:
 * marketplace differences are data). The remittance export has no documented format; these are the
 * conventions seen in real exports (../shared/notes/domain.md §2.2): US/CA write `MM/DD/YYYY`, the
 * others `DD/MM/YYYY`; amounts carry currency symbols or codes and thousands separators, and the
 * continental European marketplaces write a decimal comma (`1.234,56 €`).
 */
import { type Decimal, formatDecimal, parseDecimal } from '../money.ts';

/** Order of day and month in a slashed or dotted date. */
export type DateOrder = 'MDY' | 'DMY';

/** How one marketplace's exports write numbers and dates. */
export interface ExportLocale {
  readonly dateOrder: DateOrder;
  readonly decimalSeparator: '.' | ',';
}

const DECIMAL_COMMA = new Set(['DE', 'FR', 'IT', 'ES', 'NL', 'PL', 'SE', 'BE', 'TR', 'BR', 'AT', 'PT']);
const MONTH_FIRST = new Set(['US', 'CA', 'PH']);

/** The export conventions of a marketplace (two-letter country code). */
export function exportLocale(marketplace: string): ExportLocale {
  const m = marketplace.toUpperCase();
  return {
    dateOrder: MONTH_FIRST.has(m) ? 'MDY' : 'DMY',
    decimalSeparator: DECIMAL_COMMA.has(m) ? ',' : '.',
  };
}

// Currency symbols and codes an export may put around an amount.
const CURRENCY_MARK = /(US\$|CA\$|C\$|MX\$|A\$|R\$|[$€£¥₹₺]|zł|kr|\b[A-Z]{3}\b)/gu;
// Spaces, no-break and thin spaces, apostrophes: thousands separators wherever they appear.
const GROUPING = /[\s\u00a0\u202f\u2009'’]/gu;

/**
 * The last few thousand amount and date texts read, with what they read as: an export repeats the
 * same texts (`$0.00`, the payment date, common prices) across its lines, and a cached Decimal is
 * one bigint fewer per line (Decimals are never changed, so sharing one is safe).
 */
const CACHE_SIZE = 4096;
const amountCache = new Map<string, Decimal | undefined>();
const dateCache = new Map<string, string | undefined>();
function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= CACHE_SIZE) cache.clear();
  cache.set(key, value);
  return value;
}

/**
 * An export's amount as an exact decimal: `$1,234.56`, `1.234,56 €`, `(12.00)`, `-€5`, `1 234,5`,
 * `INR 1,23,456.00`, `12.50-`. Empty text is undefined. Where both separators appear the last one
 * is the decimal separator; where only one appears the marketplace's convention decides, except
 * that a separator followed by other than three digits can only be decimal. Throws
 * InvalidAmountError (via parseDecimal) for anything else.
 */
export function parseExportAmount(text: string, locale: ExportLocale): Decimal | undefined {
  const key = locale.decimalSeparator + text;
  const cached = amountCache.get(key);
  if (cached !== undefined || amountCache.has(key)) return cached;
  const value = readExportAmount(text, locale);
  return remember(amountCache, key, value && Object.freeze(value));
}

function readExportAmount(text: string, locale: ExportLocale): Decimal | undefined {
  let s = text.trim();
  if (s === '' || s === '-') return undefined;
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1);
  }
  s = s.replace(CURRENCY_MARK, '').replace(GROUPING, '');
  if (s.endsWith('-')) {
    negative = !negative;
    s = s.slice(0, -1);
  }
  if (s.startsWith('-')) {
    negative = !negative;
    s = s.slice(1);
  } else if (s.startsWith('+')) s = s.slice(1);
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  let decimalSep: string | undefined;
  if (lastDot >= 0 && lastComma >= 0) decimalSep = lastDot > lastComma ? '.' : ',';
  else if (lastDot >= 0 || lastComma >= 0) {
    const sep = lastDot >= 0 ? '.' : ',';
    const occurrences = s.split(sep).length - 1;
    const after = s.length - s.lastIndexOf(sep) - 1;
    if (occurrences > 1) decimalSep = undefined;
    else if (after !== 3) decimalSep = sep;
    else decimalSep = locale.decimalSeparator === sep ? sep : undefined;
  }
  const grouping = decimalSep === '.' ? ',' : decimalSep === ',' ? '.' : s.includes('.') ? '.' : ',';
  let normal = s.split(grouping).join('');
  if (decimalSep === ',') normal = normal.replace(',', '.');
  const value = parseDecimal(normal === '' ? text.trim() : normal);
  return negative ? { units: -value.units, scale: value.scale } : value;
}

/** A decimal as the plain string the store and the events carry (`"-12.5"`). */
export function decimalText(value: Decimal): string {
  return formatDecimal(value);
}

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  mär: 3,
  mai: 5,
  okt: 10,
  dez: 12,
  janv: 1,
  févr: 2,
  avr: 4,
  juil: 7,
  déc: 12,
  ene: 1,
  abr: 4,
  ago: 8,
  dic: 12,
};

function isoDate(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const at = new Date(Date.UTC(year, month - 1, day));
  if (at.getUTCMonth() !== month - 1) return undefined;
  return at.toISOString().slice(0, 10);
}

/** Days from 1899-12-30 (Excel's 1900 date system, its leap-year bug included) to a date. */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/**
 * An export's date as `YYYY-MM-DD`: ISO (`2026-11-30`, with or without a time), slashed, dotted or
 * dashed in the marketplace's day/month order (`11/30/2026` US, `30/11/2026` or `30.11.2026`
 * elsewhere; two-digit years are 20xx), `30-Nov-2026` / `Nov 30, 2026`, or an Excel serial day
 * number (a date cell of an XLSX export). Undefined when the text is none of these or no real date.
 */
export function parseExportDate(text: string, locale: ExportLocale, excelSerial = false): string | undefined {
  const key = `${locale.dateOrder}${excelSerial ? 'S' : 'T'}${text}`;
  const cached = dateCache.get(key);
  if (cached !== undefined || dateCache.has(key)) return cached;
  return remember(dateCache, key, readExportDate(text, locale, excelSerial));
}

function readExportDate(text: string, locale: ExportLocale, excelSerial: boolean): string | undefined {
  const s = text.trim();
  if (excelSerial && /^\d{4,6}(\.\d+)?$/.test(s)) {
    const days = Math.floor(Number(s));
    return new Date(EXCEL_EPOCH_MS + days * 86_400_000).toISOString().slice(0, 10);
  }
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(s);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:\s.*)?$/.exec(s);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    const year = m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
    return locale.dateOrder === 'MDY' ? isoDate(year, a, b) : isoDate(year, b, a);
  }
  m = /^(\d{1,2})[\s.-]+([A-Za-zéäû]{3,5})\.?[\s.-]+(\d{4})$/.exec(s);
  if (m) {
    const month = MONTHS[m[2]!.toLowerCase()];
    return month ? isoDate(Number(m[3]), month, Number(m[1])) : undefined;
  }
  m = /^([A-Za-z]{3,5})\.?\s+(\d{1,2}),?\s+(\d{4})$/.exec(s);
  if (m) {
    const month = MONTHS[m[1]!.toLowerCase()];
    return month ? isoDate(Number(m[3]), month, Number(m[2])) : undefined;
  }
  return undefined;
}
