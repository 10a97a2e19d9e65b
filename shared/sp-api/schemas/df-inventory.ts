/**
 * Vendor Direct Fulfillment Inventory v1: the stock update a DF vendor pushes for one warehouse.
 * A request body, so every object is strict.
 */
import * as z from 'zod';

export { transactionIdResponseSchema as submitInventoryUpdateResponseSchema } from './common.ts';

/** A quantity; the model requires only the unit. */
export const dfItemQuantitySchema = z.strictObject({
  amount: z.number().int().min(0).optional(),
  unitOfMeasure: z.string().min(1),
});

/** One item's available quantity, named by the vendor's and/or Amazon's product identifier. */
export const dfInventoryItemSchema = z.strictObject({
  buyerProductIdentifier: z.string().min(1).optional(),
  vendorProductIdentifier: z.string().min(1).optional(),
  availableQuantity: dfItemQuantitySchema,
  isObsolete: z.boolean().optional(),
});

/** The update: who sells, whether it replaces every item of the warehouse, and the items. */
export const dfInventoryUpdateSchema = z.strictObject({
  sellingParty: z.strictObject({ partyId: z.string().min(1) }),
  isFullUpdate: z.boolean(),
  items: z.array(dfInventoryItemSchema),
});

/** `POST /vendor/directFulfillment/inventory/v1/warehouses/{warehouseId}/items` body. */
export const submitInventoryUpdateRequestSchema = z.strictObject({
  inventory: dfInventoryUpdateSchema,
});

/** What {@link submitInventoryUpdateRequestSchema} parses to. */
export type SubmitInventoryUpdateRequest = z.infer<typeof submitInventoryUpdateRequestSchema>;
