import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDbInventoryStore, DynamoDbWebhookLedger } from '#shared/aws/dynamodb-inventory.ts';
import { EventBridgePublisher } from '#shared/aws/event-publisher.ts';
import { makeInventoryOutbox } from '#shared/aws/inventory-outbox.ts';
import { JsonSecret } from '#shared/aws/secrets.ts';
import { outboxWriterEnvironment } from '#shared/aws/writer-environment.ts';
import { type Clock, clockFromEnv } from '#shared/clock.ts';
import { requireEnv, runtimeConfigFromEnv } from '#shared/config/runtime.ts';
import { validateAllocationRules } from '#shared/domain/inventory/allocation.ts';
import { ShopifyGraphqlClient, shopifyCredentialsSchema } from '#shared/shopify/client.ts';
import { ShopifyInventoryApi } from '#shared/shopify/inventory.ts';
import { makeVendorDfInventoryApi } from '#shared/sp-api/vendor-df-inventory.ts';
import type { DfInventoryTarget } from '#shared/use-cases/inventory/df-inventory-push.ts';
import type { ShopifySyncDeps } from '#shared/use-cases/inventory/shopify-sync.ts';

/** Longest a syncing function may run; the outbox lease must outlast it. */
export const SYNC_TIMEOUT_MS = 120_000;

/** The Shopify app credentials (SHOPIFY_SECRET_ID), cached by JsonSecret. */
export function shopifySecret(env: NodeJS.ProcessEnv, client = new SecretsManagerClient({})) {
  return new JsonSecret({
    client,
    secretId: requireEnv('SHOPIFY_SECRET_ID', env),
    schema: shopifyCredentialsSchema,
  });
}

/** One Shopify client per container: its token and throttle state are shared by every call. */
export function shopifyApi(env: NodeJS.ProcessEnv, clock: Clock) {
  const secret = shopifySecret(env);
  return new ShopifyInventoryApi(new ShopifyGraphqlClient({ credentials: () => secret.get(), clock }));
}

/** Table, bus, clock and rules: what the functions that only record need (TABLE_NAME, EVENT_BUS_NAME). */
export function inventoryBasics(env: NodeJS.ProcessEnv = process.env) {
  const config = runtimeConfigFromEnv(env);
  const clock = clockFromEnv(env);
  const client = new DynamoDBClient({});
  const tableName = requireEnv('TABLE_NAME', env);
  return {
    config,
    clock,
    rules: validateAllocationRules(config.inventory?.allocation),
    store: new DynamoDbInventoryStore({ client, tableName }),
    ledger: new DynamoDbWebhookLedger({ client, tableName }),
    events: new EventBridgePublisher({
      client: new EventBridgeClient({}),
      busName: requireEnv('EVENT_BUS_NAME', env),
      now: () => clock.now(),
    }),
  };
}

/**
 * The sync's dependencies: the outbox (module `inventory`), Shopify (when it is on: its secret is
 * bound only then), the store, the rules and the vendor codes that push to Direct Fulfillment.
 */
export function inventorySyncDependencies(
  env: NodeJS.ProcessEnv = process.env,
): ShopifySyncDeps & { shopifyEnabled: boolean; directFulfillment: DfInventoryTarget[] } {
  const { config, clock, table, archive, audit, outboxStore, modeOf, events, spApi } =
    outboxWriterEnvironment(env);
  const shopifyEnabled = config.inventory?.shopifyEnabled !== false;
  const api = shopifyEnabled ? shopifyApi(env, clock) : undefined;
  const noShopify = () => Promise.reject(new Error('Shopify is off (inventory.shopify.enabled: false)'));
  const store = new DynamoDbInventoryStore(table);
  const directFulfillment = config.inventory?.directFulfillment ?? [];
  return {
    shopifyEnabled,
    directFulfillment,
    store,
    outbox: makeInventoryOutbox({
      store: outboxStore,
      archive,
      audit,
      clock,
      modeOf,
      api: async () => api ?? noShopify(),
      leaseMs: SYNC_TIMEOUT_MS * 2,
      directFulfillment: {
        dfInventoryApiOfAccount: (accountId) => makeVendorDfInventoryApi(spApi.client(accountId)),
        store,
      },
    }),
    shopify: api ?? {
      itemsBySku: noShopify,
      primaryLocation: noShopify,
      available: noShopify,
    },
    rules: validateAllocationRules(config.inventory?.allocation),
    clock,
    events,
    ...(config.inventory?.shopifyLocationId ? { locationId: config.inventory.shopifyLocationId } : {}),
  };
}
