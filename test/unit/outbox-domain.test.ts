import { describe, expect, it } from 'vitest';
import { type AuditEvent, auditArchiveKey, auditArchiveLine } from '#shared/domain/audit.ts';
import {
  applyTransition,
  canTransition,
  InvalidOutboxTransitionError,
  isLeaseExpired,
  isSettled,
  MAX_PAYLOAD_BYTES,
  newOutboxMessage,
  OUTBOX_STATES,
  type OutboxMessage,
  type OutboxState,
  outboxArchiveKey,
  outboxAuditEventId,
  serializePayload,
} from '#shared/domain/outbox.ts';
import { ValidationError } from '#shared/errors.ts';

const AT = '2026-03-01T10:00:00.000Z';
const rule = { type: 'rule', id: 'ack-rules' } as const;

function request(overrides: Record<string, unknown> = {}) {
  return {
    key: 'ack#4R9DIAQD#1',
    module: 'purchaseOrders',
    operation: 'submitAcknowledgement',
    target: 'acct-eu',
    subject: { type: 'PurchaseOrder', id: '4R9DIAQD' },
    payload: { acknowledgements: [{ purchaseOrderNumber: '4R9DIAQD' }] },
    actor: rule,
    ...overrides,
  } as Parameters<typeof newOutboxMessage>[0];
}

function inState(state: OutboxState): OutboxMessage {
  return { ...newOutboxMessage(request(), AT), state };
}

describe('outbox state machine', () => {
  const allowed: Record<OutboxState, OutboxState[]> = {
    pending: ['sending', 'held'],
    held: ['sending'],
    sending: ['sent', 'simulated', 'failed', 'pending', 'unknown'],
    unknown: ['sent', 'pending', 'unknown'],
    sent: [],
    simulated: [],
    failed: [],
  };

  it.each(OUTBOX_STATES.flatMap((from) => OUTBOX_STATES.map((to) => [from, to] as const)))(
    'decides %s → %s exactly as the design lists it',
    (from, to) => {
      expect(canTransition(from, to)).toBe(allowed[from].includes(to));
    },
  );

  it('treats sent, simulated and failed as settled and nothing else', () => {
    expect(OUTBOX_STATES.filter(isSettled)).toEqual(['sent', 'simulated', 'failed']);
  });

  it('refuses a transition the machine lacks', () => {
    expect(() =>
      applyTransition(inState('sent'), {
        to: 'pending',
        action: 'outbox.requeued',
        actor: rule,
        reason: 'x',
        at: AT,
      }),
    ).toThrow(InvalidOutboxTransitionError);
    expect(() =>
      applyTransition(inState('pending'), {
        to: 'sent',
        action: 'outbox.sent',
        actor: rule,
        reason: 'x',
        at: AT,
      }),
    ).toThrow(InvalidOutboxTransitionError);
  });

  it('refuses a claim without a lease', () => {
    expect(() =>
      applyTransition(inState('pending'), {
        to: 'sending',
        action: 'outbox.claimed',
        actor: rule,
        reason: 'x',
        at: AT,
      }),
    ).toThrow(InvalidOutboxTransitionError);
  });

  it('bumps the revision, counts claims, keeps the lease only while sending and notes the change', () => {
    const claimed = applyTransition(inState('pending'), {
      to: 'sending',
      action: 'outbox.claimed',
      actor: rule,
      reason: 'go',
      at: '2026-03-01T10:00:01.000Z',
      claim: true,
      leaseUntil: '2026-03-01T10:05:01.000Z',
    });
    expect(claimed).toMatchObject({
      state: 'sending',
      revision: 1,
      attempts: 1,
      leaseUntil: '2026-03-01T10:05:01.000Z',
      updatedAt: '2026-03-01T10:00:01.000Z',
      createdAt: AT,
      lastChange: { action: 'outbox.claimed', before: { state: 'pending', attempts: 0 } },
    });
    const sent = applyTransition(claimed, {
      to: 'sent',
      action: 'outbox.sent',
      actor: rule,
      reason: 'ok',
      at: '2026-03-01T10:00:02.000Z',
      result: { transactionId: 't-1' },
    });
    expect(sent.leaseUntil).toBeUndefined();
    expect(sent).toMatchObject({ state: 'sent', revision: 2, attempts: 1, result: { transactionId: 't-1' } });
  });

  it('presumes a worker dead only once its lease has passed', () => {
    const sending = { ...inState('sending'), leaseUntil: '2026-03-01T10:05:00.000Z' };
    expect(isLeaseExpired(sending, new Date('2026-03-01T10:04:59.999Z'))).toBe(false);
    expect(isLeaseExpired(sending, new Date('2026-03-01T10:05:00.000Z'))).toBe(true);
    expect(isLeaseExpired(inState('pending'), new Date('2030-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('new outbox messages', () => {
  it('serialises the payload once, exactly as JSON.stringify would send it', () => {
    const payload = { b: 1, a: 'é', n: [1.5, null], '10': true };
    const message = newOutboxMessage(request({ payload }), AT);
    expect(message.payload).toBe(JSON.stringify(payload));
    expect(message).toMatchObject({ state: 'pending', revision: 0, attempts: 0, recordedRevision: -1 });
    expect(message.lastChange).toMatchObject({ action: 'outbox.enqueued', actor: rule, at: AT });
  });

  it.each([
    ['a key with a slash', { key: 'ack/4R9DIAQD' }],
    ['a key with a space', { key: 'ack 4R9DIAQD' }],
    ['an empty key', { key: '' }],
    ['an unknown module', { module: 'shopify' }],
    ['an operation with a slash', { operation: 'submit/x' }],
    ['a subject type with #', { subject: { type: 'Purchase#Order', id: '1' } }],
    ['an actor of an unknown type', { actor: { type: 'robot', id: 'x' } }],
    ['an undefined payload', { payload: undefined }],
    ['a payload with a BigInt', { payload: { n: 1n } }],
  ])('rejects %s', (_what, overrides) => {
    expect(() => newOutboxMessage(request(overrides), AT)).toThrow(ValidationError);
  });

  it('rejects a payload too large for one item and a cyclic one', () => {
    expect(() => serializePayload({ text: 'x'.repeat(MAX_PAYLOAD_BYTES) })).toThrow(ValidationError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => serializePayload(cyclic)).toThrow(ValidationError);
  });

  it('names archive objects by module, operation, settling day and idempotency key', () => {
    const message = { ...inState('sent'), revision: 7, updatedAt: '2026-03-02T23:59:59.000Z' };
    expect(outboxArchiveKey(message)).toBe(
      'documents/purchaseOrders/submitAcknowledgement/dt=2026-03-02/ack#4R9DIAQD#1.json',
    );
    expect(outboxAuditEventId(message)).toBe('outbox:ack#4R9DIAQD#1:r000007');
  });
});

describe('audit events in the archive', () => {
  const event: AuditEvent = {
    id: 'outbox:ack#1:r000001',
    at: '2026-03-01T10:00:00.000Z',
    actor: { type: 'person', id: 'sub-123', name: 'Ada Lovelace' },
    action: 'outbox.claimed',
    entity: { type: 'PurchaseOrder', id: '4R9DIAQD' },
    reason: 'r',
  };

  it('archives one JSON line per event under its day, without the actor’s name', () => {
    expect(auditArchiveKey(event)).toBe('audit/dt=2026-03-01/outbox:ack#1:r000001.json');
    const line = auditArchiveLine(event);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.split('\n')).toHaveLength(2);
    expect(line).not.toContain('Ada');
    expect(JSON.parse(line)).toMatchObject({ actor: { type: 'person', id: 'sub-123' } });
  });
});
