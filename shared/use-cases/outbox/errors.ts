import { AppError } from '../../errors.ts';

/** Dispatch of a key that was never enqueued. */
export class OutboxMessageNotFoundError extends AppError {
  readonly retryable = false;
  constructor(readonly key: string) {
    super(`No outbox message with key ${key}`);
  }
}

/**
 * A worker finished a send after its lease had expired and another worker had already moved the
 * message on: the outcome it saw could not be recorded. The lease is shorter than a send can take
 * (make `leaseMs` at least the function's timeout); an operator must check the message.
 */
export class OutboxLeaseLostError extends AppError {
  readonly retryable = false;
  constructor(
    readonly key: string,
    /** What this worker saw happen, e.g. `sent`. */
    readonly observed: string,
  ) {
    super(`Outbox message ${key} ended ${observed} after its lease had been taken over`);
  }
}

/** The message kept changing under this dispatch; a later dispatch will pick it up. */
export class OutboxContentionError extends AppError {
  readonly retryable = true;
  constructor(readonly key: string) {
    super(`Outbox message ${key} kept changing during dispatch`);
  }
}
