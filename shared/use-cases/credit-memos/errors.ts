import { AppError } from '../../errors.ts';

/**
 * The credit-memo workflow's error names: its Retry / Catch contract (state-machines/credit-memo.asl.json).
 */

/** The memo is not where the step expects it (another run moved it): retried, then the failure path. */
export class MemoStateError extends AppError {
  readonly retryable = true;
}

/** Amazon refused the credit note (a 4xx, or transaction status `Failure`). */
export class CreditNoteRejectedError extends AppError {
  readonly retryable = false;
}

/** The submission's outcome is not settled yet (a retryable error, `unknown`, another worker): retry. */
export class CreditNoteSubmissionPendingError extends AppError {
  readonly retryable = true;
}

/** The memo does not exist. */
export class MemoNotFoundError extends AppError {
  readonly retryable = false;
}
