import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clockFromEnv } from '../clock.ts';
import {
  type AutomationMode,
  type AutomationModule,
  requireEnv,
  runtimeConfigFromEnv,
} from '../config/runtime.ts';
import { makeModeReader } from '../use-cases/console/automation-modes.ts';
import { makeAuditTrail } from '../use-cases/outbox/audit-trail.ts';
import { DynamoDbAuditLog } from './dynamodb-audit.ts';
import { DynamoDbModeOverrides } from './dynamodb-automation-modes.ts';
import { DynamoDbOutboxStore } from './dynamodb-outbox.ts';
import { EventBridgePublisher } from './event-publisher.ts';
import { S3Archive } from './s3-archive.ts';
import { JsonSecret, spApiCredentialsSchema } from './secrets.ts';
import { makeSpApiAccess } from './sp-api-access.ts';

/**
 * What every function that writes to Amazon through the outbox needs, built once per container
 * from the environment its construct sets (TABLE_NAME, EVENT_BUS_NAME, ARCHIVE_BUCKET_NAME,
 * SP_API_SECRET_ID, ACORN_RUNTIME_CONFIG): the clients, the outbox store, the audit trail and
 * archive, SP-API access on the shared rate limit, and each module's automation mode. A missing
 * variable fails init with its name.
 */
export function outboxWriterEnvironment(env: NodeJS.ProcessEnv = process.env) {
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
  return {
    config,
    clock,
    dynamo,
    s3,
    table: { client: dynamo, tableName },
    archive,
    audit,
    spApi,
    outboxStore: new DynamoDbOutboxStore({ client: dynamo, tableName }),
    /**
     * The module's mode: an admin's switch in the console (the override item, re-read every few
     * seconds), else the configuration; a module the configuration leaves out runs in `simulate`.
     */
    modeOf: makeModeReader({
      store: new DynamoDbModeOverrides({ client: dynamo, tableName }),
      configured: config.automation,
      clock,
    }) as (module: AutomationModule) => Promise<AutomationMode>,
    events: new EventBridgePublisher({ client: new EventBridgeClient({}), busName, now: () => clock.now() }),
  };
}
