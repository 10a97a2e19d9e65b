import type {
  CursorStore,
  DomainEvent,
  EventPublisher,
  UpsertOutcome,
  VersionedDocument,
  VersionedDocumentStore,
} from '#shared/use-cases/ports.ts';

/** The versioned-document port in memory, with the same rules as the DynamoDB adapter. */
export class InMemoryDocumentStore implements VersionedDocumentStore {
  readonly items = new Map<string, { doc: VersionedDocument; pending: boolean }>();
  failNextUpserts = 0;

  async upsert(doc: VersionedDocument): Promise<UpsertOutcome> {
    if (this.failNextUpserts > 0) {
      this.failNextUpserts--;
      throw new Error('store unavailable');
    }
    const key = `${doc.pk}|${doc.sk}`;
    const stored = this.items.get(key);
    if (!stored) {
      this.items.set(key, { doc, pending: true });
      return { kind: 'created' };
    }
    if (stored.doc.version < doc.version) {
      this.items.set(key, { doc, pending: true });
      return { kind: 'updated', previousVersion: stored.doc.version };
    }
    return { kind: 'unchanged', eventPending: stored.pending, storedVersion: stored.doc.version };
  }

  async markPublished(key: { pk: string; sk: string }, version: string): Promise<void> {
    const stored = this.items.get(`${key.pk}|${key.sk}`);
    if (stored && stored.doc.version === version) stored.pending = false;
  }
}

export class InMemoryCursorStore implements CursorStore {
  readonly positions = new Map<string, string>();
  readonly history: { name: string; position: string }[] = [];

  async get(name: string): Promise<string | undefined> {
    return this.positions.get(name);
  }

  async advance(name: string, position: string): Promise<void> {
    const current = this.positions.get(name);
    if (current === undefined || current < position) {
      this.positions.set(name, position);
      this.history.push({ name, position });
    }
  }
}

export class RecordingPublisher implements EventPublisher {
  readonly published: DomainEvent[] = [];
  failNext = 0;

  async publish(events: readonly DomainEvent[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('bus unavailable');
    }
    this.published.push(...events);
  }
}
