import { AppError, ValidationError } from '../../errors.ts';
import type { InvoiceIssue } from './validate-invoice.ts';

/** The invoice would be refused: every issue names the field and the rule. */
export class InvoiceValidationError extends ValidationError {
  constructor(
    message: string,
    readonly invoiceIssues: readonly InvoiceIssue[],
  ) {
    super(
      message,
      invoiceIssues.map((i) => ({ path: i.path, message: `[${i.rule}] ${i.message}` })),
    );
  }
}

/** Nothing to invoice: no accepted lines, nothing confirmed shipped, or already invoiced. */
export class NothingToInvoiceError extends ValidationError {}

/** The number series met too many concurrent reservations in a row; retry later. */
export class NumberSeriesContentionError extends AppError {
  readonly retryable = true;
}

/** An invoice with this number already exists (a number collision): the slot is voided, never reused. */
export class InvoiceNumberCollisionError extends AppError {
  readonly retryable = true;
}

/** The shipments to bill were invoiced by someone else meanwhile. */
export class AlreadyInvoicedError extends AppError {
  readonly retryable = false;
}
