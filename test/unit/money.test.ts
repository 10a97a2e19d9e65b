import { describe, expect, it } from 'vitest';
import {
  addMoney,
  compareMoney,
  currencyMinorDigits,
  formatAmount,
  formatMoney,
  isWithinTolerance,
  MAX_DIGITS,
  type Money,
  moneyEquals,
  moneyFromMinorUnits,
  multiplyMoney,
  parseDecimal,
  parseMoney,
  percentDifference,
  subtractMoney,
  sumMoney,
} from '#shared/domain/money.ts';
import {
  CurrencyMismatchError,
  InvalidAmountError,
  InvalidQuantityError,
} from '#shared/domain/money-errors.ts';
import { ValidationError } from '#shared/errors.ts';
import { DECIMAL_PATTERN } from '#shared/sp-api/schemas/common.ts';

/** A small seeded generator, so a failing property names a reproducible case. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random decimal string in Amazon's format, up to 12 integer and 6 fraction digits. */
function randomAmount(next: () => number): string {
  const intDigits = Math.floor(next() * 12);
  let int = String(Math.floor(next() * 9) + 1);
  for (let i = 0; i < intDigits; i++) int += Math.floor(next() * 10);
  if (next() < 0.3) int = '0';
  const fracDigits = Math.floor(next() * 7);
  let frac = '';
  for (let i = 0; i < fracDigits; i++) frac += Math.floor(next() * 10);
  const sign = next() < 0.3 ? '-' : '';
  return `${sign}${int}${frac ? `.${frac}` : ''}`;
}

const eur = (amount: string) => parseMoney(amount, 'EUR');

describe('parsing amounts', () => {
  it('reads Amazon decimal strings exactly, without floats', () => {
    // Prepare
    const texts = ['12.45', '-0.5', '0', '0.10', '123456789012345678901234.99'];

    // Act
    const values = texts.map((t) => parseDecimal(t));

    // Assess
    expect(values).toEqual([
      { units: 1245n, scale: 2 },
      { units: -5n, scale: 1 },
      { units: 0n, scale: 0 },
      { units: 1n, scale: 1 },
      { units: 12345678901234567890123499n, scale: 2 },
    ]);
  });

  it('reads exponents it can represent exactly', () => {
    // Prepare
    const texts = ['1.5e2', '125E-2', '1e0', '2.50e+1', '1e-18'];

    // Act
    const formatted = texts.map((t) => formatAmount(eur(t)));

    // Assess
    expect(formatted).toEqual(['150.00', '1.25', '1.00', '25.00', '0.000000000000000001']);
  });

  it('refuses exponents that need more decimals or digits than it holds exactly, saying why', () => {
    // Prepare
    const texts = ['1e-19', `1e${MAX_DIGITS}`, '1e99999999', '0.5e-18'];

    // Act
    const errors = texts.map((t) => {
      try {
        parseDecimal(t);
        return undefined;
      } catch (error) {
        return error;
      }
    });

    // Assess
    for (const error of errors) {
      expect(error).toBeInstanceOf(InvalidAmountError);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(/^Cannot represent ".+" exactly: /);
    }
    expect((errors[0] as Error).message).toContain('19 decimal places; at most 18');
  });

  it('refuses text that is not a decimal, with a hint for a decimal comma', () => {
    // Prepare
    const texts = ['12,45', 'abc', '01', '+1', '.5', '1.', '', ' 1', '1e', 'NaN', 'Infinity'];

    // Act
    const failures = texts.filter((t) => {
      try {
        parseDecimal(t);
        return false;
      } catch (error) {
        return error instanceof InvalidAmountError;
      }
    });

    // Assess
    expect(failures).toEqual(texts);
    expect(() => parseDecimal('12,45')).toThrow('use a point as the decimal separator');
  });

  it('accepts exactly the strings the models’ Decimal pattern accepts', () => {
    // Prepare
    const next = prng(7);
    const alphabet = ['0', '1', '9', '.', '-', 'e', 'E', '+', ',', ' '];
    const samples: string[] = [];
    for (let i = 0; i < 5000; i++) {
      let s = '';
      const length = 1 + Math.floor(next() * 7);
      for (let j = 0; j < length; j++) s += alphabet[Math.floor(next() * alphabet.length)];
      samples.push(s);
    }

    // Act
    const disagreements = samples.filter((s) => {
      let parsed: boolean;
      try {
        parseDecimal(s);
        parsed = true;
      } catch (error) {
        // A pattern-valid value beyond the exact range is refused on purpose, with another message.
        parsed = (error as Error).message.startsWith('Cannot represent');
      }
      return parsed !== DECIMAL_PATTERN.test(s);
    });

    // Assess
    expect(disagreements).toEqual([]);
  });

  it('refuses a currency that is not an ISO 4217 code', () => {
    // Act / Assess
    expect(() => parseMoney('1.00', 'eur')).toThrow(InvalidAmountError);
    expect(() => parseMoney('1.00', 'EURO')).toThrow('is not a currency code');
  });
});

describe('formatting amounts', () => {
  it('prints the currency’s minor digits, and more only when the amount has them', () => {
    // Prepare
    const cases: [string, string, string][] = [
      ['12.5', 'EUR', '12.50'],
      ['12', 'EUR', '12.00'],
      ['12.3400', 'EUR', '12.34'],
      ['0.125', 'USD', '0.125'],
      ['1200', 'JPY', '1200'],
      ['1200.50', 'JPY', '1200.5'],
      ['-0.5', 'GBP', '-0.50'],
      ['1.5', 'KWD', '1.500'],
      ['-0', 'EUR', '0.00'],
    ];

    // Act
    const out = cases.map(([amount, currency]) => formatAmount(parseMoney(amount, currency)));

    // Assess
    expect(out).toEqual(cases.map((c) => c[2]));
    expect(currencyMinorDigits('JPY')).toBe(0);
    expect(currencyMinorDigits('EUR')).toBe(2);
    expect(formatMoney(eur('11.9'))).toBe('11.90 EUR');
    expect(formatAmount(moneyFromMinorUnits(1245, 'EUR'))).toBe('12.45');
  });
});

describe('arithmetic', () => {
  it('adds, subtracts, multiplies by a quantity and sums exactly', () => {
    // Act / Assess
    expect(formatAmount(addMoney(eur('0.1'), eur('0.2')))).toBe('0.30');
    expect(formatAmount(subtractMoney(eur('12.40'), eur('11.905')))).toBe('0.495');
    expect(formatAmount(multiplyMoney(eur('3.80'), 60))).toBe('228.00');
    expect(formatAmount(multiplyMoney(eur('0.333'), 3n))).toBe('0.999');
    expect(formatAmount(sumMoney([eur('1.10'), eur('2.20'), eur('3.30')], 'EUR'))).toBe('6.60');
    expect(formatAmount(sumMoney([], 'JPY'))).toBe('0');
  });

  it('refuses to mix currencies', () => {
    // Act / Assess
    expect(() => addMoney(eur('1'), parseMoney('1', 'USD'))).toThrow(CurrencyMismatchError);
    expect(() => compareMoney(eur('1'), parseMoney('1', 'USD'))).toThrow(
      'Cannot compare 1.00 EUR and 1.00 USD: the currencies differ',
    );
  });

  it('refuses to multiply by a quantity that is not whole', () => {
    // Act / Assess
    expect(() => multiplyMoney(eur('1'), 1.5)).toThrow(InvalidQuantityError);
    expect(() => multiplyMoney(eur('1'), Number.NaN)).toThrow(InvalidQuantityError);
  });

  it('compares by value whatever the number of decimals written', () => {
    // Act / Assess
    expect(moneyEquals(eur('12.5'), eur('12.50'))).toBe(true);
    expect(moneyEquals(eur('12.5'), parseMoney('12.5', 'USD'))).toBe(false);
    expect(compareMoney(eur('12.5'), eur('12.499'))).toBe(1);
    expect(compareMoney(eur('-1'), eur('0'))).toBe(-1);
    expect(compareMoney(eur('3'), eur('3.000'))).toBe(0);
  });
});

describe('tolerance', () => {
  const expected = eur('11.90');

  it('counts an amount equal within the absolute tolerance or the percentage, whichever is given', () => {
    // Act / Assess
    expect(isWithinTolerance(eur('11.90'), expected)).toBe(true);
    expect(isWithinTolerance(eur('11.91'), expected)).toBe(false);
    expect(isWithinTolerance(eur('11.95'), expected, { absolute: eur('0.05') })).toBe(true);
    expect(isWithinTolerance(eur('11.96'), expected, { absolute: eur('0.05') })).toBe(false);
    // 2 % of 11.90 is 0.238.
    expect(isWithinTolerance(eur('12.138'), expected, { percent: parseDecimal('2') })).toBe(true);
    expect(isWithinTolerance(eur('12.139'), expected, { percent: parseDecimal('2') })).toBe(false);
    expect(isWithinTolerance(eur('11.662'), expected, { percent: parseDecimal('2') })).toBe(true);
    expect(
      isWithinTolerance(eur('12.40'), expected, { absolute: eur('0.05'), percent: parseDecimal('4.5') }),
    ).toBe(true);
    expect(
      isWithinTolerance(eur('12.40'), expected, { absolute: eur('0.05'), percent: parseDecimal('4') }),
    ).toBe(false);
  });

  it('reports the difference as a percentage rounded half up', () => {
    // Act / Assess
    expect(percentDifference(eur('12.40'), expected)).toBe('4.2');
    expect(percentDifference(eur('11.40'), expected)).toBe('4.2');
    expect(percentDifference(eur('1.005'), eur('1'), 1)).toBe('0.5');
    expect(percentDifference(eur('1.0005'), eur('1'), 2)).toBe('0.05');
    expect(percentDifference(eur('1'), eur('0'))).toBeUndefined();
  });
});

describe('properties over generated amounts', () => {
  const next = prng(20261130);
  const amounts = Array.from({ length: 2000 }, () => randomAmount(next));
  const pairs = amounts.map((a, i) => [eur(a), eur(amounts[(i * 7 + 3) % amounts.length]!)] as const);

  it('a + b − b = a', () => {
    // Act
    const broken = pairs.filter(([a, b]) => !moneyEquals(subtractMoney(addMoney(a, b), b), a));

    // Assess
    expect(broken).toEqual([]);
  });

  it('a + b = b + a, and a − b = −(b − a)', () => {
    // Act
    const broken = pairs.filter(
      ([a, b]) =>
        !moneyEquals(addMoney(a, b), addMoney(b, a)) ||
        !moneyEquals(subtractMoney(a, b), multiplyMoney(subtractMoney(b, a), -1)),
    );

    // Assess
    expect(broken).toEqual([]);
  });

  it('multiplying by n equals adding n times', () => {
    // Act
    const broken = pairs.slice(0, 300).filter(([a], i) => {
      const n = i % 25;
      return !moneyEquals(multiplyMoney(a, n), sumMoney(Array(n).fill(a) as Money[], 'EUR'));
    });

    // Assess
    expect(broken).toEqual([]);
  });

  it('formatting and parsing again gives the same amount', () => {
    // Act
    const broken = amounts.filter((a) => !moneyEquals(eur(formatAmount(eur(a))), eur(a)));

    // Assess
    expect(broken).toEqual([]);
  });

  it('compare agrees with the sign of the difference and with integer arithmetic in micro-units', () => {
    // Prepare
    const micro = (m: Money) => m.units * 10n ** BigInt(6 - m.scale);

    // Act
    const broken = pairs.filter(([a, b]) => {
      const diff = subtractMoney(a, b);
      const sign = diff.units > 0n ? 1 : diff.units < 0n ? -1 : 0;
      const reference = micro(a) > micro(b) ? 1 : micro(a) < micro(b) ? -1 : 0;
      return compareMoney(a, b) !== sign || sign !== reference || micro(diff) !== micro(a) - micro(b);
    });

    // Assess
    expect(broken).toEqual([]);
  });

  it('an amount is within a tolerance exactly when the absolute difference is at most that tolerance', () => {
    // Prepare
    const tolerance = eur('0.05');

    // Act
    const broken = pairs.filter(([a, b]) => {
      const diff = subtractMoney(a, b);
      const within = compareMoney(diff.units < 0n ? multiplyMoney(diff, -1) : diff, tolerance) <= 0;
      return isWithinTolerance(a, b, { absolute: tolerance }) !== within;
    });

    // Assess
    expect(broken).toEqual([]);
  });
});
