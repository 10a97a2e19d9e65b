import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { makeAcknowledgementOutbox } from '#shared/aws/acknowledgement-outbox.ts';
import { DynamoDbAcknowledgementStore } from '#shared/aws/dynamodb-acknowledgements.ts';
import { DynamoDbAuditLog } from '#shared/aws/dynamodb-audit.ts';
import { DynamoDbCatalog, DynamoDbPurchaseOrderReader } from '#shared/aws/dynamodb-catalog.ts';
import { DynamoDbOutboxStore } from '#shared/aws/dynamodb-outbox.ts';
import { DynamoDbStockStore } from '#shared/aws/dynamodb-stock.ts';
import { EventBridgePublisher } from '#shared/aws/event-publisher.ts';
import { S3Archive } from '#shared/aws/s3-archive.ts';
import { JsonSecret, spApiCredentialsSchema } from '#shared/aws/secrets.ts';
import { makeSpApiAccess } from '#shared/aws/sp-api-access.ts';
import { clockFromEnv } from '#shared/clock.ts';
import { requireEnv, runtimeConfigFromEnv } from '#shared/config/runtime.ts';
import { validateRules } from '#shared/domain/purchase-orders/rules-config.ts';
import { makeAuditTrail } from '#shared/use-cases/outbox/audit-trail.ts';
import type { AcknowledgementDeps } from '#shared/use-cases/purchase-orders/acknowledge-purchase-order.ts';

/** Longest a dispatching function may run; the outbox lease must outlast it. */
export const DISPATCH_TIMEOUT_MS = 60_000;

/**
 * The purchase-order functions' clients and adapters, created once per container from the
 * environment the PurchaseOrders construct sets.
 */
export function purchaseOrderDependencies(env: NodeJS.ProcessEnv = process.env) {
  const config = runtimeConfigFromEnv(env);
  const tableName = requireEnv('TABLE_NAME', env);
  const busName = requireEnv('EVENT_BUS_NAME', env);
  const archiveBucket = requireEnv('ARCHIVE_BUCKET_NAME', env);
  const secretId = requireEnv('SP_API_SECRET_ID', env);
  const clock = clockFromEnv(env);
  const rules = validateRules(config.purchaseOrders.rules);

  const dynamo = new DynamoDBClient({});
  const s3 = new S3Client({ forcePathStyle: Boolean(env.AWS_ENDPOINT_URL_S3) });
  const archive = new S3Archive({ client: s3, bucketName: archiveBucket });
  const audit = makeAuditTrail({ log: new DynamoDbAuditLog({ client: dynamo, tableName }), archive });
  const spApi = makeSpApiAccess({
    config,
    credentials: new JsonSecret({
      client: new SecretsManagerClient({}),
      secretId,
      schema: spApiCredentialsSchema,
    }),
    dynamo,
    tableName,
    clock,
  });
  const outbox = makeAcknowledgementOutbox({
    store: new DynamoDbOutboxStore({ client: dynamo, tableName }),
    archive,
    audit,
    clock,
    modeOf: (module) => config.automation[module] ?? 'simulate',
    ordersApiOfAccount: (accountId) => spApi.ordersOfAccount(accountId),
    leaseMs: DISPATCH_TIMEOUT_MS * 2,
  });
  const deps: AcknowledgementDeps = {
    clock,
    orders: new DynamoDbPurchaseOrderReader({ client: dynamo, tableName }),
    acknowledgements: new DynamoDbAcknowledgementStore({ client: dynamo, tableName }),
    catalog: new DynamoDbCatalog({ client: dynamo, tableName }),
    stock: new DynamoDbStockStore({ client: dynamo, tableName }),
    outbox,
    audit,
    events: new EventBridgePublisher({ client: new EventBridgeClient({}), busName, now: () => clock.now() }),
    rules,
    reminders: config.purchaseOrders.reminders,
    vendors: config.vendors,
  };
  return { deps, spApi, config };
}
