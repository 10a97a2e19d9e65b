import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { RuntimeClosedError } from './errors.ts';
import type { LogLevel } from './log.ts';

/**
 * The local SQS event source mapping: long-polls a queue, hands each batch to the function as an
 * SQS event and deletes what succeeded. With `reportBatchItemFailures`, the items the function
 * lists in `batchItemFailures` stay on the queue (an unknown or empty identifier fails the whole
 * batch, as on Lambda); without it, any error fails the whole batch. Failed messages come back
 * after the queue's visibility timeout divided by the clock speed (at least one second), and the
 * queue's redrive policy moves them to the dead-letter queue after maxReceiveCount receives
 * (fauxqs applies it). One batch at a time per queue; batches are at most 10 messages.
 */

export interface QueuePollerOptions {
  functionId: string;
  queueUrl: string;
  queueArn: string;
  region: string;
  batchSize: number;
  reportBatchItemFailures: boolean;
  visibilityTimeoutSeconds: number;
  /** Clock speed; shortens the wait before a failed message comes back. */
  speed: number;
  /** Long-poll seconds per ReceiveMessage. Default 2 (stop() aborts the poll anyway). */
  waitTimeSeconds?: number;
  sqs: SQSClient;
  invoke: (event: SQSEvent) => Promise<unknown>;
  log: (level: LogLevel, message: string, data?: Record<string, unknown>) => void;
}

export class QueuePoller {
  readonly #o: QueuePollerOptions;
  readonly #abort = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(options: QueuePollerOptions) {
    this.#o = options;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops polling; an invocation in progress is left to the function host (which may be closing). */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      let messages: Message[];
      try {
        const received = await this.#o.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.#o.queueUrl,
            MaxNumberOfMessages: Math.min(10, Math.max(1, this.#o.batchSize)),
            WaitTimeSeconds: this.#o.waitTimeSeconds ?? 2,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: signal },
        );
        messages = received.Messages ?? [];
      } catch (error) {
        if (signal.aborted) return;
        this.#o.log('warn', `polling ${this.#o.queueUrl} failed: ${(error as Error).message}`);
        await delay(1000, signal);
        continue;
      }
      if (messages.length > 0) await this.#process(messages);
    }
  }

  async #process(messages: Message[]): Promise<void> {
    const event: SQSEvent = { Records: messages.map((m) => this.#record(m)) };
    let failed: Set<string>;
    try {
      const result = await this.#o.invoke(event);
      failed = this.#o.reportBatchItemFailures ? batchItemFailures(result, messages) : new Set();
    } catch (error) {
      if (error instanceof RuntimeClosedError) return;
      failed = new Set(messages.map((m) => m.MessageId ?? ''));
    }
    if (failed.size > 0) {
      this.#o.log('warn', `${this.#o.functionId}: ${failed.size} of ${messages.length} messages failed`, {
        queue: this.#o.queueUrl,
      });
    }
    const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
    const retry = messages.filter((m) => failed.has(m.MessageId ?? ''));
    try {
      if (done.length > 0) {
        await this.#o.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.#o.queueUrl,
            Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      }
      const visibility = Math.max(1, Math.ceil(this.#o.visibilityTimeoutSeconds / this.#o.speed));
      if (retry.length > 0 && visibility < this.#o.visibilityTimeoutSeconds) {
        await this.#o.sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.#o.queueUrl,
            Entries: retry.map((m, i) => ({
              Id: String(i),
              ReceiptHandle: m.ReceiptHandle,
              VisibilityTimeout: visibility,
            })),
          }),
        );
      }
    } catch (error) {
      this.#o.log('warn', `settling a batch of ${this.#o.queueUrl} failed: ${(error as Error).message}`);
    }
  }

  #record(m: Message): SQSRecord {
    const attributes = m.Attributes ?? {};
    return {
      messageId: m.MessageId ?? '',
      receiptHandle: m.ReceiptHandle ?? '',
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
        SentTimestamp: attributes.SentTimestamp ?? '',
        SenderId: attributes.SenderId ?? '',
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '',
        ...(attributes.SequenceNumber ? { SequenceNumber: attributes.SequenceNumber } : {}),
        ...(attributes.MessageGroupId ? { MessageGroupId: attributes.MessageGroupId } : {}),
        ...(attributes.MessageDeduplicationId
          ? { MessageDeduplicationId: attributes.MessageDeduplicationId }
          : {}),
      },
      messageAttributes: Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {}).map(([name, a]) => [
          name,
          {
            dataType: a.DataType ?? 'String',
            ...(a.StringValue !== undefined ? { stringValue: a.StringValue } : {}),
            ...(a.BinaryValue !== undefined
              ? { binaryValue: Buffer.from(a.BinaryValue).toString('base64') }
              : {}),
            stringListValues: [],
            binaryListValues: [],
          },
        ]),
      ),
      md5OfBody: m.MD5OfBody ?? '',
      ...(m.MD5OfMessageAttributes ? { md5OfMessageAttributes: m.MD5OfMessageAttributes } : {}),
      eventSource: 'aws:sqs',
      eventSourceARN: this.#o.queueArn,
      awsRegion: this.#o.region,
    };
  }
}

/**
 * Message ids the function reported as failed. An identifier that is empty or not in the batch
 * fails the whole batch, as Lambda does.
 */
export function batchItemFailures(result: unknown, messages: readonly Message[]): Set<string> {
  const ids = new Set(messages.map((m) => m.MessageId ?? ''));
  if (typeof result !== 'object' || result === null) return new Set();
  const failures = (result as { batchItemFailures?: unknown }).batchItemFailures;
  if (!Array.isArray(failures)) return new Set();
  const out = new Set<string>();
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) return ids;
    out.add(id);
  }
  return out;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
