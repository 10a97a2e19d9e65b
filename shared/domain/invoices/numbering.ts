/**
 * Invoice numbers: gap-free per legal entity and series. Every sequence number of a series is a
 * slot that is reserved once (one conditional write) and then either issued to exactly one
 * invoice or recorded as void with its reason; a number is never handed out twice, even after a
 * failure. Pure: the formatting and the slot's life.
 */

/** The series of ordinary invoices. */
export const INVOICE_SERIES = 'INV';
/** The series of credit notes. */
export const CREDIT_NOTE_SERIES = 'CN';
/** Invoices generated in a parallel run (never sent): their own series, so the real one has no gaps. */
export const PARALLEL_RUN_SERIES = 'PR';

/** Where a slot stands. */
export type SlotState = 'reserved' | 'issued' | 'void';

/** One number of a series. */
export interface NumberSlot {
  readonly legalEntity: string;
  readonly series: string;
  readonly sequence: number;
  readonly invoiceNumber: string;
  readonly state: SlotState;
  readonly reservedAt: string;
  /** What the number was reserved for (a PO list, a request id). */
  readonly purpose: string;
  readonly issuedAt?: string;
  readonly voidedAt?: string;
  /** Why a void number was abandoned. */
  readonly reason?: string;
}

const SERIES = /^[A-Z0-9]{1,6}$/;

/** Whether `series` can name a number series: 1–6 upper-case letters or digits. */
export function isSeriesName(series: string): boolean {
  return SERIES.test(series);
}

/**
 * The invoice number of a slot: `<prefix>-<series>-<sequence, 6 digits or more>`, e.g.
 * `ACME-INV-000042`. The prefix names the legal entity, so numbers are unique deployment-wide.
 */
export function formatInvoiceNumber(prefix: string, series: string, sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1)
    throw new RangeError(`Not a sequence number: ${sequence}`);
  return `${prefix}-${series}-${String(sequence).padStart(6, '0')}`;
}

/**
 * The gaps of a series listing (slots in sequence order): sequence numbers with no slot at all.
 * An auditor expects none; void slots are not gaps, they carry their reason.
 */
export function gapsOf(slots: readonly Pick<NumberSlot, 'sequence'>[]): number[] {
  const gaps: number[] = [];
  let expected = 1;
  for (const slot of [...slots].sort((a, b) => a.sequence - b.sequence)) {
    for (; expected < slot.sequence; expected++) gaps.push(expected);
    expected = slot.sequence + 1;
  }
  return gaps;
}
