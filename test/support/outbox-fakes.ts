import type { OutboxMessage, OutboxState, OutboxSubject } from '#shared/domain/outbox.ts';
import type {
  ListOptions,
  OutboxPage,
  OutboxStore,
  TransitionResult,
} from '#shared/use-cases/outbox/ports.ts';

/** Outbox messages in memory: conditional on state and revision, like DynamoDbOutboxStore. */
export class InMemoryOutboxStore implements OutboxStore {
  readonly items = new Map<string, OutboxMessage>();
  /** Successful transitions so far. */
  transitions = 0;
  /** Throws from the transition into this state, once: a worker dying before it records. */
  crashOnTransitionTo: { state: OutboxState; error: Error } | undefined;

  async create(message: OutboxMessage): Promise<'created' | 'duplicate'> {
    await Promise.resolve();
    if (this.items.has(message.key)) return 'duplicate';
    this.items.set(message.key, structuredClone(message));
    return 'created';
  }

  async get(key: string): Promise<OutboxMessage | undefined> {
    await Promise.resolve();
    const item = this.items.get(key);
    return item && structuredClone(item);
  }

  async transition(
    expected: { key: string; state: OutboxState; revision: number },
    next: OutboxMessage,
  ): Promise<TransitionResult> {
    await Promise.resolve();
    if (this.crashOnTransitionTo?.state === next.state) {
      const { error } = this.crashOnTransitionTo;
      this.crashOnTransitionTo = undefined;
      throw error;
    }
    const stored = this.items.get(expected.key);
    if (!stored || stored.state !== expected.state || stored.revision !== expected.revision) {
      return { ok: false, current: stored && structuredClone(stored) };
    }
    this.transitions++;
    this.items.set(expected.key, { ...structuredClone(next), recordedRevision: stored.recordedRevision });
    return { ok: true };
  }

  async markRecorded(key: string, revision: number): Promise<void> {
    const stored = this.items.get(key);
    if (stored && stored.revision === revision && stored.recordedRevision < revision) {
      this.items.set(key, { ...stored, recordedRevision: revision });
    }
  }

  async listByState(state: OutboxState, options: ListOptions): Promise<OutboxPage> {
    return { items: [...this.items.values()].filter((m) => m.state === state).slice(0, options.limit) };
  }

  async listBySubject(subject: OutboxSubject, options: ListOptions): Promise<OutboxPage> {
    return {
      items: [...this.items.values()]
        .filter((m) => m.subject.type === subject.type && m.subject.id === subject.id)
        .slice(0, options.limit),
    };
  }

  /** Puts a message as it stands after a crash (e.g. `sending` with an expired lease). */
  put(message: OutboxMessage): void {
    this.items.set(message.key, structuredClone(message));
  }
}
