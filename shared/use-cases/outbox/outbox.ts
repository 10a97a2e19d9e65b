import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { Clock } from '../../clock.ts';
import type { AutomationMode, AutomationModule } from '../../config/runtime.ts';
import type { AuditActor, AuditEvent } from '../../domain/audit.ts';
import {
  applyTransition,
  type EnqueueRequest,
  isLeaseExpired,
  isSettled,
  newOutboxMessage,
  type OutboxAction,
  type OutboxErrorInfo,
  type OutboxMessage,
  type OutboxState,
  type OutboxSubject,
  type OutboxTransition,
  outboxArchiveKey,
  outboxAuditEventId,
} from '../../domain/outbox.ts';
import { ConfigurationError, ValidationError } from '../../errors.ts';
import { OutboxContentionError, OutboxLeaseLostError, OutboxMessageNotFoundError } from './errors.ts';
import type {
  Archive,
  ArchiveDocument,
  AuditTrail,
  ListOptions,
  OutboxPage,
  OutboxStore,
  Sender,
  UnknownResolver,
} from './ports.ts';

export interface OutboxDeps {
  readonly store: OutboxStore;
  readonly archive: Archive;
  readonly audit: AuditTrail;
  readonly clock: Clock;
  /** The module's automation mode now; read at every dispatch, so a switch applies to held messages too. */
  readonly modeOf: (module: AutomationModule) => AutomationMode | Promise<AutomationMode>;
  /** By operation name, e.g. `submitAcknowledgement`. Only `live` dispatches need one. */
  readonly senders: Readonly<Record<string, Sender>>;
  /** By operation name; consulted for `unknown` messages. */
  readonly resolvers: Readonly<Record<string, UnknownResolver>>;
  /**
   * How long a claim lasts. Make it at least the dispatching function's timeout: a worker that
   * is still alive then never loses its lease, and an expired lease really means a dead worker.
   */
  readonly leaseMs: number;
}

/** What every outbox needs besides its operations: where messages live, the audit, the clock, the modes. */
export type OutboxBase = Omit<OutboxDeps, 'senders' | 'resolvers'>;

/** How one operation is sent and how an attempt whose outcome is unknown is looked up. */
export interface OperationHandlers {
  readonly sender: Sender;
  readonly resolver: UnknownResolver;
}

/** An outbox carrying the given operations, each with its sender and resolver. */
export function outboxFor(base: OutboxBase, operations: Readonly<Record<string, OperationHandlers>>): Outbox {
  const entries = Object.entries(operations);
  return makeOutbox({
    store: base.store,
    archive: base.archive,
    audit: base.audit,
    clock: base.clock,
    modeOf: base.modeOf,
    leaseMs: base.leaseMs,
    senders: Object.fromEntries(entries.map(([operation, h]) => [operation, h.sender])),
    resolvers: Object.fromEntries(entries.map(([operation, h]) => [operation, h.resolver])),
  });
}

/** What one dispatch did, with the message as it now stands. */
export type DispatchOutcome = {
  readonly kind: /** Delivered now, or an `unknown` that the resolver found applied (see `message.resolution`). */
    | 'sent'
    /** Mode `simulate`: the exact payload is recorded and archived, nothing was sent. */
    | 'simulated'
    /** Mode `off`: left `held` until a dispatch finds another mode. */
    | 'held'
    /** Refused by the other side; `message.lastError` says why. Not retried. */
    | 'failed'
    /** A retryable error; the message is `pending` again: let the caller's queue retry later. */
    | 'retry'
    /** Another worker holds the lease; nothing done. */
    | 'in-flight'
    /** May or may not have been applied and the resolver cannot tell yet: alert-worthy; retry later. */
    | 'unknown'
    /** Already sent, simulated or failed before this dispatch; nothing done. */
    | 'settled';
  readonly message: OutboxMessage;
};

export interface Outbox {
  /**
   * Stores a `pending` message, its payload serialised once; the same key twice never makes two
   * messages. Throws ValidationError for a bad request or a payload JSON cannot carry.
   */
  enqueue(request: EnqueueRequest): Promise<'enqueued' | 'duplicate'>;
  /** Moves the message as far as it can go now; see {@link DispatchOutcome}. */
  dispatch(key: string, options?: { actor?: AuditActor }): Promise<DispatchOutcome>;
  get(key: string): Promise<OutboxMessage | undefined>;
  listByState(state: OutboxState, options: ListOptions): Promise<OutboxPage>;
  listBySubject(subject: OutboxSubject, options: ListOptions): Promise<OutboxPage>;
}

/** The outbox acts as this actor unless a dispatch names another (an operator's "retry now"). */
export const OUTBOX_ACTOR: AuditActor = { type: 'system', id: 'outbox' };

/** A dispatch that meets this many concurrent changes gives up; the caller's queue retries. */
const MAX_PASSES = 6;

const errorDetailsSchema = z
  .array(z.object({ code: z.string(), message: z.string(), details: z.string().optional() }))
  .max(50);

/** Reads what an operator needs from any thrown value, without trusting its shape. */
export function describeSendError(error: unknown): OutboxErrorInfo {
  if (!(error instanceof Error)) return { name: 'NonError', message: String(error).slice(0, 1000) };
  const retryable: unknown = Reflect.get(error, 'retryable');
  const code: unknown = Reflect.get(error, 'code');
  const status: unknown = Reflect.get(error, 'status');
  const details = errorDetailsSchema.safeParse(Reflect.get(error, 'errors'));
  return {
    name: error.name,
    message: error.message.slice(0, 1000),
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof status === 'number' ? { status } : {}),
    ...(details.success && details.data.length > 0 ? { details: details.data } : {}),
    ...(typeof retryable === 'boolean' ? { retryable } : {}),
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The archived record of a settled message: the payload string exactly as stored (and sent, in
 * `live`), its SHA-256, and the outcome. One JSON line. The requester's display name is left out
 * (rule 13); the payloads themselves must already be free of personal data.
 */
export function outboxArchiveDocument(message: OutboxMessage): ArchiveDocument {
  const record = {
    key: message.key,
    module: message.module,
    operation: message.operation,
    target: message.target,
    subject: message.subject,
    requestedBy: { type: message.requestedBy.type, id: message.requestedBy.id },
    outcome: message.state,
    attempts: message.attempts,
    createdAt: message.createdAt,
    settledAt: message.updatedAt,
    payloadSha256: sha256(message.payload),
    payload: message.payload,
    ...(message.result ? { result: message.result } : {}),
    ...(message.lastError ? { lastError: message.lastError } : {}),
    ...(message.resolution ? { resolution: message.resolution } : {}),
  };
  return {
    key: outboxArchiveKey(message),
    body: `${JSON.stringify(record)}\n`,
    contentType: 'application/json',
  };
}

const ERROR_ACTIONS: readonly OutboxAction[] = ['outbox.failed', 'outbox.requeued', 'outbox.unknown'];
const RESOLUTION_ACTIONS: readonly OutboxAction[] = ['outbox.resolved', 'outbox.unresolved'];

/** The audit event of the message's latest transition, rebuilt from the message alone. */
export function outboxAuditEvent(message: OutboxMessage): AuditEvent {
  const change = message.lastChange;
  const error =
    message.lastError && ERROR_ACTIONS.includes(change.action)
      ? {
          error: {
            name: message.lastError.name,
            code: message.lastError.code,
            message: message.lastError.message,
          },
        }
      : {};
  return {
    id: outboxAuditEventId(message),
    at: change.at,
    actor: change.actor,
    action: change.action,
    entity: message.subject,
    reason: change.reason.slice(0, 2000),
    ...(change.before
      ? { before: { outboxKey: message.key, state: change.before.state, attempts: change.before.attempts } }
      : {}),
    after: {
      outboxKey: message.key,
      operation: message.operation,
      target: message.target,
      state: message.state,
      attempts: message.attempts,
      ...(message.leaseUntil ? { leaseUntil: message.leaseUntil } : {}),
      ...(message.result && message.state === 'sent' ? { result: message.result } : {}),
      ...(message.resolution && RESOLUTION_ACTIONS.includes(change.action)
        ? { resolution: message.resolution }
        : {}),
      ...error,
    },
    module: message.module,
  };
}

type Moved =
  | { readonly ok: true; readonly message: OutboxMessage }
  | { readonly ok: false; readonly current: OutboxMessage };

/** Where one step of a dispatch leaves it: finished with an outcome, or to continue from a message. */
type Step = { readonly done: DispatchOutcome } | { readonly next: OutboxMessage };

/**
 * The one outbox (ARCHITECTURE rules 1, 5, 8, 9, 11). Every change is one conditional write on
 * the message's revision; after each, the audit event (and, once settled, the archive of the
 * payload and outcome) is written and the message marked recorded. A dispatch that finds the
 * current revision unrecorded (a crash between the two) writes it first, so no change ever goes
 * unaudited; event ids and archive keys are stable, so a rewrite stores nothing twice.
 */
export function makeOutbox(deps: OutboxDeps): Outbox {
  if (!Number.isInteger(deps.leaseMs) || deps.leaseMs <= 0) {
    throw new ConfigurationError(`Outbox leaseMs must be a positive integer, got ${deps.leaseMs}`);
  }
  const { store } = deps;
  const nowIso = () => deps.clock.now().toISOString();

  async function load(key: string): Promise<OutboxMessage> {
    const message = await store.get(key);
    if (!message) throw new OutboxMessageNotFoundError(key);
    return message;
  }

  /** Writes the audit event (and archive, once settled) of the message's revision, then marks it recorded. */
  async function record(message: OutboxMessage): Promise<OutboxMessage> {
    if (message.recordedRevision >= message.revision) return message;
    // Archive first: an outcome must never be marked recorded without its evidence.
    if (isSettled(message.state)) await deps.archive.putDocument(outboxArchiveDocument(message));
    await deps.audit.record(outboxAuditEvent(message));
    await store.markRecorded(message.key, message.revision);
    return { ...message, recordedRevision: message.revision };
  }

  async function move(message: OutboxMessage, transition: Omit<OutboxTransition, 'at'>): Promise<Moved> {
    const next = applyTransition(message, { ...transition, at: nowIso() });
    const res = await store.transition(
      { key: message.key, state: message.state, revision: message.revision },
      next,
    );
    if (!res.ok) {
      if (!res.current) throw new OutboxMessageNotFoundError(message.key);
      return { ok: false, current: res.current };
    }
    return { ok: true, message: await record(next) };
  }

  const done = (kind: DispatchOutcome['kind'], message: OutboxMessage): Step => ({ done: { kind, message } });
  const after = (moved: Moved): Step => ({ next: moved.ok ? moved.message : moved.current });

  /** Records how a claimed send ended. Losing the lease meanwhile is reported, never papered over. */
  async function finish(
    claimed: OutboxMessage,
    kind: DispatchOutcome['kind'],
    transition: Omit<OutboxTransition, 'at'>,
  ): Promise<Step> {
    const moved = await move(claimed, transition);
    if (moved.ok) return done(kind, moved.message);
    if (isSettled(moved.current.state)) return done('settled', moved.current);
    throw new OutboxLeaseLostError(claimed.key, transition.to);
  }

  async function send(claimed: OutboxMessage, mode: 'simulate' | 'live', actor: AuditActor): Promise<Step> {
    if (mode === 'simulate') {
      return finish(claimed, 'simulated', {
        to: 'simulated',
        action: 'outbox.simulated',
        actor,
        reason: `Mode simulate: recorded the ${claimed.operation} request that live would send; nothing sent`,
      });
    }
    const sender = deps.senders[claimed.operation];
    if (!sender) throw new ConfigurationError(`No outbox sender for operation ${claimed.operation}`);
    let result: Awaited<ReturnType<Sender['send']>>;
    try {
      result = await sender.send({
        key: claimed.key,
        operation: claimed.operation,
        target: claimed.target,
        subject: claimed.subject,
        payload: claimed.payload,
        attempt: claimed.attempts,
      });
    } catch (error) {
      const lastError = describeSendError(error);
      // A 2xx that then failed (e.g. a body not matching our schema) was accepted: never resend it.
      // An answer that proves nothing either way (SpApiOutcomeUnknownError) is never retried blindly.
      const answeredSuccess =
        (typeof error === 'object' && error !== null && Reflect.get(error, 'ambiguous') === true) ||
        (lastError.status !== undefined && lastError.status >= 200 && lastError.status < 300);
      if (lastError.retryable === false && !answeredSuccess) {
        return finish(claimed, 'failed', {
          to: 'failed',
          action: 'outbox.failed',
          actor,
          lastError,
          reason: `${claimed.target} refused ${claimed.operation}: ${lastError.message}`,
        });
      }
      if (lastError.retryable === true && !answeredSuccess) {
        return finish(claimed, 'retry', {
          to: 'pending',
          action: 'outbox.requeued',
          actor,
          lastError,
          reason: `Attempt ${claimed.attempts} of ${claimed.operation} failed and may succeed later: ${lastError.message}`,
        });
      }
      // No verdict from the sender, or a success answer it could not use: the request may have
      // been applied. Only reading the other side's state may decide, on a later dispatch, once it
      // has had time to process (rule 11).
      return finish(claimed, 'unknown', {
        to: 'unknown',
        action: 'outbox.unknown',
        actor,
        lastError,
        reason: `Attempt ${claimed.attempts} of ${claimed.operation} ended with an unexpected error; it may have been applied`,
      });
    }
    return finish(claimed, 'sent', {
      to: 'sent',
      action: 'outbox.sent',
      actor,
      result,
      reason: `${claimed.target} accepted ${claimed.operation}`,
    });
  }

  async function resolve(message: OutboxMessage, actor: AuditActor): Promise<Step> {
    const resolver = deps.resolvers[message.operation];
    if (!resolver) throw new ConfigurationError(`No outbox resolver for operation ${message.operation}`);
    const answer = await resolver.resolve(message);
    switch (answer.outcome) {
      case 'applied': {
        const moved = await move(message, {
          to: 'sent',
          action: 'outbox.resolved',
          actor,
          reason: `Found applied at ${message.target}; not resent: ${answer.note}`,
          resolution: `applied: ${answer.note}`,
          ...(answer.result ? { result: answer.result } : {}),
        });
        return moved.ok ? done('sent', moved.message) : after(moved);
      }
      case 'not-applied':
        // Certain it never arrived: back to pending, and this dispatch sends it.
        return after(
          await move(message, {
            to: 'pending',
            action: 'outbox.resolved',
            actor,
            reason: `Found not applied at ${message.target}; to be sent again: ${answer.note}`,
            resolution: `not applied: ${answer.note}`,
          }),
        );
      case 'undetermined': {
        const moved = await move(message, {
          to: 'unknown',
          action: 'outbox.unresolved',
          actor,
          reason: `Could not tell whether ${message.target} applied ${message.operation}: ${answer.note}`,
          resolution: `undetermined: ${answer.note}`,
        });
        return moved.ok ? done('unknown', moved.message) : after(moved);
      }
    }
  }

  async function step(message: OutboxMessage, actor: AuditActor): Promise<Step> {
    switch (message.state) {
      case 'sent':
      case 'simulated':
      case 'failed':
        return done('settled', message);
      case 'sending':
        if (!isLeaseExpired(message, deps.clock.now())) return done('in-flight', message);
        // The worker died mid-send: whether the other side got it is unknown until its state is read.
        return after(
          await move(message, {
            to: 'unknown',
            action: 'outbox.unknown',
            actor,
            reason: `Lease of attempt ${message.attempts} expired at ${message.leaseUntil}: the worker stopped mid-send`,
          }),
        );
      case 'unknown':
        return resolve(message, actor);
      case 'pending':
      case 'held': {
        const mode = await deps.modeOf(message.module);
        if (mode === 'off') {
          if (message.state === 'held') return done('held', message);
          const moved = await move(message, {
            to: 'held',
            action: 'outbox.held',
            actor,
            reason: `Module ${message.module} is off; held until its mode changes`,
          });
          return moved.ok ? done('held', moved.message) : after(moved);
        }
        // A missing sender is a deployment error: fail before claiming, leaving the message as it was.
        if (mode === 'live' && !deps.senders[message.operation]) {
          throw new ConfigurationError(`No outbox sender for operation ${message.operation}`);
        }
        const claimed = await move(message, {
          to: 'sending',
          action: 'outbox.claimed',
          actor,
          claim: true,
          leaseUntil: new Date(deps.clock.now().getTime() + deps.leaseMs).toISOString(),
          reason: `Attempt ${message.attempts + 1} in mode ${mode}`,
        });
        if (!claimed.ok) return after(claimed);
        return send(claimed.message, mode, actor);
      }
    }
  }

  function checkLimit(options: ListOptions): void {
    if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > 100) {
      throw new ValidationError('limit must be an integer from 1 to 100', [
        { path: 'limit', message: 'out of range' },
      ]);
    }
  }

  return {
    async enqueue(request) {
      const message = newOutboxMessage(request, nowIso());
      if ((await store.create(message)) === 'duplicate') return 'duplicate';
      await record(message);
      return 'enqueued';
    },

    async dispatch(key, options = {}) {
      const actor = options.actor ?? OUTBOX_ACTOR;
      let message = await load(key);
      for (let pass = 0; pass < MAX_PASSES; pass++) {
        // A crash after a change but before its audit event: write it before changing anything else.
        message = await record(message);
        const result = await step(message, actor);
        if ('done' in result) return result.done;
        message = result.next;
      }
      throw new OutboxContentionError(key);
    },

    get: (key) => store.get(key),

    async listByState(state, options) {
      checkLimit(options);
      return store.listByState(state, options);
    },

    async listBySubject(subject, options) {
      checkLimit(options);
      return store.listBySubject(subject, options);
    },
  };
}
