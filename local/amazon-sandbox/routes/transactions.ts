/** Retail Procurement Transaction Status v1. */
import type { Transaction } from '#shared/sp-api/schemas/transaction-status.ts';
import { amazonError, notFound, type Route } from '../http.ts';
import type { SandboxServices } from '../services.ts';
import type { TransactionRecord } from '../state.ts';

const TRANSACTION_ID = /^\d{14}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A transaction as getTransaction reports it at `now`: Processing until its decision time. */
export function transactionAt(record: TransactionRecord, now: number): Transaction {
  if (now < record.decidedAt) return { transactionId: record.transactionId, status: 'Processing' };
  return {
    transactionId: record.transactionId,
    status: record.outcome,
    ...(record.outcome === 'Failure' ? { errors: record.errors } : {}),
  };
}

/** The transaction-status route. */
export function transactionRoutes(services: SandboxServices): Route[] {
  return [
    {
      kind: 'sp-api',
      method: 'GET',
      path: '/vendor/transactions/v1/transactions/{transactionId}',
      operation: 'getTransaction',
      handle(request) {
        const id = request.params.transactionId ?? '';
        if (!TRANSACTION_ID.test(id)) {
          return amazonError(400, [
            { code: 'InvalidInput', message: 'The transaction ID is not valid.', details: id },
          ]);
        }
        const record = services.state.transactions.find((t) => t.transactionId === id);
        if (!record) return notFound(`Transaction ${id} was not found.`, id);
        const transactionStatus = transactionAt(record, services.clock.now().getTime());
        return { status: 200, body: { payload: { transactionStatus } } };
      },
    },
  ];
}
