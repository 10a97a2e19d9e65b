import { makeAcknowledgementOutbox } from '#shared/aws/acknowledgement-outbox.ts';
import { DynamoDbAcknowledgementStore } from '#shared/aws/dynamodb-acknowledgements.ts';
import { DynamoDbCatalog, DynamoDbPurchaseOrderReader } from '#shared/aws/dynamodb-catalog.ts';
import { DynamoDbInventoryStore } from '#shared/aws/dynamodb-inventory.ts';
import { outboxWriterEnvironment } from '#shared/aws/writer-environment.ts';
import { validateAllocationRules } from '#shared/domain/inventory/allocation.ts';
import { validateRules } from '#shared/domain/purchase-orders/rules-config.ts';
import { announceChanged, makeAmazonStock } from '#shared/use-cases/inventory/stock-positions.ts';
import type { AcknowledgementDeps } from '#shared/use-cases/purchase-orders/acknowledge-purchase-order.ts';

/** Longest a dispatching function may run; the outbox lease must outlast it. */
export const DISPATCH_TIMEOUT_MS = 60_000;

/**
 * The purchase-order functions' clients and adapters, created once per container from the
 * environment the PurchaseOrders construct sets.
 */
export function purchaseOrderDependencies(env: NodeJS.ProcessEnv = process.env) {
  const { config, clock, table, archive, audit, spApi, outboxStore, modeOf, events } =
    outboxWriterEnvironment(env);
  const rules = validateRules(config.purchaseOrders.rules);
  const outbox = makeAcknowledgementOutbox({
    store: outboxStore,
    archive,
    audit,
    clock,
    modeOf,
    ordersApiOfAccount: (accountId) => spApi.ordersOfAccount(accountId),
    leaseMs: DISPATCH_TIMEOUT_MS * 2,
  });
  const deps: AcknowledgementDeps = {
    clock,
    orders: new DynamoDbPurchaseOrderReader(table),
    acknowledgements: new DynamoDbAcknowledgementStore(table),
    catalog: new DynamoDbCatalog(table),
    // Amazon's side of the shared inventory: a reservation is checked against Shopify's orders and
    // what Shopify shows, and announced so the Shopify sync lowers what it shows.
    stock: makeAmazonStock({
      store: new DynamoDbInventoryStore(table),
      rules: validateAllocationRules(config.inventory?.allocation),
      clock,
      // Only the Shopify sync listens: without it, no event per reservation.
      ...(config.inventory?.shopifyEnabled !== false
        ? {
            changed: (skus: readonly string[]) => announceChanged(events, skus, 'purchase-order reservation'),
          }
        : {}),
    }),
    outbox,
    audit,
    events,
    rules,
    reminders: config.purchaseOrders.reminders,
    vendors: config.vendors,
  };
  return { deps, spApi, config };
}
