import type { SpApiClient } from './client.ts';
import { submitInventoryUpdateResponseSchema } from './schemas/df-inventory.ts';

/** Vendor Direct Fulfillment Inventory v1 (submitInventoryUpdate). */
export function makeVendorDfInventoryApi(client: SpApiClient) {
  return {
    /**
     * Submits an inventory update of one DF warehouse exactly as stored by the outbox. An answer
     * that does not prove rejection raises SpApiOutcomeUnknownError.
     */
    async submitInventoryUpdate(warehouseId: string, rawBody: string): Promise<{ transactionId: string }> {
      const res = await client.call({
        operation: 'submitInventoryUpdate',
        method: 'POST',
        path: `/vendor/directFulfillment/inventory/v1/warehouses/${encodeURIComponent(warehouseId)}/items`,
        rawBody,
        submission: true,
        responseSchema: submitInventoryUpdateResponseSchema,
      });
      return { transactionId: res.payload.transactionId };
    },
  };
}

export type VendorDfInventoryApi = ReturnType<typeof makeVendorDfInventoryApi>;
