import type { SpApiClient } from './client.ts';
import { getTransactionResponseSchema, type Transaction } from './schemas/transaction-status.ts';

/** Retail Procurement Transaction Status v1. */
export function makeVendorTransactionsApi(client: SpApiClient) {
  return {
    /**
     * The status of a submission. For acknowledgements and invoices Amazon only ever answers
     * `Processing` or `Failure`; still `Processing` 15 minutes after submission means accepted.
     */
    async transaction(transactionId: string): Promise<Transaction> {
      const res = await client.call({
        operation: 'getTransaction',
        method: 'GET',
        path: `/vendor/transactions/v1/transactions/${encodeURIComponent(transactionId)}`,
        responseSchema: getTransactionResponseSchema,
      });
      return res.payload.transactionStatus;
    },
  };
}

export type VendorTransactionsApi = ReturnType<typeof makeVendorTransactionsApi>;
