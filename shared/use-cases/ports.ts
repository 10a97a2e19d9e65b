/**
 * Ports the use cases talk through. Adapters in shared/aws implement them against DynamoDB and
 * EventBridge; unit tests pass in-memory fakes.
 */

/** Outcome of writing a versioned document. */
export type UpsertOutcome =
  /** First sighting: stored, its event is due. */
  | { readonly kind: 'created' }
  /** A newer version replaced an older one: stored, its event is due. */
  | { readonly kind: 'updated'; readonly previousVersion: string }
  /** Same or older version than stored: nothing changed. `eventPending` when a previous run stored it but crashed before publishing. */
  | { readonly kind: 'unchanged'; readonly eventPending: boolean; readonly storedVersion: string };

/** A document stored under a key with a version; a newer version wins, an equal or older one changes nothing. */
export interface VersionedDocument {
  readonly pk: string;
  readonly sk: string;
  readonly version: string;
  /** Index keys and plain attributes stored beside the document. */
  readonly attributes: Record<string, string | number | boolean>;
  /** The document itself (stored as JSON). */
  readonly document: unknown;
  /** The event this version calls for, kept on the item until it is published. */
  readonly pendingEvent: { readonly detailType: string; readonly detail: Record<string, unknown> };
}

export interface VersionedDocumentStore {
  upsert(doc: VersionedDocument): Promise<UpsertOutcome>;
  /** Clears the pending-event mark of `version` once its event is on the bus. */
  markPublished(key: { pk: string; sk: string }, version: string): Promise<void>;
}

/** Where a paged pull has stored everything up to. Moves forward only. */
export interface CursorStore {
  get(name: string): Promise<string | undefined>;
  /** Advances the cursor to `position` unless it is already there or beyond. */
  advance(name: string, position: string): Promise<void>;
}

/** A domain event for the bus. */
export interface DomainEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
}

export interface EventPublisher {
  /** Publishes every event or throws; partial failures are retried inside. */
  publish(events: readonly DomainEvent[]): Promise<void>;
}
