/** Vendor Direct Fulfillment Inventory v1: stock updates per DF warehouse, recorded as received. */
import { submitInventoryUpdateRequestSchema } from '#shared/sp-api/schemas/df-inventory.ts';
import type { Route } from '../http.ts';
import { newTransactionId, type SandboxServices } from '../services.ts';

/** The DF inventory route. */
export function dfInventoryRoutes(services: SandboxServices): Route[] {
  return [
    {
      kind: 'sp-api',
      method: 'POST',
      path: '/vendor/directFulfillment/inventory/v1/warehouses/{warehouseId}/items',
      operation: 'submitInventoryUpdate',
      body: submitInventoryUpdateRequestSchema,
      handle(request) {
        const body = submitInventoryUpdateRequestSchema.parse(request.body);
        const now = services.clock.now().getTime();
        const transactionId = newTransactionId(services, now);
        services.state.recordDfInventoryUpdate({
          transactionId,
          warehouseId: request.params.warehouseId ?? '',
          receivedAt: now,
          body,
        });
        return { status: 202, body: { payload: { transactionId } } };
      },
    },
  ];
}
