import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditActor } from '#shared/domain/audit.ts';
import { ValidationError } from '#shared/errors.ts';
import type { OrderItemAcknowledgement } from '#shared/sp-api/schemas/orders.ts';
import { submitAcknowledgementRequestSchema } from '#shared/sp-api/schemas/orders.ts';
import {
  acknowledgementKey,
  makeAcknowledgePurchaseOrder,
  PurchaseOrderNotFoundError,
} from '#shared/use-cases/purchase-orders/acknowledge-purchase-order.ts';
import { makeDecideLines, NotDecidableError } from '#shared/use-cases/purchase-orders/decide-lines.ts';
import { makeFollowUpAcknowledgements } from '#shared/use-cases/purchase-orders/follow-up-acknowledgements.ts';
import {
  type AcknowledgementWorld,
  makeAcknowledgementWorld,
  PAN_EAN,
  purchaseOrder,
  UNKNOWN_EAN,
} from '../support/acknowledgement-fakes.ts';

const PO = '4R9DIAQD';
const HOUR = 3_600_000;
const OPERATOR: AuditActor = { type: 'person', id: 'user-7', name: 'Dana Operator' };
const EACHES = { unitOfMeasure: 'Eaches', unitSize: 1 } as const;

const accepted = (amount: number): OrderItemAcknowledgement => ({
  acknowledgementCode: 'Accepted',
  acknowledgedQuantity: { amount, ...EACHES },
  scheduledShipDate: '2026-12-03T08:00:00Z',
});
const rejected = (amount: number): OrderItemAcknowledgement => ({
  acknowledgementCode: 'Rejected',
  acknowledgedQuantity: { amount, ...EACHES },
  rejectionReason: 'InvalidProductIdentifier',
});

/** The ValidationError a promise rejects with. */
async function validationError(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('an operator deciding lines of a PO', () => {
  let world: AcknowledgementWorld;
  let decide: ReturnType<typeof makeDecideLines>;

  beforeEach(async () => {
    // PO date 08:00, now 09:00: line 1 decided by the rules, line 2 an unknown product in review
    world = makeAcknowledgementWorld({ now: '2026-12-01T09:00:00Z' });
    world.orders.add(
      purchaseOrder({
        number: PO,
        lines: [
          { ean: PAN_EAN, quantity: 10 },
          { ean: UNKNOWN_EAN, quantity: 5 },
        ],
      }),
    );
    await makeAcknowledgePurchaseOrder(world.deps)(PO);
    expect(world.acknowledgements.record(PO).state).toBe('review');
    decide = makeDecideLines(world.deps);
  });

  describe('is refused with a ValidationError naming the line', () => {
    it('for quantities above the ordered one', async () => {
      // Act
      const error = await validationError(
        decide(PO, [{ itemSequenceNumber: '2', itemAcknowledgements: [accepted(4), rejected(2)] }], OPERATOR),
      );
      // Assess
      expect(error.message).toContain('Line 2: 6 acknowledged in total, but only 5 ordered');
      expect(error.issues).toEqual([
        { path: 'lines[0]', message: 'Line 2: 6 acknowledged in total, but only 5 ordered' },
      ]);
      expect(world.acknowledgements.record(PO)).toMatchObject({ state: 'review', revision: 2 });
      expect(world.sender.calls).toHaveLength(0);
    });

    it('for a line the refused acknowledgement rejected, asked to become accepted', async () => {
      // Prepare: the acknowledgement rejected line 2, and Amazon refused it (a correction is due)
      world.acknowledgements.change(PO, {
        state: 'rejected',
        lines: world.acknowledgements
          .record(PO)
          .lines.map((l) =>
            l.itemSequenceNumber === '2'
              ? { ...l, outcome: 'decided', itemAcknowledgements: [rejected(5)] }
              : l,
          ),
      });
      // Act
      const error = await validationError(
        decide(PO, [{ itemSequenceNumber: '2', itemAcknowledgements: [accepted(5)] }], OPERATOR),
      );
      // Assess
      expect(error.issues).toEqual([
        {
          path: 'lines[0]',
          message: 'Line 2 was rejected; Amazon does not let a rejected line be accepted or backordered',
        },
      ]);
      expect(world.sender.calls).toHaveLength(0);
    });

    it('for a decision more than 48 hours after the PO date', async () => {
      // Prepare
      world.clock.set('2026-12-03T08:00:01Z');
      // Act
      const error = await validationError(
        decide(PO, [{ itemSequenceNumber: '2', itemAcknowledgements: [rejected(5)] }], OPERATOR),
      );
      // Assess
      expect(error.issues).toEqual([
        {
          path: 'lines[0]',
          message:
            'Line 2: the PO is older than 48 hours and the line was never acknowledged; Amazon no longer takes quantities for it',
        },
      ]);
      expect(world.outboxStore.items.size).toBe(0);
    });

    it('for a line the PO does not have', async () => {
      // Act
      const error = await validationError(
        decide(PO, [{ itemSequenceNumber: '9', itemAcknowledgements: [rejected(1)] }], OPERATOR),
      );
      // Assess
      expect(error.message).toBe(`Cannot decide PO ${PO}: PO ${PO} has no line 9`);
      expect(error.issues).toEqual([
        { path: 'lines[0].itemSequenceNumber', message: `PO ${PO} has no line 9` },
      ]);
    });

    it('naming every bad line at once, and deciding none of them', async () => {
      const error = await validationError(
        decide(
          PO,
          [
            { itemSequenceNumber: '1', itemAcknowledgements: [accepted(11)] },
            { itemSequenceNumber: '2', itemAcknowledgements: [accepted(5), rejected(1)] },
          ],
          OPERATOR,
        ),
      );
      expect(error.issues.map((i) => i.path)).toEqual(['lines[0]', 'lines[1]']);
      expect(error.message).toContain('Line 1: 11 acknowledged in total, but only 10 ordered');
      expect(error.message).toContain('Line 2: 6 acknowledged in total, but only 5 ordered');
      expect(world.acknowledgements.record(PO).revision).toBe(2);
    });
  });

  it('sends the acknowledgement once the last review line is decided, and audits the person', async () => {
    // Act
    const record = await decide(
      PO,
      [{ itemSequenceNumber: '2', itemAcknowledgements: [rejected(5)], note: 'not our product' }],
      OPERATOR,
    );
    // Assess
    expect(record).toMatchObject({
      state: 'submitted',
      messageKey: acknowledgementKey(PO),
      transactionId: 'tx-1',
    });
    expect(world.sender.calls).toHaveLength(1);
    const body = submitAcknowledgementRequestSchema.parse(JSON.parse(world.sender.calls[0]!.payload));
    expect(
      body.acknowledgements[0]?.items.map((i) => [
        i.itemSequenceNumber,
        i.itemAcknowledgements[0]?.acknowledgementCode,
      ]),
    ).toEqual([
      ['1', 'Accepted'],
      ['2', 'Rejected'],
    ]);
    expect(world.outboxStore.items.get(acknowledgementKey(PO))?.requestedBy).toEqual(OPERATOR);
    const line2 = world.acknowledgements.record(PO).lines[1];
    expect(line2).toMatchObject({
      outcome: 'decided',
      ruleId: 'operator',
      decidedBy: OPERATOR,
      reason: 'Decided by Dana Operator: not our product',
      decidedAt: '2026-12-01T09:00:00.000Z',
    });
    expect(world.audit.of('purchaseOrder.linesDecided')).toEqual([
      expect.objectContaining({
        actor: OPERATOR,
        entity: { type: 'PurchaseOrder', id: PO },
        reason: 'line 2: not our product',
        before: expect.objectContaining({ state: 'review' }),
        after: expect.objectContaining({ state: 'queued' }),
      }),
    ]);
  });

  it('keeps the PO in review, and sends nothing, while another line still waits for a person', async () => {
    // Prepare: a PO with two lines in review
    world.orders.add(
      purchaseOrder({
        number: 'TWOREVIE',
        lines: [
          { ean: UNKNOWN_EAN, quantity: 5 },
          { ean: UNKNOWN_EAN, quantity: 7 },
        ],
      }),
    );
    await makeAcknowledgePurchaseOrder(world.deps)('TWOREVIE');
    // Act
    const record = await decide(
      'TWOREVIE',
      [{ itemSequenceNumber: '1', itemAcknowledgements: [rejected(5)] }],
      OPERATOR,
    );
    // Assess
    expect(record.state).toBe('review');
    expect(world.sender.calls).toHaveLength(0);
    expect(world.audit.of('purchaseOrder.linesDecided')).toHaveLength(1);
  });

  it('refuses a PO that is already submitted (NotDecidableError) and an unknown PO (PurchaseOrderNotFoundError)', async () => {
    await decide(PO, [{ itemSequenceNumber: '2', itemAcknowledgements: [rejected(5)] }], OPERATOR);
    await expect(
      decide(PO, [{ itemSequenceNumber: '2', itemAcknowledgements: [rejected(5)] }], OPERATOR),
    ).rejects.toBeInstanceOf(NotDecidableError);
    await expect(
      decide('NOSUCHPO', [{ itemSequenceNumber: '1', itemAcknowledgements: [rejected(5)] }], OPERATOR),
    ).rejects.toBeInstanceOf(PurchaseOrderNotFoundError);
    expect(world.sender.calls).toHaveLength(1);
  });

  it('keeps a decision when only bookkeeping changed meanwhile (a reminder recorded), and keeps the reminder', async () => {
    // Prepare: a reminder is recorded between the operator's read and write
    world.acknowledgements.beforeUpdate = () => {
      world.acknowledgements.beforeUpdate = undefined;
      world.acknowledgements.change(PO, { remindersSent: ['reminder@0.5'] });
    };
    // Act
    const record = await decide(
      PO,
      [{ itemSequenceNumber: '2', itemAcknowledgements: [rejected(5)] }],
      OPERATOR,
    );
    // Assess
    expect(record.remindersSent).toEqual(['reminder@0.5']);
    expect(world.sender.calls).toHaveLength(1);
  });

  it('refuses a decision taken against lines that changed meanwhile', async () => {
    // Prepare: another operator decides line 2 between this one's read and write
    world.acknowledgements.beforeUpdate = () => {
      world.acknowledgements.beforeUpdate = undefined;
      const current = world.acknowledgements.record(PO);
      world.acknowledgements.change(PO, {
        lines: current.lines.map((l) =>
          l.itemSequenceNumber === '2' ? { ...l, reason: 'Decided by someone else' } : l,
        ),
      });
    };
    // Act
    const result = decide(PO, [{ itemSequenceNumber: '2', itemAcknowledgements: [rejected(5)] }], OPERATOR);
    // Assess
    await expect(result).rejects.toBeInstanceOf(NotDecidableError);
    expect(world.sender.calls).toHaveLength(0);
  });

  it('corrects a rejected acknowledgement with a new outbox message, never resending the refused one, audited as a correction', async () => {
    // Prepare: the operator's acknowledgement went out and Amazon refused it
    await decide(PO, [{ itemSequenceNumber: '2', itemAcknowledgements: [rejected(5)] }], OPERATOR);
    const followUp = makeFollowUpAcknowledgements({
      ...world.deps,
      transactions: () => world.transactions.api(),
    });
    world.transactions.set('tx-1', 'Failure', [
      { code: 'INVALID_NET_COST', message: `Line ${PO}/1 needs a positive netCost.`, details: `${PO}/1` },
    ]);
    world.clock.advance(HOUR);
    await followUp();
    const refused = world.acknowledgements.record(PO);
    expect(refused.state).toBe('rejected');
    const original = world.outboxStore.items.get(acknowledgementKey(PO));
    // Act
    const record = await decide(
      PO,
      [
        {
          itemSequenceNumber: '1',
          itemAcknowledgements: [accepted(8), { ...rejected(2), rejectionReason: 'TemporarilyUnavailable' }],
        },
      ],
      OPERATOR,
    );
    // Assess
    const correctionKey = acknowledgementKey(PO, refused.revision);
    expect(correctionKey).toBe(`ack#${PO}#correction-${refused.revision}`);
    expect(record).toMatchObject({
      state: 'submitted',
      messageKey: correctionKey,
      transactionId: 'tx-2',
      errors: [],
    });
    expect(world.sender.calls.map((c) => c.key)).toEqual([acknowledgementKey(PO), correctionKey]);
    expect(world.sender.calls[1]?.payload).not.toBe(world.sender.calls[0]?.payload);
    expect(world.outboxStore.items.get(acknowledgementKey(PO))).toEqual(original);
    expect(world.audit.of('purchaseOrder.corrected')).toEqual([
      expect.objectContaining({
        actor: OPERATOR,
        before: expect.objectContaining({ state: 'rejected' }),
        after: expect.objectContaining({ state: 'queued' }),
      }),
    ]);
  });
});
