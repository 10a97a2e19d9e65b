import { DynamoDbAcknowledgementStore } from '#shared/aws/dynamodb-acknowledgements.ts';
import { DynamoDbCatalog, DynamoDbPurchaseOrderReader } from '#shared/aws/dynamodb-catalog.ts';
import {
  DynamoDbFulfilmentStore,
  DynamoDbPurchaseOrderStatusReader,
  DynamoDbShipmentStore,
  DynamoDbShippedQuantities,
} from '#shared/aws/dynamodb-shipments.ts';
import { makeShipmentOutbox } from '#shared/aws/shipment-outbox.ts';
import { outboxWriterEnvironment } from '#shared/aws/writer-environment.ts';
import { makeVendorShipmentsApi } from '#shared/sp-api/vendor-shipments.ts';
import type { ShipmentDeps } from '#shared/use-cases/shipments/send-shipment.ts';

/** Longest a dispatching function may run (the file import); the outbox lease must outlast it. */
export const DISPATCH_TIMEOUT_MS = 5 * 60_000;

/**
 * The shipments functions' clients and adapters, created once per container from the environment
 * the Shipments construct sets.
 */
export function shipmentDependencies(env: NodeJS.ProcessEnv = process.env) {
  const { config, clock, table, s3, archive, audit, spApi, outboxStore, modeOf, events } =
    outboxWriterEnvironment(env);
  const outbox = makeShipmentOutbox({
    store: outboxStore,
    archive,
    audit,
    clock,
    modeOf,
    shipmentsApiOfAccount: (accountId) => makeVendorShipmentsApi(spApi.client(accountId)),
    leaseMs: DISPATCH_TIMEOUT_MS * 2,
  });
  const deps: ShipmentDeps = {
    clock,
    orders: new DynamoDbPurchaseOrderReader(table),
    acknowledgements: new DynamoDbAcknowledgementStore(table),
    statuses: new DynamoDbPurchaseOrderStatusReader(table),
    catalog: new DynamoDbCatalog({ ...table, now: () => clock.now().getTime() }),
    shipments: new DynamoDbShipmentStore(table),
    fulfilments: new DynamoDbFulfilmentStore(table),
    shipped: new DynamoDbShippedQuantities(table),
    outbox,
    audit,
    events,
    vendors: config.vendors,
    settings: config.shipments,
  };
  return { deps, spApi, config, s3 };
}
