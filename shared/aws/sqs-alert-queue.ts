import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { AlertQueue } from '../use-cases/notifications/ports.ts';

/** The delivery queue on SQS: a nudge is `{"channel": …}`; the alerts themselves live in the table. */
export class SqsAlertQueue implements AlertQueue {
  constructor(private readonly deps: { client: SQSClient; queueUrl: string }) {}

  async nudge(channel: string): Promise<void> {
    await this.deps.client.send(
      new SendMessageCommand({ QueueUrl: this.deps.queueUrl, MessageBody: JSON.stringify({ channel }) }),
    );
  }
}
