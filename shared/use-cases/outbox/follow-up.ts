import type { AmazonError } from '../../domain/purchase-orders/acknowledgement-record.ts';
import type { Transaction } from '../../sp-api/schemas/transaction-status.ts';
import type { DispatchOutcome } from './outbox.ts';

/** The record states a submission follow-up works on. */
export type PendingState = 'queued' | 'held' | 'unknown';

/** What reading a submitted record's transaction concluded. */
export type TransactionOutcome = 'accepted' | 'rejected' | 'stillProcessing';

/** Counts of one follow-up run. */
export interface FollowUpSummary {
  redispatched: number;
  accepted: number;
  rejected: number;
  stillProcessing: number;
}

/** Amazon's errors of a failed transaction, in the form the records keep. */
export function transactionErrors(transaction: Pick<Transaction, 'errors'>): AmazonError[] {
  return (transaction.errors ?? []).map((e) => ({
    code: e.code,
    message: e.message,
    ...(e.details ? { details: e.details } : {}),
  }));
}

/** The record state each outbox dispatch outcome (or settled message state) means for a submission. */
const STATE_OF_DISPATCH = {
  sent: 'submitted',
  simulated: 'simulated',
  held: 'held',
  failed: 'failed',
  unknown: 'unknown',
  retry: 'queued',
  'in-flight': 'queued',
} as const;

/** A submitted record's state as a dispatch leaves it. */
export type SubmissionState = (typeof STATE_OF_DISPATCH)[keyof typeof STATE_OF_DISPATCH];

/**
 * What one dispatch of a record's outbox message says about the record (acknowledgements,
 * shipment confirmations, invoices): its state (`current` where the outcome says nothing new),
 * Amazon's transaction id, and the errors of a refusal.
 */
export function submissionOf<S extends string>(
  outcome: DispatchOutcome,
  current: S,
): { state: S | SubmissionState; transactionId: string | undefined; errors: AmazonError[] | undefined } {
  const { message } = outcome;
  const key = outcome.kind === 'settled' ? message.state : outcome.kind;
  const state = (STATE_OF_DISPATCH as Record<string, SubmissionState>)[key] ?? current;
  const transactionId =
    typeof message.result?.transactionId === 'string' ? message.result.transactionId : undefined;
  const error = message.lastError;
  const errors = error
    ? error.details
      ? transactionErrors({ errors: [...error.details] })
      : [{ code: error.code ?? error.name, message: error.message }]
    : undefined;
  return { state, transactionId, errors };
}

/**
 * Runs each piece of work of a follow-up on its own: one record that fails (a throttled call, a
 * lost lease) must not hold up the others. {@link rethrow} raises the first failure at the end,
 * so the run still fails visibly (retries, DLQ, alarms) after everything else was tried.
 */
export function failureCollector() {
  const failures: unknown[] = [];
  return {
    async attempt(work: () => Promise<void>): Promise<void> {
      try {
        await work();
      } catch (error) {
        failures.push(error);
      }
    },
    rethrow(): void {
      if (failures.length > 0) throw failures[0];
    },
  };
}

/**
 * The follow-up every capability that submits through the outbox runs on a schedule: records
 * still queued, held or unknown go through the outbox again (which resolves an unknown by reading
 * Amazon's state, never by resending blindly); submitted ones have their transaction read. Each
 * record is tried on its own through `attempt`; the caller raises the failures when its own extra
 * work is done.
 */
export async function followUpSubmissions<R>(deps: {
  listByState: (state: PendingState | 'submitted', limit: number) => Promise<readonly R[]>;
  batchSize: number;
  redispatch: (record: R, state: PendingState) => Promise<unknown>;
  checkTransaction: (record: R) => Promise<TransactionOutcome>;
  attempt: (work: () => Promise<void>) => Promise<void>;
}): Promise<FollowUpSummary> {
  const summary: FollowUpSummary = { redispatched: 0, accepted: 0, rejected: 0, stillProcessing: 0 };
  for (const state of ['queued', 'held', 'unknown'] as const) {
    for (const record of await deps.listByState(state, deps.batchSize)) {
      await deps.attempt(async () => {
        await deps.redispatch(record, state);
        summary.redispatched++;
      });
    }
  }
  for (const record of await deps.listByState('submitted', deps.batchSize)) {
    await deps.attempt(async () => {
      summary[await deps.checkTransaction(record)]++;
    });
  }
  return summary;
}
