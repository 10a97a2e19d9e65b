import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { AppError } from '../errors.ts';
import { backoffDelay } from '../retry.ts';
import type { DomainEvent, EventPublisher } from '../use-cases/ports.ts';

/** Some events could not be put on the bus after every retry. */
export class EventPublishError extends AppError {
  readonly retryable = true;
  constructor(readonly failed: readonly { detailType: string; errorCode?: string; errorMessage?: string }[]) {
    super(
      `${failed.length} event(s) could not be published: ${failed[0]?.errorCode ?? 'unknown'} ${failed[0]?.errorMessage ?? ''}`,
    );
  }
}

/** PutEvents takes at most 10 entries per call. */
const MAX_ENTRIES = 10;

/** Publishes to the Acorn bus in batches of ten, retrying the entries PutEvents reports as failed. */
export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly deps: {
      client: EventBridgeClient;
      busName: string;
      now?: () => Date;
      sleep?: (ms: number) => Promise<void>;
      maxAttempts?: number;
    },
  ) {}

  async publish(events: readonly DomainEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += MAX_ENTRIES) {
      await this.#publishBatch(events.slice(i, i + MAX_ENTRIES));
    }
  }

  async #publishBatch(batch: readonly DomainEvent[]): Promise<void> {
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const maxAttempts = this.deps.maxAttempts ?? 5;
    let pending: PutEventsRequestEntry[] = batch.map((e) => ({
      EventBusName: this.deps.busName,
      Source: e.source,
      DetailType: e.detailType,
      Detail: JSON.stringify(e.detail),
      Time: this.deps.now?.(),
    }));
    let failures: { detailType: string; errorCode?: string; errorMessage?: string }[] = [];
    for (let attempt = 0; attempt < maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(backoffDelay(attempt, { baseMs: 100, capMs: 2_000 }));
      const res = await this.deps.client.send(new PutEventsCommand({ Entries: pending }));
      if (!res.FailedEntryCount) return;
      const retry: PutEventsRequestEntry[] = [];
      failures = [];
      res.Entries?.forEach((entry, index) => {
        const sent = pending[index];
        if (entry.ErrorCode && sent) {
          retry.push(sent);
          failures.push({
            detailType: sent.DetailType ?? '',
            errorCode: entry.ErrorCode,
            errorMessage: entry.ErrorMessage,
          });
        }
      });
      pending = retry;
    }
    if (pending.length > 0) throw new EventPublishError(failures);
  }
}
