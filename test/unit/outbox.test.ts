import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '#shared/clock.ts';
import type { AutomationMode } from '#shared/config/runtime.ts';
import type { AuditEvent } from '#shared/domain/audit.ts';
import type { OutboxMessage, SendResult } from '#shared/domain/outbox.ts';
import { ConfigurationError, ValidationError } from '#shared/errors.ts';
import {
  SpApiMalformedResponseError,
  SpApiRequestError,
  SpApiThrottledError,
  SpApiUnavailableError,
} from '#shared/sp-api/errors.ts';
import {
  OutboxContentionError,
  OutboxLeaseLostError,
  OutboxMessageNotFoundError,
} from '#shared/use-cases/outbox/errors.ts';
import { describeSendError, makeOutbox, type Outbox } from '#shared/use-cases/outbox/outbox.ts';
import type {
  Archive,
  ArchiveDocument,
  AuditTrail,
  OutboxStore,
  Resolution,
  Sender,
  SendRequest,
  UnknownResolver,
} from '#shared/use-cases/outbox/ports.ts';
import { InMemoryOutboxStore } from '../support/outbox-fakes.ts';

// ---- In-memory fakes of the ports, with the same conditional rules as the DynamoDB adapter ----
// (the outbox store is shared: test/support/outbox-fakes.ts)

class RecordingArchive implements Archive {
  readonly documents: ArchiveDocument[] = [];
  failNext = 0;
  async putDocument(document: ArchiveDocument): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('S3 unavailable');
    }
    this.documents.push(document);
  }
}

class RecordingAuditTrail implements AuditTrail {
  /** Write-once by id, like the DynamoDB audit log. */
  readonly byId = new Map<string, AuditEvent>();
  failNext = 0;
  async record(event: AuditEvent): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('audit table unavailable');
    }
    if (!this.byId.has(event.id)) this.byId.set(event.id, event);
  }
  actions(): string[] {
    return [...this.byId.values()].map((e) => e.action);
  }
}

class ScriptedSender implements Sender {
  readonly calls: SendRequest[] = [];
  constructor(private readonly behaviour: (call: SendRequest) => Promise<SendResult>) {}
  send(request: SendRequest): Promise<SendResult> {
    this.calls.push(request);
    return this.behaviour(request);
  }
}

class ScriptedResolver implements UnknownResolver {
  readonly asked: OutboxMessage[] = [];
  constructor(public answer: Resolution) {}
  async resolve(message: OutboxMessage): Promise<Resolution> {
    this.asked.push(message);
    return this.answer;
  }
}

class WorkerKilled extends Error {}

// ---- The tests ----

const START = '2026-03-01T10:00:00.000Z';
const LEASE_MS = 5 * 60_000;
const PO = { type: 'PurchaseOrder', id: '4R9DIAQD' };
const acknowledgement = {
  acknowledgements: [
    {
      purchaseOrderNumber: '4R9DIAQD',
      sellingParty: { partyId: 'ACME1' },
      acknowledgementDate: '2026-03-01T09:59:00Z',
      items: [{ itemSequenceNumber: '1', acknowledgedQuantity: { amount: 3, unitOfMeasure: 'Eaches' } }],
      note: 'Ünïcode and "quotes" and </script>',
    },
  ],
};
const request = (key = 'ack#4R9DIAQD#1') => ({
  key,
  module: 'purchaseOrders' as const,
  operation: 'submitAcknowledgement',
  target: 'acct-eu',
  subject: PO,
  payload: acknowledgement,
  actor: { type: 'rule' as const, id: 'ack-rules', name: 'Acknowledgement rules' },
});
const accepted = async (): Promise<SendResult> => ({ transactionId: 'tx-1' });

describe('the outbox', () => {
  let clock: ManualClock;
  let store: InMemoryOutboxStore;
  let archive: RecordingArchive;
  let audit: RecordingAuditTrail;
  let mode: AutomationMode;
  let sender: ScriptedSender;
  let resolver: ScriptedResolver;
  let outbox: Outbox;

  function build(overrides: { sender?: ScriptedSender; senders?: Record<string, Sender> } = {}): Outbox {
    if (overrides.sender) sender = overrides.sender;
    return makeOutbox({
      store,
      archive,
      audit,
      clock,
      modeOf: () => mode,
      senders: overrides.senders ?? { submitAcknowledgement: sender },
      resolvers: { submitAcknowledgement: resolver },
      leaseMs: LEASE_MS,
    });
  }

  beforeEach(() => {
    clock = new ManualClock(START);
    store = new InMemoryOutboxStore();
    archive = new RecordingArchive();
    audit = new RecordingAuditTrail();
    mode = 'live';
    sender = new ScriptedSender(accepted);
    resolver = new ScriptedResolver({ outcome: 'undetermined', note: 'not asked' });
    outbox = build();
  });

  describe('enqueue', () => {
    it('stores one pending message with the payload serialised once and audits it', async () => {
      // Act
      const result = await outbox.enqueue(request());
      // Assess
      expect(result).toBe('enqueued');
      const stored = store.items.get('ack#4R9DIAQD#1');
      expect(stored).toMatchObject({ state: 'pending', revision: 0, attempts: 0, recordedRevision: 0 });
      expect(stored?.payload).toBe(JSON.stringify(acknowledgement));
      expect([...audit.byId.values()]).toEqual([
        expect.objectContaining({
          action: 'outbox.enqueued',
          actor: request().actor,
          entity: PO,
          module: 'purchaseOrders',
          after: expect.objectContaining({ state: 'pending', outboxKey: 'ack#4R9DIAQD#1' }),
        }),
      ]);
    });

    it('never makes two messages of one key, and the first payload stays', async () => {
      await outbox.enqueue(request());
      const second = await outbox.enqueue({ ...request(), payload: { something: 'else' } });
      expect(second).toBe('duplicate');
      expect(store.items.size).toBe(1);
      expect(store.items.get('ack#4R9DIAQD#1')?.payload).toBe(JSON.stringify(acknowledgement));
      expect(audit.actions()).toEqual(['outbox.enqueued']);
    });

    it('rejects a malformed request and stores nothing', async () => {
      await expect(outbox.enqueue({ ...request(), key: 'ack/4R9DIAQD' })).rejects.toBeInstanceOf(
        ValidationError,
      );
      await expect(outbox.enqueue({ ...request(), payload: () => 1 })).rejects.toBeInstanceOf(
        ValidationError,
      );
      expect(store.items.size).toBe(0);
      expect(audit.byId.size).toBe(0);
    });
  });

  describe('dispatch in live mode', () => {
    it('sends the stored payload string, records sent with the result, audits and archives', async () => {
      await outbox.enqueue(request());
      clock.advance(1_000);
      // Act
      const outcome = await outbox.dispatch('ack#4R9DIAQD#1');
      // Assess
      expect(outcome.kind).toBe('sent');
      expect(outcome.message).toMatchObject({
        state: 'sent',
        attempts: 1,
        result: { transactionId: 'tx-1' },
      });
      expect(outcome.message.leaseUntil).toBeUndefined();
      expect(sender.calls).toEqual([
        {
          key: 'ack#4R9DIAQD#1',
          operation: 'submitAcknowledgement',
          target: 'acct-eu',
          subject: PO,
          payload: JSON.stringify(acknowledgement),
          attempt: 1,
        },
      ]);
      expect(audit.actions()).toEqual(['outbox.enqueued', 'outbox.claimed', 'outbox.sent']);
      const sentEvent = [...audit.byId.values()].at(-1);
      expect(sentEvent).toMatchObject({
        actor: { type: 'system', id: 'outbox' },
        before: { state: 'sending', attempts: 1 },
        after: { state: 'sent', result: { transactionId: 'tx-1' } },
      });
      expect(archive.documents).toHaveLength(1);
      const doc = archive.documents[0]!;
      expect(doc.key).toBe(
        'documents/purchaseOrders/submitAcknowledgement/dt=2026-03-01/ack#4R9DIAQD#1.json',
      );
      expect(doc.contentType).toBe('application/json');
      const archived = JSON.parse(doc.body);
      expect(archived).toMatchObject({
        outcome: 'sent',
        payload: sender.calls[0]?.payload,
        payloadSha256: createHash('sha256').update(sender.calls[0]!.payload).digest('hex'),
        result: { transactionId: 'tx-1' },
        requestedBy: { type: 'rule', id: 'ack-rules' },
      });
      expect(doc.body).not.toContain('Acknowledgement rules');
      expect(store.items.get('ack#4R9DIAQD#1')?.recordedRevision).toBe(2);
    });

    it('records Amazon’s refusal as failed with its error code and details, and never retries it', async () => {
      outbox = build({
        sender: new ScriptedSender(async () => {
          throw new SpApiRequestError('submitAcknowledgement', 400, [
            { code: 'InvalidInput', message: 'Invalid itemSequenceNumber', details: 'items[0]' },
          ]);
        }),
      });
      await outbox.enqueue(request());
      // Act
      const outcome = await outbox.dispatch('ack#4R9DIAQD#1');
      const again = await outbox.dispatch('ack#4R9DIAQD#1');
      // Assess
      expect(outcome.kind).toBe('failed');
      expect(outcome.message.lastError).toMatchObject({
        name: 'SpApiRequestError',
        code: 'InvalidInput',
        status: 400,
        retryable: false,
        details: [{ code: 'InvalidInput', message: 'Invalid itemSequenceNumber', details: 'items[0]' }],
      });
      expect(again.kind).toBe('settled');
      expect(sender.calls).toHaveLength(1);
      expect(audit.actions()).toEqual(['outbox.enqueued', 'outbox.claimed', 'outbox.failed']);
      expect(JSON.parse(archive.documents[0]!.body)).toMatchObject({
        outcome: 'failed',
        lastError: { code: 'InvalidInput' },
      });
    });

    it.each([
      [
        'a 5xx that outlasted the client’s retries',
        () => new SpApiUnavailableError('submitAcknowledgement', 503, 8, []),
      ],
      [
        'a 429 that outlasted the client’s retries',
        () => new SpApiThrottledError('submitAcknowledgement', 8, []),
      ],
    ])(
      'puts the message back to pending after %s, then sends it on a later dispatch',
      async (_what, error) => {
        let calls = 0;
        outbox = build({
          sender: new ScriptedSender(async () => {
            calls++;
            if (calls === 1) throw error();
            return { transactionId: 'tx-2' };
          }),
        });
        await outbox.enqueue(request());
        // Act
        const first = await outbox.dispatch('ack#4R9DIAQD#1');
        clock.advance(30_000);
        const second = await outbox.dispatch('ack#4R9DIAQD#1');
        // Assess
        expect(first.kind).toBe('retry');
        expect(first.message).toMatchObject({
          state: 'pending',
          attempts: 1,
          lastError: { retryable: true },
        });
        expect(first.message.leaseUntil).toBeUndefined();
        expect(second.kind).toBe('sent');
        expect(second.message).toMatchObject({ attempts: 2, result: { transactionId: 'tx-2' } });
        expect(sender.calls.map((c) => c.attempt)).toEqual([1, 2]);
        expect(audit.actions()).toEqual([
          'outbox.enqueued',
          'outbox.claimed',
          'outbox.requeued',
          'outbox.claimed',
          'outbox.sent',
        ]);
      },
    );

    it('makes the message unknown, not pending, when the sender fails without a verdict', async () => {
      outbox = build({
        sender: new ScriptedSender(async () => {
          throw new TypeError('socket hang up');
        }),
      });
      await outbox.enqueue(request());
      // Act
      const outcome = await outbox.dispatch('ack#4R9DIAQD#1');
      // Assess: nothing resent; the resolver decides on the next dispatch
      expect(outcome.kind).toBe('unknown');
      expect(outcome.message).toMatchObject({ state: 'unknown', lastError: { name: 'TypeError' } });
      expect(resolver.asked).toHaveLength(0);
      resolver.answer = { outcome: 'applied', note: 'PO lines acknowledged' };
      const next = await outbox.dispatch('ack#4R9DIAQD#1');
      expect(next.kind).toBe('sent');
      expect(sender.calls).toHaveLength(1);
    });

    it('never resends a request Amazon answered with 2xx, even when the body could not be used', async () => {
      outbox = build({
        sender: new ScriptedSender(async () => {
          throw new SpApiMalformedResponseError('submitAcknowledgement', 202, [
            { path: 'payload.transactionId', message: 'expected string' },
          ]);
        }),
      });
      await outbox.enqueue(request());
      const outcome = await outbox.dispatch('ack#4R9DIAQD#1');
      expect(outcome.kind).toBe('unknown');
      expect(outcome.message.lastError).toMatchObject({ status: 202, retryable: true });
      expect(sender.calls).toHaveLength(1);
    });

    it('fails before claiming when no sender is registered for the operation', async () => {
      outbox = build({ senders: {} });
      await outbox.enqueue(request());
      await expect(outbox.dispatch('ack#4R9DIAQD#1')).rejects.toBeInstanceOf(ConfigurationError);
      expect(store.items.get('ack#4R9DIAQD#1')?.state).toBe('pending');
    });
  });

  describe('dispatch by mode', () => {
    it('simulate records the exact bytes live sends and sends nothing', async () => {
      // Prepare: the same request, once simulated and once live
      mode = 'simulate';
      await outbox.enqueue(request('ack#sim'));
      const simulated = await outbox.dispatch('ack#sim');
      mode = 'live';
      await outbox.enqueue(request('ack#live'));
      await outbox.dispatch('ack#live');
      // Assess
      expect(simulated.kind).toBe('simulated');
      expect(sender.calls.map((c) => c.key)).toEqual(['ack#live']);
      const sentBytes = sender.calls[0]!.payload;
      expect(simulated.message.payload).toBe(sentBytes);
      const simArchive = archive.documents.find((d) => d.key.endsWith('/ack#sim.json'))!;
      expect(JSON.parse(simArchive.body)).toMatchObject({ outcome: 'simulated', payload: sentBytes });
      expect(Buffer.from(JSON.parse(simArchive.body).payload).equals(Buffer.from(sentBytes))).toBe(true);
      expect(audit.actions().filter((a) => a === 'outbox.simulated')).toHaveLength(1);
    });

    it('off holds the message without a lease; a held message waits until the mode changes', async () => {
      mode = 'off';
      await outbox.enqueue(request());
      // Act
      const first = await outbox.dispatch('ack#4R9DIAQD#1');
      const revisionAfterHold = store.items.get('ack#4R9DIAQD#1')?.revision;
      const second = await outbox.dispatch('ack#4R9DIAQD#1');
      // Assess: held, nothing sent, nothing archived, the repeat wrote nothing
      expect(first.kind).toBe('held');
      expect(first.message.leaseUntil).toBeUndefined();
      expect(second.kind).toBe('held');
      expect(store.items.get('ack#4R9DIAQD#1')?.revision).toBe(revisionAfterHold);
      expect(sender.calls).toHaveLength(0);
      expect(archive.documents).toHaveLength(0);
      expect((await outbox.listByState('held', { limit: 10 })).items.map((m) => m.key)).toEqual([
        'ack#4R9DIAQD#1',
      ]);
      // Act: the operator switches the module to live
      mode = 'live';
      const third = await outbox.dispatch('ack#4R9DIAQD#1');
      expect(third.kind).toBe('sent');
      expect(sender.calls).toHaveLength(1);
      expect(audit.actions()).toEqual(['outbox.enqueued', 'outbox.held', 'outbox.claimed', 'outbox.sent']);
    });
  });

  describe('dispatch of a message that is not pending', () => {
    it('does nothing to a settled message', async () => {
      await outbox.enqueue(request());
      await outbox.dispatch('ack#4R9DIAQD#1');
      const transitions = store.transitions;
      const outcome = await outbox.dispatch('ack#4R9DIAQD#1');
      expect(outcome.kind).toBe('settled');
      expect(store.transitions).toBe(transitions);
      expect(sender.calls).toHaveLength(1);
    });

    it('leaves a message alone while another worker holds its lease', async () => {
      await outbox.enqueue(request());
      store.crashOnTransitionTo = { state: 'sent', error: new WorkerKilled('killed') };
      await expect(outbox.dispatch('ack#4R9DIAQD#1')).rejects.toBeInstanceOf(WorkerKilled);
      clock.advance(LEASE_MS - 1);
      const outcome = await outbox.dispatch('ack#4R9DIAQD#1');
      expect(outcome.kind).toBe('in-flight');
      expect(resolver.asked).toHaveLength(0);
      expect(sender.calls).toHaveLength(1);
    });

    it('refuses a key that was never enqueued', async () => {
      await expect(outbox.dispatch('ack#nope')).rejects.toBeInstanceOf(OutboxMessageNotFoundError);
    });

    it('sends exactly once when twenty dispatches race for one message', async () => {
      await outbox.enqueue(request());
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => outbox.dispatch('ack#4R9DIAQD#1')));
      expect(sender.calls).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === 'sent')).toHaveLength(1);
      expect(outcomes.every((o) => ['sent', 'in-flight', 'settled'].includes(o.kind))).toBe(true);
      expect(audit.actions()).toEqual(['outbox.enqueued', 'outbox.claimed', 'outbox.sent']);
    });
  });

  describe('crash after the other side accepted (rule 11)', () => {
    async function crashAfterSend(): Promise<void> {
      await outbox.enqueue(request());
      // The sender reaches Amazon, then the worker dies before it records `sent`.
      store.crashOnTransitionTo = { state: 'sent', error: new WorkerKilled('killed') };
      await expect(outbox.dispatch('ack#4R9DIAQD#1')).rejects.toBeInstanceOf(WorkerKilled);
      expect(store.items.get('ack#4R9DIAQD#1')?.state).toBe('sending');
      clock.advance(LEASE_MS);
    }

    it('marks sent without resending when Amazon shows it applied', async () => {
      await crashAfterSend();
      resolver.answer = {
        outcome: 'applied',
        note: 'all lines acknowledged',
        result: { transactionId: 'tx-1' },
      };
      // Act: a new worker (restart)
      const outcome = await build().dispatch('ack#4R9DIAQD#1');
      // Assess
      expect(outcome.kind).toBe('sent');
      expect(outcome.message).toMatchObject({
        state: 'sent',
        resolution: 'applied: all lines acknowledged',
        result: { transactionId: 'tx-1' },
      });
      expect(sender.calls).toHaveLength(1);
      expect(resolver.asked).toHaveLength(1);
      expect(resolver.asked[0]).toMatchObject({ state: 'unknown', attempts: 1 });
      expect(audit.actions()).toEqual([
        'outbox.enqueued',
        'outbox.claimed',
        'outbox.unknown',
        'outbox.resolved',
      ]);
      expect(JSON.parse(archive.documents[0]!.body)).toMatchObject({
        outcome: 'sent',
        resolution: 'applied: all lines acknowledged',
      });
    });

    it('sends again only when Amazon shows it was not applied', async () => {
      await crashAfterSend();
      resolver.answer = { outcome: 'not-applied', note: 'lines still unacknowledged, no transaction' };
      const outcome = await build().dispatch('ack#4R9DIAQD#1');
      expect(outcome.kind).toBe('sent');
      expect(outcome.message).toMatchObject({
        attempts: 2,
        resolution: expect.stringContaining('not applied'),
      });
      expect(sender.calls).toHaveLength(2);
      expect(sender.calls[1]?.payload).toBe(sender.calls[0]?.payload);
      expect(archive.documents).toHaveLength(1);
      expect(audit.actions()).toEqual([
        'outbox.enqueued',
        'outbox.claimed',
        'outbox.unknown',
        'outbox.resolved',
        'outbox.claimed',
        'outbox.sent',
      ]);
    });

    it('stays unknown, audited, when Amazon’s state cannot tell yet, and asks again next time', async () => {
      await crashAfterSend();
      resolver.answer = { outcome: 'undetermined', note: 'transaction still Processing' };
      const first = await build().dispatch('ack#4R9DIAQD#1');
      clock.advance(60_000);
      const second = await build().dispatch('ack#4R9DIAQD#1');
      expect(first.kind).toBe('unknown');
      expect(second.kind).toBe('unknown');
      expect(second.message.resolution).toBe('undetermined: transaction still Processing');
      expect(sender.calls).toHaveLength(1);
      expect(resolver.asked).toHaveLength(2);
      expect(archive.documents).toHaveLength(0);
      expect(audit.actions().filter((a) => a === 'outbox.unresolved')).toHaveLength(2);
      expect((await outbox.listByState('unknown', { limit: 10 })).items).toHaveLength(1);
    });

    it('keeps the message unknown when no resolver is registered', async () => {
      await crashAfterSend();
      const noResolver = makeOutbox({
        store,
        archive,
        audit,
        clock,
        modeOf: () => mode,
        senders: { submitAcknowledgement: sender },
        resolvers: {},
        leaseMs: LEASE_MS,
      });
      await expect(noResolver.dispatch('ack#4R9DIAQD#1')).rejects.toBeInstanceOf(ConfigurationError);
      expect(store.items.get('ack#4R9DIAQD#1')?.state).toBe('unknown');
      expect(sender.calls).toHaveLength(1);
    });

    it('reports a send that outlived its lease instead of recording over the takeover', async () => {
      let release: () => void = () => {};
      const slow = new ScriptedSender(async () => {
        await new Promise<void>((r) => {
          release = r;
        });
        return { transactionId: 'tx-late' };
      });
      outbox = build({ sender: slow });
      await outbox.enqueue(request());
      const first = outbox.dispatch('ack#4R9DIAQD#1');
      await new Promise((r) => setTimeout(r, 0));
      clock.advance(LEASE_MS);
      resolver.answer = { outcome: 'undetermined', note: 'still processing' };
      expect((await build().dispatch('ack#4R9DIAQD#1')).kind).toBe('unknown');
      release();
      await expect(first).rejects.toBeInstanceOf(OutboxLeaseLostError);
      expect(slow.calls).toHaveLength(1);
    });
  });

  describe('audit and archive survive a crash between the change and its record', () => {
    it('writes the missing audit event before the next change', async () => {
      await outbox.enqueue(request());
      audit.failNext = 1; // the claim's audit event fails after the claim is stored
      await expect(outbox.dispatch('ack#4R9DIAQD#1')).rejects.toThrow('audit table unavailable');
      expect(sender.calls).toHaveLength(0);
      clock.advance(LEASE_MS);
      resolver.answer = { outcome: 'not-applied', note: 'never sent' };
      const outcome = await outbox.dispatch('ack#4R9DIAQD#1');
      expect(outcome.kind).toBe('sent');
      // Every revision has exactly one event, in order.
      const events = [...audit.byId.values()];
      expect(events.map((e) => e.action)).toEqual([
        'outbox.enqueued',
        'outbox.claimed',
        'outbox.unknown',
        'outbox.resolved',
        'outbox.claimed',
        'outbox.sent',
      ]);
      expect(events.map((e) => e.id)).toEqual(
        Array.from({ length: 6 }, (_, r) => `outbox:ack#4R9DIAQD#1:r${String(r).padStart(6, '0')}`),
      );
    });

    it('archives a settled message on the next dispatch when the archive was down', async () => {
      await outbox.enqueue(request());
      archive.failNext = 1;
      await expect(outbox.dispatch('ack#4R9DIAQD#1')).rejects.toThrow('S3 unavailable');
      expect(store.items.get('ack#4R9DIAQD#1')?.state).toBe('sent');
      const outcome = await outbox.dispatch('ack#4R9DIAQD#1');
      expect(outcome.kind).toBe('settled');
      expect(archive.documents).toHaveLength(1);
      expect(audit.actions()).toEqual(['outbox.enqueued', 'outbox.claimed', 'outbox.sent']);
      expect(sender.calls).toHaveLength(1);
    });
  });

  describe('limits', () => {
    it('gives up on a message that keeps changing under it', async () => {
      await outbox.enqueue(request());
      const churning: OutboxStore = {
        ...store,
        create: (m) => store.create(m),
        get: (k) => store.get(k),
        markRecorded: (k, r) => store.markRecorded(k, r),
        listByState: (s, o) => store.listByState(s, o),
        listBySubject: (s, o) => store.listBySubject(s, o),
        // Someone else always wins: the stored message never matches what this worker read.
        transition: async (expected) => ({ ok: false, current: { ...(await store.get(expected.key))! } }),
      };
      const contended = makeOutbox({
        store: churning,
        archive,
        audit,
        clock,
        modeOf: () => mode,
        senders: { submitAcknowledgement: sender },
        resolvers: {},
        leaseMs: LEASE_MS,
      });
      await expect(contended.dispatch('ack#4R9DIAQD#1')).rejects.toBeInstanceOf(OutboxContentionError);
      expect(sender.calls).toHaveLength(0);
    });

    it('refuses a lease that is not a positive number of milliseconds', () => {
      expect(() =>
        makeOutbox({
          store,
          archive,
          audit,
          clock,
          modeOf: () => mode,
          senders: {},
          resolvers: {},
          leaseMs: 0,
        }),
      ).toThrow(ConfigurationError);
    });

    it('lists by state and by subject within the page limit', async () => {
      await outbox.enqueue(request('ack#a'));
      await outbox.enqueue(request('ack#b'));
      expect((await outbox.listBySubject(PO, { limit: 10 })).items.map((m) => m.key)).toEqual([
        'ack#a',
        'ack#b',
      ]);
      expect((await outbox.listByState('pending', { limit: 1 })).items).toHaveLength(1);
      await expect(outbox.listByState('pending', { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
      await expect(outbox.listBySubject(PO, { limit: 101 })).rejects.toBeInstanceOf(ValidationError);
    });
  });
});

describe('describeSendError', () => {
  it('keeps Amazon’s errors and the retry verdict, and copes with non-errors', () => {
    const info = describeSendError(
      new SpApiRequestError('submitInvoices', 400, [{ code: 'Duplicate', message: 'dup' }]),
    );
    expect(info).toEqual({
      name: 'SpApiRequestError',
      message: 'SP-API submitInvoices failed with 400 Duplicate: dup',
      code: 'Duplicate',
      status: 400,
      details: [{ code: 'Duplicate', message: 'dup' }],
      retryable: false,
    });
    expect(describeSendError('boom')).toEqual({ name: 'NonError', message: 'boom' });
    expect(describeSendError(new Error('x'))).toEqual({ name: 'Error', message: 'x' });
  });
});
