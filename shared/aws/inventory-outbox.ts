import type { SendResult } from '../domain/outbox.ts';
import type { SetQuantitiesVariables, ShopifyInventoryApi } from '../shopify/inventory.ts';
import type { VendorDfInventoryApi } from '../sp-api/vendor-df-inventory.ts';
import {
  parseDfSubjectId,
  SUBMIT_INVENTORY_UPDATE_OPERATION,
} from '../use-cases/inventory/df-inventory-push.ts';
import type { InventoryStore } from '../use-cases/inventory/ports.ts';
import { SET_QUANTITIES_OPERATION } from '../use-cases/inventory/shopify-sync.ts';
import { type Outbox, type OutboxBase, outboxFor } from '../use-cases/outbox/outbox.ts';
import type { Resolution, Sender, UnknownResolver } from '../use-cases/outbox/ports.ts';

/**
 * The sender and resolver of pushes to Shopify: `inventorySetQuantities` with the outbox's exact
 * variables. An attempt whose outcome is unknown is resolved by reading Shopify's `available`:
 * the pushed quantity there means applied; anything else is safe to send again, because the push
 * carries `changeFromQuantity` — if it had been applied and the quantity moved on since, Shopify
 * refuses the resend as stale instead of applying it twice.
 */
export function shopifyInventoryHandlers(deps: { api: () => Promise<ShopifyInventoryApi> }): {
  sender: Sender;
  resolver: UnknownResolver;
} {
  const parse = (payload: string) => JSON.parse(payload) as SetQuantitiesVariables;
  const sender: Sender = {
    async send(request): Promise<SendResult> {
      const { adjustmentGroupId } = await (await deps.api()).setQuantities(parse(request.payload));
      return { adjustmentGroupId };
    },
  };
  const resolver: UnknownResolver = {
    async resolve(message): Promise<Resolution> {
      const [quantity] = parse(message.payload).input.quantities;
      if (!quantity) return { outcome: 'not-applied', note: 'no quantity in the payload' };
      const actual = (
        await (await deps.api()).available([quantity.inventoryItemId], quantity.locationId)
      ).get(quantity.inventoryItemId);
      return actual === quantity.quantity
        ? { outcome: 'applied', note: `Shopify shows ${actual} available, the pushed quantity` }
        : {
            outcome: 'not-applied',
            note: `Shopify shows ${actual ?? 'nothing'}; a resend is guarded by changeFromQuantity`,
          };
    },
  };
  return { sender, resolver };
}

/**
 * The sender and resolver of Direct Fulfillment inventory updates: submitInventoryUpdate with the
 * outbox's exact bytes to the warehouse of the subject. Amazon offers no read of DF inventory, so
 * an attempt whose outcome is unknown (no transaction id to look up) is decided by our own record:
 * while the SKU is still at the message's revision, nothing newer was planned and resending the
 * same absolute quantity cannot move Amazon's count twice (`not-applied`, sent again); once the
 * SKU moved on, a resend could overwrite a newer count, so it stays `undetermined` for an operator
 * (the newer revision's own update carries the current quantity).
 */
export function dfInventoryHandlers(deps: {
  dfInventoryApiOfAccount: (accountId: string) => VendorDfInventoryApi;
  store: Pick<InventoryStore, 'get'>;
}): { sender: Sender; resolver: UnknownResolver } {
  const sender: Sender = {
    async send(request): Promise<SendResult> {
      const { warehouseId } = parseDfSubjectId(request.subject.id);
      const { transactionId } = await deps
        .dfInventoryApiOfAccount(request.target)
        .submitInventoryUpdate(warehouseId, request.payload);
      return { transactionId };
    },
  };
  const resolver: UnknownResolver = {
    async resolve(message): Promise<Resolution> {
      const { sku } = parseDfSubjectId(message.subject.id);
      const revision = Number(message.key.slice(message.key.lastIndexOf('#') + 1));
      const current = (await deps.store.get(sku)).revision;
      return current === revision
        ? {
            outcome: 'not-applied',
            note: `${sku} is still at revision ${revision}: resending its absolute quantity is harmless`,
          }
        : {
            outcome: 'undetermined',
            note: `${sku} moved from revision ${revision} to ${current}; a resend could overwrite the newer quantity`,
          };
    },
  };
  return { sender, resolver };
}

/** An outbox that pushes inventory to Shopify and, when given its API, to Amazon's Direct Fulfillment. */
export function makeInventoryOutbox(
  deps: OutboxBase & {
    api: () => Promise<ShopifyInventoryApi>;
    directFulfillment?: Parameters<typeof dfInventoryHandlers>[0];
  },
): Outbox {
  return outboxFor(deps, {
    [SET_QUANTITIES_OPERATION]: shopifyInventoryHandlers(deps),
    ...(deps.directFulfillment
      ? { [SUBMIT_INVENTORY_UPDATE_OPERATION]: dfInventoryHandlers(deps.directFulfillment) }
      : {}),
  });
}
