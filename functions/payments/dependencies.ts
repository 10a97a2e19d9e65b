import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDbAuditLog } from '#shared/aws/dynamodb-audit.ts';
import { DynamoDbInvoiceLookup } from '#shared/aws/dynamodb-invoice-lookup.ts';
import { DynamoDbPaymentEvidence } from '#shared/aws/dynamodb-payment-evidence.ts';
import { DynamoDbPaymentsStore } from '#shared/aws/dynamodb-payments.ts';
import { EventBridgePublisher } from '#shared/aws/event-publisher.ts';
import { S3Archive } from '#shared/aws/s3-archive.ts';
import { clockFromEnv } from '#shared/clock.ts';
import { requireEnv, runtimeConfigFromEnv } from '#shared/config/runtime.ts';
import { ConfigurationError } from '#shared/errors.ts';
import { makeAuditTrail } from '#shared/use-cases/outbox/audit-trail.ts';

/**
 * The payments functions' clients and adapters, created once per container from the environment
 * the Payments construct sets (TABLE_NAME, EVENT_BUS_NAME, ARCHIVE_BUCKET_NAME,
 * PAYMENT_TERMS_DAYS, ACORN_RUNTIME_CONFIG). Payments writes nothing to the outside world, so it
 * needs no outbox: its follow-ups are bus events.
 */
export function paymentDependencies(env: NodeJS.ProcessEnv = process.env) {
  const config = runtimeConfigFromEnv(env);
  const tableName = requireEnv('TABLE_NAME', env);
  const clock = clockFromEnv(env);
  const defaultTermsDays = Number(requireEnv('PAYMENT_TERMS_DAYS', env));
  if (!Number.isInteger(defaultTermsDays) || defaultTermsDays < 0) {
    throw new ConfigurationError('PAYMENT_TERMS_DAYS must be a whole number of days');
  }
  const dynamo = new DynamoDBClient({});
  const table = { client: dynamo, tableName };
  const s3 = new S3Client({ forcePathStyle: Boolean(env.AWS_ENDPOINT_URL_S3) });
  const archive = new S3Archive({ client: s3, bucketName: requireEnv('ARCHIVE_BUCKET_NAME', env) });
  return {
    config,
    clock,
    s3,
    defaultTermsDays,
    store: new DynamoDbPaymentsStore(table),
    invoices: new DynamoDbInvoiceLookup(table),
    evidence: new DynamoDbPaymentEvidence(table),
    audit: makeAuditTrail({ log: new DynamoDbAuditLog(table), archive }),
    events: new EventBridgePublisher({
      client: new EventBridgeClient({}),
      busName: requireEnv('EVENT_BUS_NAME', env),
      now: () => clock.now(),
    }),
  };
}
