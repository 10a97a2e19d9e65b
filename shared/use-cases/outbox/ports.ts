import type { AuditEntity, AuditEvent } from '../../domain/audit.ts';
import type { OutboxMessage, OutboxState, OutboxSubject, SendResult } from '../../domain/outbox.ts';

/**
 * Ports of the outbox. Adapters: shared/aws/dynamodb-outbox.ts (store), dynamodb-audit.ts (audit
 * log), s3-archive.ts (archive); senders and resolvers live with the integration they write to.
 */

/** Outcome of a conditional transition. */
export type TransitionResult =
  | { readonly ok: true }
  /** Someone else moved the message first; `current` is what is stored now (read after the failure). */
  | { readonly ok: false; readonly current: OutboxMessage | undefined };

/** One page of a listing; `cursor` continues it. */
export interface OutboxPage {
  readonly items: readonly OutboxMessage[];
  readonly cursor?: string;
}

export interface ListOptions {
  readonly limit: number;
  readonly cursor?: string;
  /** @default 'newest-first' */
  readonly order?: 'newest-first' | 'oldest-first';
}

/** Outbox messages, one item each; every write is a single conditional write (rule 9). */
export interface OutboxStore {
  /** Stores a new message unless its key exists: one conditional put. */
  create(message: OutboxMessage): Promise<'created' | 'duplicate'>;
  /** Strongly consistent read. */
  get(key: string): Promise<OutboxMessage | undefined>;
  /**
   * Replaces the message's mutable state with `next`'s, if and only if the stored message is
   * still in `expected.state` at `expected.revision`: one conditional update.
   */
  transition(
    expected: { readonly key: string; readonly state: OutboxState; readonly revision: number },
    next: OutboxMessage,
  ): Promise<TransitionResult>;
  /** Notes that `revision`'s audit event (and archive) is written; ignored if the message moved on. */
  markRecorded(key: string, revision: number): Promise<void>;
  /** Messages in one state, by last change (gsi1). Query only. */
  listByState(state: OutboxState, options: ListOptions): Promise<OutboxPage>;
  /** Messages about one business object, by creation (gsi2). Query only. */
  listBySubject(subject: OutboxSubject, options: ListOptions): Promise<OutboxPage>;
}

/** What a sender is given: the stored payload string is exactly what goes on the wire. */
export interface SendRequest {
  readonly key: string;
  readonly operation: string;
  readonly target: string;
  readonly subject: OutboxSubject;
  /** Send these bytes as they are; never re-serialise a parsed copy. */
  readonly payload: string;
  /** 1 for the first claim. */
  readonly attempt: number;
}

/**
 * Performs one write to the outside world (rate limit included, e.g. through the SP-API client).
 * Resolves on success (2xx) with what the other side returned. Throws an error with
 * `retryable: false` when the other side refused the request (it will refuse it again),
 * `retryable: true` when it certainly did not apply it and a later attempt may succeed. Any
 * other exception, and any error carrying a 2xx `status` (the other side said yes, e.g. with a
 * body we could not parse), is taken to mean "may have been applied" and makes the message
 * `unknown`, to be resolved by reading the other side's state.
 */
export interface Sender {
  send(request: SendRequest): Promise<SendResult>;
}

/** A resolver's answer about an `unknown` message. */
export type Resolution =
  /** The other side has it: the message is `sent`, nothing is resent. */
  | { readonly outcome: 'applied'; readonly note: string; readonly result?: SendResult }
  /** The other side certainly does not have it: the message goes back to `pending` and is sent. */
  | { readonly outcome: 'not-applied'; readonly note: string }
  /** Cannot tell yet: the message stays `unknown` (audited; alert-worthy). */
  | { readonly outcome: 'undetermined'; readonly note: string };

/**
 * Reads the other side's state to decide whether an `unknown` message was applied, e.g. whether
 * a PO's lines show as acknowledged. Answer `not-applied` only when certain: the message is then
 * sent again. While the other side may still be processing, answer `undetermined`.
 */
export interface UnknownResolver {
  resolve(message: OutboxMessage): Promise<Resolution>;
}

/** A document for the immutable archive. */
export interface ArchiveDocument {
  readonly key: string;
  readonly body: string;
  readonly contentType: string;
}

/** The immutable archive (Object Lock). Write-only: nothing here deletes or shortens retention. */
export interface Archive {
  /** Stores `body` under `key`; writing the same key again adds a version, never replaces evidence. */
  putDocument(document: ArchiveDocument): Promise<void>;
}

/** The audit events in DynamoDB, write-once per event id. */
export interface AuditLog {
  record(event: AuditEvent): Promise<'recorded' | 'duplicate'>;
}

/** Where audit events are archived as JSON lines. */
export interface AuditArchive {
  putAuditEvent(event: AuditEvent): Promise<void>;
}

/** Writes one audit event to every place it must be (rule 5). Idempotent per event id. */
export interface AuditTrail {
  record(event: AuditEvent): Promise<void>;
}

/** Reads the audit log for the console. */
export interface AuditReader {
  byEntity(entity: AuditEntity, options: ListOptions): Promise<{ items: AuditEvent[]; cursor?: string }>;
  byDay(day: string, options: ListOptions): Promise<{ items: AuditEvent[]; cursor?: string }>;
}
