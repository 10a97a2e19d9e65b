import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { notificationsEnvironment } from '#shared/aws/notifications-environment.ts';
import { AppError } from '#shared/errors.ts';
import { logger, withObservability } from '#shared/observability.ts';
import { makeDeliverAlerts } from '#shared/use-cases/notifications/deliver-alerts.ts';
import { parseOrThrow } from '#shared/validation.ts';

/** The function's timeout (Notifications construct); a run starts no new message after 80 % of it. */
export const DELIVER_TIMEOUT_SECONDS = 60;

const env = notificationsEnvironment();
const deliver = makeDeliverAlerts({
  config: env.alertsConfig,
  clock: env.clock,
  alerts: env.alerts,
  outbox: env.outbox,
  pacer: env.pacer,
  audit: env.audit,
  modeOf: env.modeOf,
  budgetMs: DELIVER_TIMEOUT_SECONDS * 800,
});

const nudgeSchema = z.strictObject({ channel: z.string().min(1) });

/**
 * Delivery queue → each nudged channel's due alerts sent, paced, through the outbox. A channel
 * that cannot take them now (rate limit, errors) fails its queue messages, which SQS retries and,
 * after the last receive, moves to the dead-letter queue; the alerts stay in the table and the
 * sweep nudges again.
 */
export async function deliverAlerts(event: SQSEvent): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  const byChannel = new Map<string, string[]>();
  for (const record of event.Records) {
    try {
      const { channel } = parseOrThrow(nudgeSchema, JSON.parse(record.body), 'delivery queue message');
      byChannel.set(channel, [...(byChannel.get(channel) ?? []), record.messageId]);
    } catch (error) {
      // A malformed message is no alert (alerts live in the table): dropped with its reason.
      logger.error('Dropped a malformed delivery queue message', { messageId: record.messageId, error });
    }
  }
  for (const [channel, messageIds] of byChannel) {
    try {
      const summary = await deliver(channel);
      logger.info('Alerts delivered', { summary });
      if (summary.more) await env.queue.nudge(channel);
    } catch (error) {
      const retryable = error instanceof AppError ? error.retryable : true;
      logger.warn('Alert delivery deferred', { channel, retryable, error: (error as Error).message });
      for (const itemIdentifier of messageIds) failures.push({ itemIdentifier });
    }
  }
  return { batchItemFailures: failures };
}

export const handler = withObservability(deliverAlerts);
