/**
 * Retail Procurement Transaction Status v1 (vendorTransactionStatus model). For acknowledgements and
 * invoices Amazon only ever reports Processing or Failure; Success exists for shipment confirmations.
 */
import * as z from 'zod';
import { errorSchema } from './common.ts';

/** Failure, Processing or Success. */
export const transactionStatusValueSchema = z.enum(['Failure', 'Processing', 'Success']);

/** The status of one submission (model `Transaction`). */
export const transactionSchema = z.looseObject({
  transactionId: z.string(),
  status: transactionStatusValueSchema,
  errors: z.array(errorSchema).optional(),
});

/** 200 body of getTransaction: `{ payload: { transactionStatus } }`. */
export const getTransactionResponseSchema = z.looseObject({
  // Both levels are optional in the model; without them the answer tells us nothing.
  payload: z.looseObject({ transactionStatus: transactionSchema }),
  errors: z.array(errorSchema).optional(),
});

/** What {@link transactionStatusValueSchema} parses to. */
export type TransactionStatusValue = z.infer<typeof transactionStatusValueSchema>;
/** What {@link transactionSchema} parses to. */
export type Transaction = z.infer<typeof transactionSchema>;
/** What {@link getTransactionResponseSchema} parses to. */
export type GetTransactionResponse = z.infer<typeof getTransactionResponseSchema>;
