/**
 * What a remittance line is: the payment of an invoice or one kind of deduction (or its reversal),
 * and which invoice it concerns. Amazon says so only through number suffixes and descriptions
 * (../shared/notes/domain.md §2.2): `<inv>SC` shortage claim, `<inv>SCR` its reversal, `<inv>SCRSC`
 * a revised claim, `…VCBSINV` chargeback, `XXXX-XXXXXXXX` co-op agreement invoice,
 * `…-PROVISION FOR RECEIVABLES` and `…R` provision and reversal, `IPAPUS` + 7 digits price
 * protection, `(PC)` price claim; the transaction type and description settle the rest.
 */

/** Every kind of remittance line. Terms discounts and withholding are columns of a payment line. */
export const LINE_KINDS = [
  'invoice-payment',
  'shortage-claim',
  'shortage-claim-reversal',
  'shortage-claim-revised',
  'price-claim',
  'price-claim-reversal',
  'chargeback',
  'coop',
  'returns-debit-note',
  'provision',
  'provision-reversal',
  'price-protection',
  'unclassified',
] as const;
export type LineKind = (typeof LINE_KINDS)[number];

/** Every kind of deduction an invoice's money can be taken by (or given back through). */
export const DEDUCTION_KINDS = [
  'shortage-claim',
  'price-claim',
  'chargeback',
  'coop',
  'returns',
  'provision',
  'price-protection',
  'terms-discount',
  'withholding',
  'unclassified',
] as const;
export type DeductionKind = (typeof DEDUCTION_KINDS)[number];

/** The deduction kind a line's amount counts towards (reversals towards their claim's kind). */
export function deductionKindOf(kind: LineKind): DeductionKind | undefined {
  switch (kind) {
    case 'invoice-payment':
      return undefined;
    case 'shortage-claim':
    case 'shortage-claim-reversal':
    case 'shortage-claim-revised':
      return 'shortage-claim';
    case 'price-claim':
    case 'price-claim-reversal':
      return 'price-claim';
    case 'returns-debit-note':
      return 'returns';
    case 'provision':
    case 'provision-reversal':
      return 'provision';
    default:
      return kind;
  }
}

/** How a line was classified and the invoice it concerns. */
export interface LineClassification {
  readonly kind: LineKind;
  /**
   * The vendor invoice the line pays or deducts from: the number itself for a payment, the number
   * without its suffix for a claim, the original-invoice column where Amazon fills it; absent for
   * deductions that stand alone (co-op, provisions, most chargebacks).
   */
  readonly invoiceNumber?: string;
  /** Which rule decided, in words (shown to operators next to the line). */
  readonly rule: string;
}

/** What the classifier reads of a line. */
export interface ClassifiableLine {
  readonly invoiceNumber: string;
  readonly transactionType?: string;
  readonly description?: string;
  readonly originalInvoiceNumber?: string;
  /** Whether the line's amount is negative (a deduction); or given to classifyLine as its own argument. */
  readonly negative?: boolean;
}

const PROVISION = /^(.+?)[-\s]*PROVISION FOR RECEIVABLES(R?)$/i;

function withBase(kind: LineKind, base: string | undefined, rule: string): LineClassification {
  return base ? { kind, invoiceNumber: base, rule } : { kind, rule };
}

/** What the type and description columns say, per distinct text (an export has a handful). */
const byWords = new Map<string, { kind: LineKind; rule: string } | null>();

function classifyWords(text: string): { kind: LineKind; rule: string } | null {
  if (/shortage/.test(text)) {
    return /reversal/.test(text)
      ? { kind: 'shortage-claim-reversal', rule: 'description: quantity shortage reversal' }
      : { kind: 'shortage-claim', rule: 'description: quantity shortage' };
  }
  if (/price (variance|claim)|\bppv\b/.test(text)) {
    return /reversal/.test(text)
      ? { kind: 'price-claim-reversal', rule: 'description: price variance reversal' }
      : { kind: 'price-claim', rule: 'description: price variance' };
  }
  if (/price protection/.test(text))
    return { kind: 'price-protection', rule: 'description: price protection' };
  if (/provision/.test(text)) {
    return /reversal/.test(text)
      ? { kind: 'provision-reversal', rule: 'description: provision reversal' }
      : { kind: 'provision', rule: 'description: provision' };
  }
  if (/return/.test(text)) return { kind: 'returns-debit-note', rule: 'description: product returns' };
  if (/co-?op|allowance|service agreement/.test(text))
    return { kind: 'coop', rule: 'description: co-op / allowance' };
  if (/chargeback|compliance|defect/.test(text))
    return { kind: 'chargeback', rule: 'description: chargeback' };
  return null;
}

/** Classifies one remittance line by its number's suffix, then its type and description. */
export function classifyLine(line: ClassifiableLine, negative = line.negative ?? false): LineClassification {
  const number = line.invoiceNumber.trim();
  const upper = number.toUpperCase();
  const original = line.originalInvoiceNumber?.trim() || undefined;

  // Number suffixes first: they are Amazon's own convention and the most specific.
  let m = /^(.+?)SCRSC$/i.exec(number);
  if (m) return withBase('shortage-claim-revised', original ?? m[1], 'suffix SCRSC: revised shortage claim');
  m = /^(.+?)SCR$/i.exec(number);
  if (m) return withBase('shortage-claim-reversal', original ?? m[1], 'suffix SCR: shortage-claim reversal');
  m = /^(.+?)SC$/i.exec(number);
  if (m) return withBase('shortage-claim', original ?? m[1], 'suffix SC: shortage claim');
  m = /^(.+?)\s*\(PC\)(R?)$/i.exec(number);
  if (m) {
    return m[2]
      ? withBase('price-claim-reversal', original ?? m[1], 'suffix (PC)R: price-claim reversal')
      : withBase('price-claim', original ?? m[1], 'suffix (PC): price claim');
  }
  if (upper.endsWith('VCBSINV'))
    return withBase('chargeback', original, 'suffix VCBSINV: chargeback debit note');
  if (/^IPAPUS\d{7}$/.test(upper))
    return withBase('price-protection', original, 'IPAPUS + 7 digits: price protection');
  m = PROVISION.exec(number);
  if (m) {
    return m[2]
      ? withBase('provision-reversal', original, 'PROVISION FOR RECEIVABLES…R: provision reversal')
      : withBase('provision', original, 'PROVISION FOR RECEIVABLES: provision');
  }
  if (/^\d{4}-\d{8}$/.test(number))
    return withBase('coop', original, 'XXXX-XXXXXXXX: co-op agreement invoice');

  // Then the words Amazon puts in the type and description columns.
  const text = `${line.transactionType ?? ''} | ${line.description ?? ''}`.toLowerCase();
  let words = byWords.get(text);
  if (words === undefined) {
    words = classifyWords(text);
    if (byWords.size >= 1024) byWords.clear();
    byWords.set(text, words);
  }
  if (words) return withBase(words.kind, original, words.rule);

  if (!negative) return withBase('invoice-payment', number, 'payment of the invoice');
  return withBase('unclassified', original, 'a deduction no rule explains');
}
