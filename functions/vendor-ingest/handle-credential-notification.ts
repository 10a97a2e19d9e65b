import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DynamoDbRateLimiter } from '#shared/aws/dynamodb-rate-limiter.ts';
import { EventBridgePublisher } from '#shared/aws/event-publisher.ts';
import { JsonSecret, spApiCredentialsSchema } from '#shared/aws/secrets.ts';
import { clockFromEnv } from '#shared/clock.ts';
import { requireEnv, runtimeConfigFromEnv } from '#shared/config/runtime.ts';
import { ConfigurationError } from '#shared/errors.ts';
import { logger, withObservability } from '#shared/observability.ts';
import { makeApplicationManagementApi } from '#shared/sp-api/application-management.ts';
import { makeSpApiClient } from '#shared/sp-api/client.ts';
import { makeLwaTokenProvider } from '#shared/sp-api/lwa.ts';
import { LWA_TOKEN_URL } from '#shared/sp-api/operations.ts';
import {
  CLIENT_SECRET_ROTATION_SCOPE,
  credentialRotationNotificationSchema,
} from '#shared/sp-api/schemas/lwa.ts';
import { makeHandleCredentialNotification } from '#shared/use-cases/vendor-ingest/handle-credential-notification.ts';
import { parseOrThrow } from '#shared/validation.ts';

const config = runtimeConfigFromEnv();
const clock = clockFromEnv();
const credentials = new JsonSecret({
  client: new SecretsManagerClient({}),
  secretId: requireEnv('SP_API_SECRET_ID'),
  schema: spApiCredentialsSchema,
});
const rotationAccount = config.spApi.accounts[0];
if (!rotationAccount) throw new ConfigurationError('At least one SP-API account must be configured');

const applicationManagement = makeApplicationManagementApi(
  makeSpApiClient({
    region: rotationAccount.region,
    baseUrl: rotationAccount.endpoint,
    limiterScope: 'application',
    rateLimitFraction: config.spApi.rateLimitFraction,
    maxAttempts: config.spApi.retry.maxAttempts,
    backoff: { baseMs: config.spApi.retry.baseDelayMs, capMs: config.spApi.retry.maxDelayMs },
    limiter: new DynamoDbRateLimiter({ client: new DynamoDBClient({}), tableName: requireEnv('TABLE_NAME') }),
    tokens: makeLwaTokenProvider({
      tokenUrl: config.spApi.lwaEndpoint ?? LWA_TOKEN_URL,
      now: () => clock.now().getTime(),
      credentials: async () => {
        const secret = await credentials.get();
        return {
          clientId: secret.clientId,
          clientSecret: secret.clientSecret,
          scope: CLIENT_SECRET_ROTATION_SCOPE,
        };
      },
    }),
  }),
);

const handle = makeHandleCredentialNotification({
  credentials,
  rotate: () => applicationManagement.rotateClientSecret(),
  events: new EventBridgePublisher({
    client: new EventBridgeClient({}),
    busName: requireEnv('EVENT_BUS_NAME'),
  }),
  clock,
});

/**
 * SQS batch of SP-API credential notifications. Each message is handled on its own; a failed one
 * is reported back so SQS redelivers it (and after maxReceiveCount parks it in the DLQ).
 */
export async function handleCredentialNotifications(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch {
        throw new Error('message body is not JSON');
      }
      const notification = parseOrThrow(
        credentialRotationNotificationSchema,
        body,
        'credential notification',
      );
      const outcome = await handle(notification);
      logger.info('Handled credential notification', {
        messageId: record.messageId,
        notificationType: notification.notificationType,
        outcome,
      });
    } catch (error) {
      // The error never includes the message body: it may carry the new client secret.
      logger.error('Credential notification failed', {
        messageId: record.messageId,
        error: error instanceof Error ? { name: error.name, message: error.message } : 'unknown',
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}

export const handler = withObservability(handleCredentialNotifications);
