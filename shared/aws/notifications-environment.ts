import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { readEnvJson } from '../config/env-json.ts';
import { requireEnv } from '../config/runtime.ts';
import { type AlertsConfig, alertsConfigSchema } from '../domain/notifications/alert-config.ts';
import { channelBucket, channelPacing } from '../domain/notifications/channel-limits.ts';
import type { ChannelPacer } from '../use-cases/notifications/ports.ts';
import { makeOutbox } from '../use-cases/outbox/outbox.ts';
import { parseOrThrow } from '../validation.ts';
import { DynamoDbAlertStore } from './dynamodb-alerts.ts';
import { DynamoDbRateLimiter } from './dynamodb-rate-limiter.ts';
import { notificationChannelsSecretSchema, notificationHandlers } from './notification-senders.ts';
import { JsonSecret } from './secrets.ts';
import { SqsAlertQueue } from './sqs-alert-queue.ts';
import { outboxWriterEnvironment } from './writer-environment.ts';

/** Environment variable carrying the `alerts` configuration to the notification functions. */
export const ALERTS_CONFIG_ENV = 'ACORN_ALERTS_CONFIG';

/** Parses `ACORN_ALERTS_CONFIG`, failing init with the variable's name. */
export function alertsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AlertsConfig {
  return parseOrThrow(alertsConfigSchema, readEnvJson(ALERTS_CONFIG_ENV, env), ALERTS_CONFIG_ENV);
}

/** How long a message keeps its outbox lease: longer than the delivering function runs. */
export const NOTIFY_LEASE_MS = 5 * 60_000;

/**
 * What the notification functions need, built once per container from the environment the
 * Notifications construct sets (the outbox writer's, plus ACORN_ALERTS_CONFIG, ALERT_QUEUE_URL and
 * NOTIFICATION_CHANNELS_SECRET_ID): the alert store, the delivery queue, the channels' shared
 * pacing, and an outbox whose senders are the four channel types.
 */
export function notificationsEnvironment(env: NodeJS.ProcessEnv = process.env) {
  const base = outboxWriterEnvironment(env);
  const config = alertsConfigFromEnv(env);
  const secrets = new JsonSecret({
    client: new SecretsManagerClient({}),
    secretId: requireEnv('NOTIFICATION_CHANNELS_SECRET_ID', env),
    schema: notificationChannelsSecretSchema,
  });
  const { senders, resolvers } = notificationHandlers({ config, secrets, ses: new SESv2Client({}) });
  const limiter = new DynamoDbRateLimiter(base.table);
  const pacer: ChannelPacer = {
    acquire: (channel, type) =>
      limiter.acquire(channelBucket(channel), channelPacing(type), { maxWaitMs: 20_000 }),
  };
  return {
    ...base,
    alertsConfig: config,
    alerts: new DynamoDbAlertStore(base.table),
    queue: new SqsAlertQueue({ client: new SQSClient({}), queueUrl: requireEnv('ALERT_QUEUE_URL', env) }),
    pacer,
    outbox: makeOutbox({
      store: base.outboxStore,
      archive: base.archive,
      audit: base.audit,
      clock: base.clock,
      modeOf: base.modeOf,
      senders,
      resolvers,
      leaseMs: NOTIFY_LEASE_MS,
    }),
  };
}
