import type { Clock } from '../clock.ts';
import type { AutomationMode, AutomationModule } from '../config/runtime.ts';
import type { SendResult } from '../domain/outbox.ts';
import type { SetQuantitiesVariables, ShopifyInventoryApi } from '../shopify/inventory.ts';
import { SET_QUANTITIES_OPERATION } from '../use-cases/inventory/shopify-sync.ts';
import { makeOutbox, type Outbox } from '../use-cases/outbox/outbox.ts';
import type {
  Archive,
  AuditTrail,
  OutboxStore,
  Resolution,
  Sender,
  UnknownResolver,
} from '../use-cases/outbox/ports.ts';

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

/** An outbox that pushes inventory to Shopify (and only that). */
export function makeInventoryOutbox(deps: {
  store: OutboxStore;
  archive: Archive;
  audit: AuditTrail;
  clock: Clock;
  modeOf: (module: AutomationModule) => AutomationMode | Promise<AutomationMode>;
  api: () => Promise<ShopifyInventoryApi>;
  leaseMs: number;
}): Outbox {
  const { sender, resolver } = shopifyInventoryHandlers(deps);
  return makeOutbox({
    store: deps.store,
    archive: deps.archive,
    audit: deps.audit,
    clock: deps.clock,
    modeOf: deps.modeOf,
    senders: { [SET_QUANTITIES_OPERATION]: sender },
    resolvers: { [SET_QUANTITIES_OPERATION]: resolver },
    leaseMs: deps.leaseMs,
  });
}
