import { beforeEach, describe, expect, it } from 'vitest';
import { DETAIL_TYPE, EVENT_SOURCE } from '#shared/events.ts';
import { SpApiThrottledError } from '#shared/sp-api/errors.ts';
import {
  acknowledgementKey,
  makeAcknowledgePurchaseOrder,
} from '#shared/use-cases/purchase-orders/acknowledge-purchase-order.ts';
import { makeDecideLines } from '#shared/use-cases/purchase-orders/decide-lines.ts';
import { makeFollowUpAcknowledgements } from '#shared/use-cases/purchase-orders/follow-up-acknowledgements.ts';
import {
  type AcknowledgementWorld,
  makeAcknowledgementWorld,
  PAN_EAN,
  purchaseOrder,
} from '../support/acknowledgement-fakes.ts';

const PO = '4R9DIAQD';
const MINUTE = 60_000;
const AMAZON_ERRORS = [
  {
    code: 'ACKNOWLEDGED_QUANTITY_EXCEEDS_ORDERED',
    message: `Acknowledged 40 for ${PO}/1, ordered 20.`,
    details: `${PO}/1`,
  },
];
const OPERATOR = { type: 'person' as const, id: 'user-7', name: 'Dana Operator' };

describe('following up acknowledgements', () => {
  let world: AcknowledgementWorld;
  let acknowledge: ReturnType<typeof makeAcknowledgePurchaseOrder>;
  let followUp: ReturnType<typeof makeFollowUpAcknowledgements>;

  beforeEach(() => {
    world = makeAcknowledgementWorld();
    acknowledge = makeAcknowledgePurchaseOrder(world.deps);
    followUp = makeFollowUpAcknowledgements({ ...world.deps, transactions: () => world.transactions.api() });
    world.orders.add(purchaseOrder({ number: PO, lines: [{ ean: PAN_EAN, quantity: 40 }] }));
  });

  describe('a submitted acknowledgement', () => {
    beforeEach(async () => {
      await acknowledge(PO);
      expect(world.acknowledgements.record(PO)).toMatchObject({ state: 'submitted', transactionId: 'tx-1' });
    });

    it('that Amazon reports Failure becomes rejected with Amazon’s errors, an AcknowledgementFailed alert and an audit event', async () => {
      // Prepare
      world.transactions.set('tx-1', 'Failure', AMAZON_ERRORS);
      world.clock.advance(3 * MINUTE);
      // Act
      const summary = await followUp();
      // Assess
      expect(summary).toEqual({ redispatched: 0, accepted: 0, rejected: 1, stillProcessing: 0 });
      expect(world.acknowledgements.record(PO)).toMatchObject({ state: 'rejected', errors: AMAZON_ERRORS });
      expect(world.events.published).toEqual([
        {
          source: EVENT_SOURCE.purchaseOrders,
          detailType: DETAIL_TYPE.acknowledgementFailed,
          detail: {
            purchaseOrderNumber: PO,
            vendorCode: 'ACMEDE',
            transactionId: 'tx-1',
            deadline: '2026-12-02T08:00:00.000Z',
            errors: AMAZON_ERRORS,
          },
        },
      ]);
      expect(world.audit.of('acknowledgement.rejected')).toEqual([
        expect.objectContaining({
          actor: { type: 'system', id: 'acknowledgement-follow-up' },
          entity: { type: 'PurchaseOrder', id: PO },
          reason: `ACKNOWLEDGED_QUANTITY_EXCEEDS_ORDERED: Acknowledged 40 for ${PO}/1, ordered 20.`,
          before: { state: 'submitted' },
          after: { state: 'rejected', errors: AMAZON_ERRORS },
        }),
      ]);
      // Nothing is resent on its own: a person corrects it.
      expect(world.sender.calls).toHaveLength(1);
    });

    it('still Processing less than 15 minutes after submission stays submitted', async () => {
      // Prepare
      world.clock.advance(14 * MINUTE + 59_000);
      // Act
      const summary = await followUp();
      // Assess
      expect(summary).toEqual({ redispatched: 0, accepted: 0, rejected: 0, stillProcessing: 1 });
      expect(world.acknowledgements.record(PO).state).toBe('submitted');
      expect(world.events.published).toEqual([]);
      expect(world.transactions.asked).toEqual(['tx-1']);
    });

    it('still Processing 15 minutes after submission is accepted, announced once with PurchaseOrderAcknowledged', async () => {
      // Prepare
      world.clock.advance(15 * MINUTE);
      // Act
      const first = await followUp();
      world.clock.advance(2 * MINUTE);
      const second = await followUp();
      // Assess
      expect(first).toEqual({ redispatched: 0, accepted: 1, rejected: 0, stillProcessing: 0 });
      expect(second).toEqual({ redispatched: 0, accepted: 0, rejected: 0, stillProcessing: 0 });
      expect(world.acknowledgements.record(PO).state).toBe('accepted');
      expect(world.events.published).toEqual([
        expect.objectContaining({
          detailType: DETAIL_TYPE.purchaseOrderAcknowledged,
          detail: expect.objectContaining({ purchaseOrderNumber: PO, transactionId: 'tx-1' }),
        }),
      ]);
      expect(world.audit.of('acknowledgement.accepted')).toEqual([
        expect.objectContaining({ reason: 'Transaction tx-1 Processing after 15 minutes' }),
      ]);
    });
  });

  it('follows up every record when one fails, then raises that failure so the run is retried', async () => {
    // Prepare: two submitted acknowledgements; reading the first one's transaction is throttled
    const SECOND = '5S0EJBRE';
    world.orders.add(purchaseOrder({ number: SECOND, lines: [{ ean: PAN_EAN, quantity: 10 }] }));
    await acknowledge(PO);
    await acknowledge(SECOND);
    world.clock.advance(20 * MINUTE);
    const api = world.transactions.api();
    const throttled = new SpApiThrottledError('getTransaction', 8, []);
    followUp = makeFollowUpAcknowledgements({
      ...world.deps,
      transactions: () => ({
        transaction: async (id: string) => {
          if (id === world.acknowledgements.record(PO).transactionId) throw throttled;
          return api.transaction(id);
        },
      }),
    });
    // Act
    const run = followUp();
    // Assess
    await expect(run).rejects.toBe(throttled);
    expect(world.acknowledgements.record(PO).state).toBe('submitted');
    expect(world.acknowledgements.record(SECOND).state).toBe('accepted');
  });

  it('re-dispatches a queued acknowledgement whose send hit throttling, and sends it once', async () => {
    // Prepare: the first attempt outlasts the client’s retries on 429
    world.sender.handler = async (_request, call) => {
      if (call === 1) throw new SpApiThrottledError('submitAcknowledgement', 8, []);
      return { transactionId: `tx-${call}` };
    };
    expect((await acknowledge(PO))?.state).toBe('queued');
    world.clock.advance(2 * MINUTE);
    // Act
    const summary = await followUp();
    // Assess
    expect(summary.redispatched).toBe(1);
    expect(world.sender.calls.map((c) => c.attempt)).toEqual([1, 2]);
    expect(world.sender.calls[0]?.payload).toBe(world.sender.calls[1]?.payload);
    expect(world.acknowledgements.record(PO)).toMatchObject({ state: 'submitted', transactionId: 'tx-2' });
  });

  it('queues and sends an acknowledgement whose decision was stored but whose outbox message never was', async () => {
    // Prepare: the worker failed between storing the decision and queueing the message
    world.audit.failNext = { count: 1, action: 'purchaseOrder.decided' };
    await expect(acknowledge(PO)).rejects.toThrow();
    expect(world.acknowledgements.record(PO)).toMatchObject({ state: 'queued' });
    expect(world.outboxStore.items.size).toBe(0);
    // Act
    await followUp();
    // Assess
    expect(world.sender.calls).toHaveLength(1);
    expect(world.acknowledgements.record(PO)).toMatchObject({
      state: 'submitted',
      messageKey: acknowledgementKey(PO),
    });
  });

  it('sends a held acknowledgement once the module is switched from off to live', async () => {
    // Prepare
    world.mode = 'off';
    expect((await acknowledge(PO))?.state).toBe('held');
    await followUp();
    expect(world.sender.calls).toHaveLength(0);
    // Act
    world.mode = 'live';
    const summary = await followUp();
    // Assess
    expect(summary.redispatched).toBe(1);
    expect(world.sender.calls).toHaveLength(1);
    expect(world.acknowledgements.record(PO).state).toBe('submitted');
  });

  it('resolves an unknown outcome from Amazon’s PO state instead of resending, then counts it accepted', async () => {
    // Prepare: the connection broke after the request went out
    world.sender.handler = async () => {
      throw new TypeError('socket hang up');
    };
    expect((await acknowledge(PO))?.state).toBe('unknown');
    world.resolver.answer = { outcome: 'undetermined', note: `PO ${PO} still New 1 min after the attempt` };
    world.clock.advance(MINUTE);
    await followUp();
    expect(world.acknowledgements.record(PO).state).toBe('unknown');
    // Act: Amazon now shows the PO acknowledged
    world.resolver.answer = { outcome: 'applied', note: `Amazon shows PO ${PO} Acknowledged` };
    world.clock.advance(5 * MINUTE);
    const summary = await followUp();
    // Assess: re-dispatched, found applied, never resent; with no transaction to read it is accepted
    expect(summary).toMatchObject({ redispatched: 1, accepted: 1 });
    expect(world.sender.calls).toHaveLength(1);
    expect(world.outboxStore.items.get(`ack#${PO}`)).toMatchObject({
      state: 'sent',
      resolution: `applied: Amazon shows PO ${PO} Acknowledged`,
    });
    expect(world.acknowledgements.record(PO).state).toBe('accepted');
    expect(world.audit.of('acknowledgement.accepted')[0]?.reason).toBe('Amazon shows the PO acknowledged');
  });

  it('sends an unknown acknowledgement again only when Amazon certainly does not have it', async () => {
    // Prepare
    world.sender.handler = async (_request, call) => {
      if (call === 1) throw new TypeError('socket hang up');
      return { transactionId: `tx-${call}` };
    };
    await acknowledge(PO);
    world.resolver.answer = { outcome: 'not-applied', note: `PO ${PO} still New 31 min after the attempt` };
    world.clock.advance(31 * MINUTE);
    // Act
    await followUp();
    // Assess
    expect(world.sender.calls).toHaveLength(2);
    expect(world.acknowledgements.record(PO)).toMatchObject({ state: 'submitted', transactionId: 'tx-2' });
  });

  describe('a correction of a rejected acknowledgement', () => {
    beforeEach(async () => {
      // Submitted, refused by Amazon 20 minutes later
      await acknowledge(PO);
      world.transactions.set('tx-1', 'Failure', AMAZON_ERRORS);
      world.clock.advance(20 * MINUTE);
      await followUp();
      expect(world.acknowledgements.record(PO).state).toBe('rejected');
      world.events.published.length = 0;
    });

    it('is judged by its own transaction: still Processing a minute after it was sent is not yet accepted', async () => {
      // Prepare: the operator corrects the quantity
      const decide = makeDecideLines(world.deps);
      await decide(
        PO,
        [
          {
            itemSequenceNumber: '1',
            itemAcknowledgements: [
              {
                acknowledgementCode: 'Accepted',
                acknowledgedQuantity: { amount: 20, unitOfMeasure: 'Eaches', unitSize: 1 },
              },
              {
                acknowledgementCode: 'Rejected',
                acknowledgedQuantity: { amount: 20, unitOfMeasure: 'Eaches', unitSize: 1 },
                rejectionReason: 'TemporarilyUnavailable',
              },
            ],
          },
        ],
        OPERATOR,
      );
      expect(world.acknowledgements.record(PO)).toMatchObject({ state: 'submitted', transactionId: 'tx-2' });
      world.clock.advance(MINUTE);
      // Act
      const summary = await followUp();
      // Assess: Amazon may still report Failure for tx-2; the refused tx-1's age says nothing about it
      expect(summary).toEqual({ redispatched: 0, accepted: 0, rejected: 0, stillProcessing: 1 });
      expect(world.acknowledgements.record(PO).state).toBe('submitted');
      expect(world.events.published).toEqual([]);
    });

    it('found applied at Amazon after an unknown outcome is not judged by the refused transaction', async () => {
      // Prepare: the correction’s connection breaks; Amazon shows the PO acknowledged afterwards
      world.sender.handler = async () => {
        throw new TypeError('socket hang up');
      };
      const decide = makeDecideLines(world.deps);
      await decide(
        PO,
        [
          {
            itemSequenceNumber: '1',
            itemAcknowledgements: [
              {
                acknowledgementCode: 'Accepted',
                acknowledgedQuantity: { amount: 20, unitOfMeasure: 'Eaches', unitSize: 1 },
              },
            ],
          },
        ],
        OPERATOR,
      );
      expect(world.acknowledgements.record(PO).state).toBe('unknown');
      world.resolver.answer = { outcome: 'applied', note: `Amazon shows PO ${PO} Acknowledged` };
      world.clock.advance(5 * MINUTE);
      // Act
      await followUp();
      // Assess
      expect(world.acknowledgements.record(PO).state).toBe('accepted');
      expect(world.detailTypes()).toEqual([DETAIL_TYPE.purchaseOrderAcknowledged]);
    });
  });
});
