import type { Transaction } from '../../sp-api/schemas/transaction-status.ts';

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

/** An error of a transaction, as the capabilities store it on their records. */
export interface StoredTransactionError {
  code: string;
  message: string;
  details?: string;
}

/** Amazon's errors of a failed transaction, in the form the records keep. */
export function transactionErrors(transaction: Pick<Transaction, 'errors'>): StoredTransactionError[] {
  return (transaction.errors ?? []).map((e) => ({
    code: e.code,
    message: e.message,
    ...(e.details ? { details: e.details } : {}),
  }));
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
