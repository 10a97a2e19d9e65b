/**
 * Decimal money without floats (ARCHITECTURE rule 2): an amount is a bigint of units at a decimal
 * scale, so `12.45 EUR` is `{ units: 1245n, scale: 2 }` and no arithmetic ever rounds.
 *
 * Amounts enter as Amazon's decimal strings (the models' `Decimal`, DECIMAL_PATTERN) and leave as
 * strings with at least the currency's minor digits (`12.50 EUR`, `1200 JPY`) and more only when
 * the amount has them (`0.125 USD` stays `0.125`, a unit cost can carry fractions of a cent).
 */
import { CurrencyMismatchError, InvalidAmountError, InvalidQuantityError } from './money-errors.ts';

/** A decimal number: `units × 10^-scale`. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

/** An amount in one currency (ISO 4217 code). */
export interface Money extends Decimal {
  readonly currency: string;
}

/**
 * Most decimal places an amount may have. Amazon's costs carry two to four; eighteen leaves room
 * for any unit cost while keeping a bogus `1e-400000` from turning into a megabyte of zeros.
 */
export const MAX_SCALE = 18;
/** Most significant digits an amount may have (as DECIMAL(38) in databases). */
export const MAX_DIGITS = 38;

// Digits after the decimal point per ISO 4217, where it is not 2. Currency data rather than
// marketplace data, so it lives here and not in the marketplace table (ARCHITECTURE rule 4).
const MINOR_DIGITS: Readonly<Record<string, number>> = {
  BHD: 3,
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  IQD: 3,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  PYG: 0,
  RWF: 0,
  TND: 3,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
};

const CURRENCY = /^[A-Z]{3}$/;
// Accepts exactly what DECIMAL_PATTERN accepts (sp-api/schemas/common.ts), with capture groups.
const DECIMAL = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
// An exponent beyond this cannot yield an amount within MAX_SCALE / MAX_DIGITS whatever the digits.
const MAX_EXPONENT_DIGITS = 6;

const POW10: bigint[] = [1n];
function pow10(n: number): bigint {
  for (let i = POW10.length; i <= n; i++) POW10.push(POW10[i - 1]! * 10n);
  return POW10[n]!;
}

/** Digits after the decimal point of a currency: 0 for JPY, 3 for KWD, 2 for most. */
export function currencyMinorDigits(currency: string): number {
  return MINOR_DIGITS[currency] ?? 2;
}

/**
 * Parses a decimal string (`"12.45"`, `"-0.5"`, `"1.2e3"`) exactly. Throws InvalidAmountError for
 * anything else, and for values that would need more than MAX_SCALE decimals or MAX_DIGITS digits.
 */
export function parseDecimal(text: string): Decimal {
  const match = DECIMAL.exec(text);
  if (!match) {
    const hint = /^-?\d+,\d+$/.test(text) ? ' (use a point as the decimal separator)' : '';
    throw new InvalidAmountError(`"${text}" is not a decimal number such as "12.50"${hint}`, [
      { path: '(amount)', message: `not a decimal number${hint}` },
    ]);
  }
  const [, sign, integer, fraction = '', exponentText] = match;
  const exponentDigits = exponentText?.replace(/^[+-]/, '') ?? '';
  if (exponentDigits.replace(/^0+/, '').length > MAX_EXPONENT_DIGITS) {
    throw tooLarge(text, 'its exponent is out of range');
  }
  const exponent = exponentText === undefined ? 0 : Number.parseInt(exponentText, 10);
  let digits = (integer! + fraction).replace(/^0+(?=\d)/, '');
  let scale = fraction.length - exponent;
  // Trailing zeros after the point carry no value; dropping them keeps 1.500000…0 representable.
  while (scale > 0 && digits.length > 1 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    scale--;
  }
  if (digits === '0') return { units: 0n, scale: 0 };
  if (scale > MAX_SCALE) {
    throw tooLarge(text, `it has ${scale} decimal places; at most ${MAX_SCALE} can be held exactly`);
  }
  const significant = digits.length + Math.max(0, -scale);
  if (significant > MAX_DIGITS) {
    throw tooLarge(text, `it has ${significant} digits; at most ${MAX_DIGITS} can be held exactly`);
  }
  let units = BigInt(digits);
  if (scale < 0) {
    units *= pow10(-scale);
    scale = 0;
  }
  return { units: sign === '-' ? -units : units, scale };
}

function tooLarge(text: string, why: string): InvalidAmountError {
  return new InvalidAmountError(`Cannot represent "${text}" exactly: ${why}`, [
    { path: '(amount)', message: why },
  ]);
}

/** Checks an ISO 4217 code: three upper-case letters. */
export function assertCurrency(currency: string): void {
  if (!CURRENCY.test(currency)) {
    throw new InvalidAmountError(`"${currency}" is not a currency code such as "EUR"`, [
      { path: '(currency)', message: 'expected three upper-case letters' },
    ]);
  }
}

/** Parses an amount such as `"12.45"` in `currency`. Throws InvalidAmountError. */
export function parseMoney(amount: string, currency: string): Money {
  assertCurrency(currency);
  const { units, scale } = parseDecimal(amount);
  return { currency, units, scale };
}

/** An amount from integer minor units: `moneyFromMinorUnits(1245, 'EUR')` is 12.45 EUR. */
export function moneyFromMinorUnits(minor: bigint | number, currency: string): Money {
  assertCurrency(currency);
  return { currency, units: BigInt(toInteger(minor)), scale: currencyMinorDigits(currency) };
}

/** Zero in a currency. */
export function zeroMoney(currency: string): Money {
  assertCurrency(currency);
  return { currency, units: 0n, scale: 0 };
}

function toInteger(quantity: bigint | number): bigint | number {
  if (typeof quantity === 'bigint') return quantity;
  if (!Number.isSafeInteger(quantity)) {
    throw new InvalidQuantityError(`${quantity} is not a whole quantity`);
  }
  return quantity;
}

function sameCurrency(operation: string, a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(operation, formatMoney(a), formatMoney(b));
}

/** `a` and `b` as units at their common (larger) scale. */
function aligned(a: Decimal, b: Decimal): [bigint, bigint, number] {
  if (a.scale === b.scale) return [a.units, b.units, a.scale];
  if (a.scale > b.scale) return [a.units, b.units * pow10(a.scale - b.scale), a.scale];
  return [a.units * pow10(b.scale - a.scale), b.units, b.scale];
}

/** a + b (same currency, else CurrencyMismatchError). */
export function addMoney(a: Money, b: Money): Money {
  sameCurrency('add', a, b);
  const [x, y, scale] = aligned(a, b);
  return { currency: a.currency, units: x + y, scale };
}

/** a − b (same currency, else CurrencyMismatchError). */
export function subtractMoney(a: Money, b: Money): Money {
  sameCurrency('subtract', a, b);
  const [x, y, scale] = aligned(a, b);
  return { currency: a.currency, units: x - y, scale };
}

/** The sum of `amounts`, zero in `currency` when empty. */
export function sumMoney(amounts: readonly Money[], currency: string): Money {
  let total = zeroMoney(currency);
  for (const amount of amounts) total = addMoney(total, amount);
  return total;
}

/** An amount times a whole quantity (a unit cost × the units ordered). */
export function multiplyMoney(amount: Money, quantity: bigint | number): Money {
  return {
    currency: amount.currency,
    units: amount.units * BigInt(toInteger(quantity)),
    scale: amount.scale,
  };
}

/** −amount. */
export function negateMoney(amount: Money): Money {
  return { ...amount, units: -amount.units };
}

/** |amount|. */
export function absMoney(amount: Money): Money {
  return amount.units < 0n ? negateMoney(amount) : amount;
}

/** −1, 0 or 1 as a is less than, equal to or greater than b (same currency). */
export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  sameCurrency('compare', a, b);
  return compareDecimal(a, b);
}

/** −1, 0 or 1 as a is less than, equal to or greater than b. */
export function compareDecimal(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Whether two amounts are the same currency and value (`12.5 EUR` equals `12.50 EUR`). */
export function moneyEquals(a: Money, b: Money): boolean {
  return a.currency === b.currency && compareDecimal(a, b) === 0;
}

/** Whether the amount is zero. */
export function isZeroMoney(amount: Money): boolean {
  return amount.units === 0n;
}

/** Whether the amount is above zero. */
export function isPositiveMoney(amount: Money): boolean {
  return amount.units > 0n;
}

/** How far `actual` may be from `expected` and still count as equal. */
export interface MoneyTolerance {
  /** At most this much apart (in the currency of the amounts compared). */
  readonly absolute?: Money;
  /** At most this percentage of `expected` apart, e.g. `{ units: 2n, scale: 0 }` for 2 %. */
  readonly percent?: Decimal;
}

/**
 * Whether `actual` equals `expected` within the tolerance: within the absolute amount **or**
 * within the percentage of `expected`, whichever is given. Without a tolerance, exact equality.
 */
export function isWithinTolerance(actual: Money, expected: Money, tolerance: MoneyTolerance = {}): boolean {
  sameCurrency('compare', actual, expected);
  const [x, y, scale] = aligned(actual, expected);
  const diff = x > y ? x - y : y - x;
  if (diff === 0n) return true;
  const { absolute, percent } = tolerance;
  if (absolute !== undefined) {
    sameCurrency('compare', actual, absolute);
    if (compareDecimal({ units: diff, scale }, absMoney(absolute)) <= 0) return true;
  }
  if (percent !== undefined) {
    // diff / 10^scale × 100 ≤ p / 10^ps × |y| / 10^scale  ⇔  diff × 100 × 10^ps ≤ p × |y|
    const base = y < 0n ? -y : y;
    if (diff * 100n * pow10(percent.scale) <= percent.units * base) return true;
  }
  return false;
}

/**
 * |actual − expected| as a percentage of |expected|, rounded half up to `digits` decimals
 * (`"4.2"`), or undefined when `expected` is zero.
 */
export function percentDifference(actual: Money, expected: Money, digits = 1): string | undefined {
  sameCurrency('compare', actual, expected);
  const [x, y] = aligned(actual, expected);
  if (y === 0n) return undefined;
  const diff = x > y ? x - y : y - x;
  const base = y < 0n ? -y : y;
  const numerator = diff * 100n * pow10(digits);
  const rounded = (2n * numerator + base) / (2n * base);
  return formatDecimal({ units: rounded, scale: digits }, digits);
}

/**
 * A decimal as a string with at least `minDigits` decimals and more only when the value has them
 * (trailing zeros beyond `minDigits` dropped).
 */
export function formatDecimal(value: Decimal, minDigits = 0): string {
  let { units, scale } = value;
  while (scale > minDigits && units % 10n === 0n) {
    units /= 10n;
    scale--;
  }
  if (scale < minDigits) {
    units *= pow10(minDigits - scale);
    scale = minDigits;
  }
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

/** The amount as Amazon's decimal string with the currency's minor digits: `"12.40"`, `"1200"`. */
export function formatAmount(amount: Money): string {
  return formatDecimal(amount, currencyMinorDigits(amount.currency));
}

/** The amount for people: `"12.40 EUR"`. */
export function formatMoney(amount: Money): string {
  return `${formatAmount(amount)} ${amount.currency}`;
}
