import type { SpApiClient } from './client.ts';
import { type FinancesInvoiceHeader, getInvoiceHeadersResponseSchema } from './schemas/finances-invoices.ts';
import { submitInvoicesResponseSchema } from './schemas/invoices.ts';

/** Retail Procurement Payments v1 (submitInvoices) and Finances Invoices 2026-06-25 (getInvoiceHeaders). */
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

    /** Invoice headers of a marketplace changed after `modifiedAfter`, every page. */
    async invoiceHeaders(marketplaceId: string, modifiedAfter: string): Promise<FinancesInvoiceHeader[]> {
      const headers: FinancesInvoiceHeader[] = [];
      let nextToken: string | undefined;
      do {
        const res = await client.call({
          operation: 'getInvoiceHeaders',
          method: 'GET',
          path: '/finances/invoices/2026-06-25/invoices',
          query: { marketplaceId, invoicesModifiedAfter: modifiedAfter, nextToken },
          responseSchema: getInvoiceHeadersResponseSchema,
        });
        headers.push(...res.invoices);
        nextToken = res.nextToken || undefined;
      } while (nextToken);
      return headers;
    },
  };
}

export type VendorInvoicesApi = ReturnType<typeof makeVendorInvoicesApi>;
