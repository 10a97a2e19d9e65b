import type { SpApiClient } from './client.ts';
import { submitInvoicesResponseSchema } from './schemas/invoices.ts';

/** Retail Procurement Payments v1: invoices and credit notes (`submitInvoices`). */
export function makeVendorInvoicesApi(client: SpApiClient) {
  return {
    /**
     * Submits an invoices body exactly as stored by the outbox. Never resent blindly: an answer
     * that does not prove rejection raises SpApiOutcomeUnknownError.
     */
    async submitInvoices(rawBody: string): Promise<{ transactionId: string }> {
      const res = await client.call({
        operation: 'submitInvoices',
        method: 'POST',
        path: '/vendor/payments/v1/invoices',
        rawBody,
        submission: true,
        responseSchema: submitInvoicesResponseSchema,
      });
      return { transactionId: res.payload.transactionId };
    },
  };
}

export type VendorInvoicesApi = ReturnType<typeof makeVendorInvoicesApi>;
