import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDbAcknowledgementStore } from '#shared/aws/dynamodb-acknowledgements.ts';
import { DynamoDbAuditLog } from '#shared/aws/dynamodb-audit.ts';
import { DynamoDbCatalog, DynamoDbPurchaseOrderReader } from '#shared/aws/dynamodb-catalog.ts';
import { DynamoDbOutboxStore } from '#shared/aws/dynamodb-outbox.ts';
import {
  DynamoDbFulfilmentStore,
  DynamoDbPurchaseOrderStatusReader,
  DynamoDbShipmentStore,
  DynamoDbShippedQuantities,
} from '#shared/aws/dynamodb-shipments.ts';
import { EventBridgePublisher } from '#shared/aws/event-publisher.ts';
import { S3Archive } from '#shared/aws/s3-archive.ts';
import { JsonSecret, spApiCredentialsSchema } from '#shared/aws/secrets.ts';
import { makeShipmentOutbox } from '#shared/aws/shipment-outbox.ts';
import { makeSpApiAccess } from '#shared/aws/sp-api-access.ts';
import { clockFromEnv } from '#shared/clock.ts';
import { requireEnv, runtimeConfigFromEnv } from '#shared/config/runtime.ts';
import { makeVendorShipmentsApi } from '#shared/sp-api/vendor-shipments.ts';
import { makeAuditTrail } from '#shared/use-cases/outbox/audit-trail.ts';
import type { ShipmentDeps } from '#shared/use-cases/shipments/send-shipment.ts';

/** Longest a dispatching function may run (the file import); the outbox lease must outlast it. */
export const DISPATCH_TIMEOUT_MS = 5 * 60_000;

/**
 * The shipments functions' clients and adapters, created once per container from the environment
 * the Shipments construct sets.
 */
export function shipmentDependencies(env: NodeJS.ProcessEnv = process.env) {
  const config = runtimeConfigFromEnv(env);
  const tableName = requireEnv('TABLE_NAME', env);
  const busName = requireEnv('EVENT_BUS_NAME', env);
  const archiveBucket = requireEnv('ARCHIVE_BUCKET_NAME', env);
  const secretId = requireEnv('SP_API_SECRET_ID', env);
  const clock = clockFromEnv(env);

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
  const outbox = makeShipmentOutbox({
    store: new DynamoDbOutboxStore({ client: dynamo, tableName }),
    archive,
    audit,
    clock,
    modeOf: (module) => config.automation[module] ?? 'simulate',
    shipmentsApiOfAccount: (accountId) => makeVendorShipmentsApi(spApi.client(accountId)),
    leaseMs: DISPATCH_TIMEOUT_MS * 2,
  });
  const table = { client: dynamo, tableName };
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
    events: new EventBridgePublisher({ client: new EventBridgeClient({}), busName, now: () => clock.now() }),
    vendors: config.vendors,
    settings: config.shipments,
  };
  return { deps, spApi, config, s3 };
}
