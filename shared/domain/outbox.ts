import * as z from 'zod';
import { type AutomationModule, automationModuleSchema } from '../config/runtime.ts';
import { AppError, ValidationError } from '../errors.ts';
import { describeIssues } from '../validation.ts';
import { documentsPrefix } from './archive/layout.ts';
import { type AuditActor, auditActorSchema, auditEntitySchema } from './audit.ts';

/**
 * The outbox's state machine (ARCHITECTURE rules 1 and 11), pure. Every write to the outside
 * world is a message that moves through these states one conditional write at a time:
 *
 * ```
 * pending ──► sending (lease) ──► sent | simulated | failed
 *    │  ▲          │    └──► pending (retryable error)
 *    ▼  │          └──► unknown (lease expired, or an error that may have reached the other side)
 *   held ─► sending        unknown ──► sent (applied) | pending (not applied) | unknown (undetermined)
 * ```
 */
export const OUTBOX_STATES = [
  'pending',
  'held',
  'sending',
  'sent',
  'simulated',
  'failed',
  'unknown',
] as const;
export const outboxStateSchema = z.enum(OUTBOX_STATES);
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** States a message never leaves: the outcome is recorded and archived. */
export type SettledState = 'sent' | 'simulated' | 'failed';

const TRANSITIONS: { readonly [S in OutboxState]: readonly OutboxState[] } = {
  // Claimed by a worker, or held while the module's mode is `off`.
  pending: ['sending', 'held'],
  // Claimed again once the mode is no longer `off`.
  held: ['sending'],
  sending: ['sent', 'simulated', 'failed', 'pending', 'unknown'],
  // Resolved by reading the other side's state; an undetermined answer is noted and stays.
  unknown: ['sent', 'pending', 'unknown'],
  sent: [],
  simulated: [],
  failed: [],
};

/** Whether `from → to` is a transition of the outbox's state machine. */
export function canTransition(from: OutboxState, to: OutboxState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Whether the message's outcome is final. */
export function isSettled(state: OutboxState): state is SettledState {
  return TRANSITIONS[state].length === 0;
}

/** A transition the state machine does not have: a programming error, never retried. */
export class InvalidOutboxTransitionError extends AppError {
  readonly retryable = false;
  constructor(
    readonly key: string,
    readonly from: OutboxState,
    readonly to: OutboxState,
  ) {
    super(`Outbox message ${key} cannot go from ${from} to ${to}`);
  }
}

/** What the audit trail calls each transition. */
export const OUTBOX_ACTIONS = [
  'outbox.enqueued',
  'outbox.held',
  'outbox.claimed',
  'outbox.simulated',
  'outbox.sent',
  'outbox.failed',
  'outbox.requeued',
  'outbox.unknown',
  'outbox.resolved',
  'outbox.unresolved',
] as const;
export type OutboxAction = (typeof OUTBOX_ACTIONS)[number];

/** The business object a message is about: `PurchaseOrder 4R9DIAQD`. Also the audit entity. */
export type OutboxSubject = z.infer<typeof auditEntitySchema>;

/** What the other side answered with on success, e.g. `{ transactionId }`. Flat and JSON-safe. */
export type SendResult = Readonly<Record<string, string | number | boolean | null>>;

/** An error as stored on a message: enough to show an operator, no stack. */
export interface OutboxErrorInfo {
  readonly name: string;
  readonly message: string;
  /** The other side's first error code, e.g. Amazon's `InvalidInput`. */
  readonly code?: string;
  readonly status?: number;
  /** The other side's error list, e.g. Amazon's `errors`. */
  readonly details?: readonly { code: string; message: string; details?: string }[];
  readonly retryable?: boolean;
}

/** The last transition, kept on the message so its audit event can be (re)written from the message alone. */
export interface OutboxChange {
  readonly action: OutboxAction;
  readonly actor: AuditActor;
  readonly reason: string;
  readonly at: string;
  /** Absent for the message's creation. */
  readonly before?: { readonly state: OutboxState; readonly attempts: number };
}

/** One write to the outside world and where it stands. */
export interface OutboxMessage {
  /** Idempotency key, e.g. `ack#4R9DIAQD#2024-01-01T00:00:00Z`: one message per key, ever. */
  readonly key: string;
  readonly module: AutomationModule;
  /** What to call, e.g. `submitAcknowledgement`; picks the sender and the resolver. */
  readonly operation: string;
  /** Where to send it, e.g. an SP-API account id. */
  readonly target: string;
  readonly subject: OutboxSubject;
  /** The exact bytes to send: serialised once at enqueue, so simulate and live send the same string. */
  readonly payload: string;
  /** Who asked for the write. */
  readonly requestedBy: AuditActor;
  readonly state: OutboxState;
  /** Bumped by every transition; each transition is conditional on the revision it read. */
  readonly revision: number;
  /** Claims so far (times a worker set out to send it). */
  readonly attempts: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** While `sending`: after this instant the worker is presumed dead. */
  readonly leaseUntil?: string;
  readonly lastError?: OutboxErrorInfo;
  readonly result?: SendResult;
  /** How an `unknown` was (or was not) resolved. */
  readonly resolution?: string;
  readonly lastChange: OutboxChange;
  /** The highest revision whose audit event (and archive, once settled) is known to be written. */
  readonly recordedRevision: number;
}

/** Largest payload accepted: the message must fit in one DynamoDB item (400 KB) with its metadata. */
export const MAX_PAYLOAD_BYTES = 300_000;

/** What a caller asks the outbox to send. */
export const enqueueRequestSchema = z.strictObject({
  key: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._:#=+@-]{0,199}$/,
      'expected 1–200 characters of letters, digits and . _ : # = + @ - (no slash or space)',
    ),
  module: automationModuleSchema,
  operation: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'expected an operation name'),
  target: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^\s/]+$/, 'expected no slash or space'),
  subject: auditEntitySchema,
  payload: z.unknown(),
  actor: auditActorSchema,
});
export type EnqueueRequest = z.input<typeof enqueueRequestSchema>;

/**
 * Serialises a payload once, as the sender will transmit it. Rejects what JSON cannot carry
 * faithfully (undefined, functions, BigInt, cycles) and payloads too large for one item.
 */
export function serializePayload(payload: unknown): string {
  let body: string | undefined;
  try {
    body = JSON.stringify(payload);
  } catch (cause) {
    throw new ValidationError(
      'Outbox payload is not JSON-serialisable',
      [{ path: 'payload', message: String(cause) }],
      {
        cause,
      },
    );
  }
  if (body === undefined) {
    throw new ValidationError('Outbox payload is not JSON-serialisable', [
      { path: 'payload', message: `a ${typeof payload} has no JSON form` },
    ]);
  }
  const bytes = new TextEncoder().encode(body).length;
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw new ValidationError(
      `Outbox payload is ${bytes} bytes; at most ${MAX_PAYLOAD_BYTES} fit in one item`,
      [{ path: 'payload', message: 'too large' }],
    );
  }
  return body;
}

/** Validates an enqueue request and builds the new `pending` message. */
export function newOutboxMessage(request: EnqueueRequest, at: string): OutboxMessage {
  const parsed = enqueueRequestSchema.safeParse(request);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error);
    throw new ValidationError(
      `Invalid outbox message: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
      { cause: parsed.error },
    );
  }
  const { key, module, operation, target, subject, payload, actor } = parsed.data;
  return {
    key,
    module,
    operation,
    target,
    subject,
    payload: serializePayload(payload),
    requestedBy: actor,
    state: 'pending',
    revision: 0,
    attempts: 0,
    createdAt: at,
    updatedAt: at,
    lastChange: { action: 'outbox.enqueued', actor, reason: `${operation} to ${target} requested`, at },
    recordedRevision: -1,
  };
}

/** One transition as the use case asks for it. */
export interface OutboxTransition {
  readonly to: OutboxState;
  readonly action: OutboxAction;
  readonly actor: AuditActor;
  readonly reason: string;
  readonly at: string;
  /** Required when `to` is `sending`; cleared in every other state. */
  readonly leaseUntil?: string;
  /** Counts a claim. */
  readonly claim?: boolean;
  readonly lastError?: OutboxErrorInfo;
  readonly result?: SendResult;
  readonly resolution?: string;
}

/**
 * The message after `transition`: the next revision, the lease only while `sending`, the index
 * time moved to `at`. Throws {@link InvalidOutboxTransitionError} for a move the machine lacks.
 */
export function applyTransition(message: OutboxMessage, transition: OutboxTransition): OutboxMessage {
  if (!canTransition(message.state, transition.to)) {
    throw new InvalidOutboxTransitionError(message.key, message.state, transition.to);
  }
  if (transition.to === 'sending' && transition.leaseUntil === undefined) {
    throw new InvalidOutboxTransitionError(message.key, message.state, transition.to);
  }
  const { leaseUntil: _lease, ...rest } = message;
  return {
    ...rest,
    state: transition.to,
    revision: message.revision + 1,
    attempts: message.attempts + (transition.claim ? 1 : 0),
    updatedAt: transition.at,
    ...(transition.to === 'sending' ? { leaseUntil: transition.leaseUntil } : {}),
    ...(transition.lastError ? { lastError: transition.lastError } : {}),
    ...(transition.result ? { result: transition.result } : {}),
    ...(transition.resolution ? { resolution: transition.resolution } : {}),
    lastChange: {
      action: transition.action,
      actor: transition.actor,
      reason: transition.reason,
      at: transition.at,
      before: { state: message.state, attempts: message.attempts },
    },
  };
}

/** Whether a `sending` message's worker is presumed dead. */
export function isLeaseExpired(message: OutboxMessage, now: Date): boolean {
  return (
    message.state === 'sending' &&
    (message.leaseUntil === undefined || Date.parse(message.leaseUntil) <= now.getTime())
  );
}

/**
 * Archive key of a settled message's payload and outcome: a legal document, under the module's
 * documents prefix (`documents/<module>/…`, see shared/domain/archive/layout.ts), partitioned by
 * the day it settled.
 */
export function outboxArchiveKey(
  message: Pick<OutboxMessage, 'module' | 'operation' | 'key' | 'updatedAt'>,
): string {
  const day = new Date(message.updatedAt).toISOString().slice(0, 10);
  return `${documentsPrefix(message.module)}${message.operation}/dt=${day}/${message.key}.json`;
}

/** Audit event id of one revision of a message: stable, so rewriting it after a crash stores it once. */
export function outboxAuditEventId(message: OutboxMessage): string {
  return `outbox:${message.key}:r${String(message.revision).padStart(6, '0')}`;
}
