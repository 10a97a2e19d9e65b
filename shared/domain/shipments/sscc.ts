/**
 * SSCC-18 labels (GS1 Serial Shipping Container Code): the number on every carton and pallet of a
 * shipment, which Amazon scans at the dock and matches against the ASN.
 *
 * An SSCC is 18 digits: an extension digit, the GS1 company prefix, a serial reference, and a check
 * digit computed with the GS1 modulo-10 algorithm. Scanners often return it with its application
 * identifier `(00)` in front; {@link normalizeSscc} strips that.
 */

/** The GS1 modulo-10 check digit of `body` (every digit but the check digit). */
export function gs1CheckDigit(body: string): number {
  if (!/^\d+$/.test(body)) throw new RangeError(`Not a string of digits: ${body}`);
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    // Weights 3,1,3,1… counted from the digit next to the check digit.
    sum += (body.charCodeAt(body.length - 1 - i) - 48) * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** What is wrong with an SSCC as written, or undefined when it is a valid 18-digit SSCC. */
export function ssccProblem(sscc: string): string | undefined {
  if (!/^\d{18}$/.test(sscc)) {
    return /E\+?\d+$/i.test(sscc)
      ? 'a spreadsheet turned the SSCC into a number and lost digits: format the column as text'
      : 'an SSCC has 18 digits (optionally preceded by the application identifier 00)';
  }
  const expected = gs1CheckDigit(sscc.slice(0, 17));
  const given = sscc.charCodeAt(17) - 48;
  return given === expected ? undefined : `check digit ${given} is wrong: GS1 gives ${expected}`;
}

/** Whether `sscc` is 18 digits with a valid GS1 check digit. */
export function isValidSscc(sscc: string): boolean {
  return ssccProblem(sscc) === undefined;
}

/**
 * An SSCC as scanned or typed, reduced to its 18 digits: spaces removed, and the application
 * identifier dropped (`(00)340123450000000017`, `00340123450000000017`). Anything else is
 * returned as written (trimmed), for {@link ssccProblem} to name.
 */
export function normalizeSscc(text: string): string {
  const compact = text.replace(/\s+/g, '');
  const withoutAi = compact.startsWith('(00)') ? compact.slice(4) : compact;
  return /^00\d{18}$/.test(withoutAi) ? withoutAi.slice(2) : withoutAi;
}

/**
 * Makes an SSCC from its parts: the extension digit (0–9, free for the labeller to use), the GS1
 * company prefix (6–12 digits) and a serial reference that fits the remaining digits.
 */
export function makeSscc(parts: {
  extensionDigit: number;
  companyPrefix: string;
  serialReference: number;
}): string {
  const { extensionDigit, companyPrefix, serialReference } = parts;
  if (!Number.isInteger(extensionDigit) || extensionDigit < 0 || extensionDigit > 9) {
    throw new RangeError(`The extension digit must be 0–9, got ${extensionDigit}`);
  }
  if (!/^\d{6,12}$/.test(companyPrefix)) {
    throw new RangeError(`A GS1 company prefix has 6–12 digits, got ${companyPrefix}`);
  }
  const width = 16 - companyPrefix.length;
  if (
    !Number.isSafeInteger(serialReference) ||
    serialReference < 0 ||
    String(serialReference).length > width
  ) {
    throw new RangeError(`Serial reference ${serialReference} does not fit in ${width} digits`);
  }
  const body = `${extensionDigit}${companyPrefix}${String(serialReference).padStart(width, '0')}`;
  return `${body}${gs1CheckDigit(body)}`;
}
