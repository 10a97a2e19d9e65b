import { describe, expect, it } from 'vitest';
import {
  gs1CheckDigit,
  isValidSscc,
  makeSscc,
  normalizeSscc,
  ssccProblem,
} from '#shared/domain/shipments/sscc.ts';

describe('SSCC-18 labels', () => {
  it('computes the GS1 check digit the GS1 way (weights 3, 1, 3 … from the right)', () => {
    // Act / Assess: GS1's published example SSCC (00)106141411234567897 and an EAN-13 share the algorithm.
    expect(gs1CheckDigit('10614141123456789')).toBe(7);
    expect(gs1CheckDigit('400638133393')).toBe(1);
    expect(gs1CheckDigit('34012345000000001')).toBe(7);
  });

  it('accepts an SSCC whose check digit matches and refuses one that does not, saying which digit is right', () => {
    // Act / Assess
    expect(isValidSscc('340123450000000017')).toBe(true);
    expect(isValidSscc('106141411234567897')).toBe(true);
    expect(ssccProblem('340123450000000018')).toBe('check digit 8 is wrong: GS1 gives 7');
  });

  it('refuses what is not 18 digits, and names a spreadsheet that turned the label into a number', () => {
    // Act / Assess
    expect(ssccProblem('34012345000000001')).toMatch(/18 digits/);
    expect(ssccProblem('3401234500000000A7')).toMatch(/18 digits/);
    expect(ssccProblem('3.40123E+17')).toMatch(/spreadsheet/);
  });

  it('reads a scanned label with its application identifier (00)', () => {
    // Act / Assess
    expect(normalizeSscc('(00)340123450000000017')).toBe('340123450000000017');
    expect(normalizeSscc('00340123450000000017')).toBe('340123450000000017');
    expect(normalizeSscc(' 3401 2345 0000 0000 17 ')).toBe('340123450000000017');
    expect(normalizeSscc('340123450000000017')).toBe('340123450000000017');
  });

  it('generates labels from an extension digit, a company prefix and a serial, each with a valid check digit', () => {
    // Act
    const labels = Array.from({ length: 1000 }, (_, i) =>
      makeSscc({ extensionDigit: i % 10, companyPrefix: '4012345', serialReference: 123_456 + i }),
    );

    // Assess
    expect(labels[0]).toBe(`04012345000123456${gs1CheckDigit('04012345000123456')}`);
    expect(labels.every(isValidSscc)).toBe(true);
    expect(new Set(labels).size).toBe(1000);
  });

  it('refuses parts that cannot make an SSCC', () => {
    // Act / Assess
    expect(() => makeSscc({ extensionDigit: 10, companyPrefix: '4012345', serialReference: 1 })).toThrow(
      RangeError,
    );
    expect(() => makeSscc({ extensionDigit: 0, companyPrefix: '40123', serialReference: 1 })).toThrow(
      RangeError,
    );
    expect(() => makeSscc({ extensionDigit: 0, companyPrefix: '4012345', serialReference: 10 ** 9 })).toThrow(
      RangeError,
    );
  });
});
