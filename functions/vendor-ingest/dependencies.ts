import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDbCursorStore, DynamoDbDocumentStore } from '#shared/aws/dynamodb-documents.ts';
import { EventBridgePublisher } from '#shared/aws/event-publisher.ts';
import { JsonSecret, spApiCredentialsSchema } from '#shared/aws/secrets.ts';
import { makeSpApiAccess } from '#shared/aws/sp-api-access.ts';
import { clockFromEnv } from '#shared/clock.ts';
import { requireEnv, runtimeConfigFromEnv } from '#shared/config/runtime.ts';
import { metrics } from '#shared/observability.ts';
import type { PullPurchaseOrdersDeps } from '#shared/use-cases/vendor-ingest/pull-purchase-orders.ts';

/**
 * The vendor-ingest functions' clients and adapters, created once per container (module scope)
 * from the environment the node-function construct sets. A missing variable fails init with its name.
 */
export function vendorIngestDependencies(env: NodeJS.ProcessEnv = process.env): PullPurchaseOrdersDeps {
  const config = runtimeConfigFromEnv(env);
  const tableName = requireEnv('TABLE_NAME', env);
  const busName = requireEnv('EVENT_BUS_NAME', env);
  const secretId = requireEnv('SP_API_SECRET_ID', env);
  const clock = clockFromEnv(env);

  const dynamo = new DynamoDBClient({});
  const credentials = new JsonSecret({
    client: new SecretsManagerClient({}),
    secretId,
    schema: spApiCredentialsSchema,
  });
  const spApi = makeSpApiAccess({
    config,
    credentials,
    dynamo,
    tableName,
    clock,
    onAttempt: (attempt) => {
      if (attempt.status === 429) metrics.addMetric('SpApiThrottled', 'Count', 1);
    },
  });
  return {
    clock,
    vendors: config.vendors,
    api: (vendorCode) => spApi.ordersFor(vendorCode),
    documents: new DynamoDbDocumentStore({ client: dynamo, tableName, now: () => clock.now() }),
    cursors: new DynamoDbCursorStore({ client: dynamo, tableName }),
    events: new EventBridgePublisher({ client: new EventBridgeClient({}), busName, now: () => clock.now() }),
    initialLookbackDays: config.initialLookbackDays,
  };
}
