import { beforeEach, describe, expect, it } from 'vitest';
import { DETAIL_TYPE, EVENT_SOURCE } from '#shared/events.ts';
import { SpApiRequestError } from '#shared/sp-api/errors.ts';
import { submitAcknowledgementRequestSchema } from '#shared/sp-api/schemas/orders.ts';
import {
  AcknowledgementContentionError,
  acknowledgementKey,
  makeAcknowledgePurchaseOrder,
  PurchaseOrderNotFoundError,
  RULES_ACTOR,
} from '#shared/use-cases/purchase-orders/acknowledge-purchase-order.ts';
import {
  type AcknowledgementWorld,
  LID_EAN,
  makeAcknowledgementWorld,
  PAN_EAN,
  purchaseOrder,
  UNKNOWN_EAN,
} from '../support/acknowledgement-fakes.ts';

const PO = '4R9DIAQD';

/** The submitAcknowledgement body a send carried, parsed with the request schema. */
function sentBody(world: AcknowledgementWorld, index = 0) {
  const call = world.sender.calls[index];
  if (!call) throw new Error(`No send #${index}`);
  return submitAcknowledgementRequestSchema.parse(JSON.parse(call.payload));
}

describe('acknowledging a new purchase order', () => {
  let world: AcknowledgementWorld;
  let acknowledge: ReturnType<typeof makeAcknowledgePurchaseOrder>;

  beforeEach(() => {
    world = makeAcknowledgementWorld({ stock: { PAN: 100, LID: 100 } });
    acknowledge = makeAcknowledgePurchaseOrder(world.deps);
  });

  it('sends one acknowledgement through the outbox for a PO the rules decide completely and records it submitted', async () => {
    // Prepare
    world.orders.add(
      purchaseOrder({
        number: PO,
        lines: [
          { ean: PAN_EAN, quantity: 40 },
          { ean: LID_EAN, quantity: 12 },
        ],
      }),
    );
    // Act
    const record = await acknowledge(PO);
    // Assess
    expect(record).toMatchObject({
      purchaseOrderNumber: PO,
      state: 'submitted',
      transactionId: 'tx-1',
      messageKey: acknowledgementKey(PO),
      deadline: '2026-12-02T08:00:00.000Z',
    });
    expect(world.acknowledgements.record(PO)).toEqual(record);
    expect([...world.outboxStore.items.keys()]).toEqual([`ack#${PO}`]);
    expect(world.outboxStore.items.get(`ack#${PO}`)).toMatchObject({
      state: 'sent',
      requestedBy: RULES_ACTOR,
      payload: world.sender.calls[0]?.payload,
    });
    expect(world.sender.calls).toHaveLength(1);
    expect(world.sender.calls[0]).toMatchObject({ target: 'example-eu', subject: { id: PO } });
    const body = sentBody(world);
    expect(body.acknowledgements).toHaveLength(1);
    expect(
      body.acknowledgements[0]?.items.map((i) => [i.itemSequenceNumber, i.itemAcknowledgements]),
    ).toEqual([
      [
        '1',
        [
          expect.objectContaining({
            acknowledgementCode: 'Accepted',
            acknowledgedQuantity: expect.objectContaining({ amount: 40 }),
          }),
        ],
      ],
      [
        '2',
        [
          expect.objectContaining({
            acknowledgementCode: 'Accepted',
            acknowledgedQuantity: expect.objectContaining({ amount: 12 }),
          }),
        ],
      ],
    ]);
    expect(world.stock.reservedBy('PAN', PO)).toBe(40);
    expect(world.stock.reservedBy('LID', PO)).toBe(12);
    expect(world.audit.of('purchaseOrder.decided')).toEqual([
      expect.objectContaining({
        id: `po:${PO}:decided`,
        actor: RULES_ACTOR,
        entity: { type: 'PurchaseOrder', id: PO },
        after: expect.objectContaining({ state: 'queued' }),
      }),
    ]);
    expect(world.detailTypes()).toEqual([]);
  });

  it('sends nothing twice when the same PurchaseOrderReceived event arrives again', async () => {
    // Prepare
    world.orders.add(purchaseOrder({ number: PO, lines: [{ ean: PAN_EAN, quantity: 40 }] }));
    const first = await acknowledge(PO);
    // Act
    const again = await acknowledge(PO);
    // Assess
    expect(again).toEqual(first);
    expect(world.sender.calls).toHaveLength(1);
    expect(world.outboxStore.items.size).toBe(1);
    expect(world.stock.left('PAN')).toBe(60);
  });

  it('sends nothing twice when two deliveries of the same event race each other', async () => {
    // Prepare
    world.orders.add(purchaseOrder({ number: PO, lines: [{ ean: PAN_EAN, quantity: 40 }] }));
    // Act
    const [a, b] = await Promise.all([acknowledge(PO), acknowledge(PO)]);
    // Assess: one record, one message, one send, one reservation
    expect(a?.purchaseOrderNumber).toBe(PO);
    expect(b?.purchaseOrderNumber).toBe(PO);
    expect(world.sender.calls).toHaveLength(1);
    expect(world.outboxStore.items.size).toBe(1);
    expect(world.stock.left('PAN')).toBe(60);
    expect(world.acknowledgements.record(PO).state).toBe('submitted');
  });

  it('announces a review the next time the event comes when the bus failed the first time', async () => {
    // Prepare: the decision is stored, then the bus refuses the alert
    world.orders.add(purchaseOrder({ number: PO, lines: [{ ean: UNKNOWN_EAN, quantity: 3 }] }));
    world.events.failNext = 1;
    await expect(acknowledge(PO)).rejects.toThrow('bus unavailable');
    expect(world.acknowledgements.record(PO)).toMatchObject({ state: 'review' });
    // Act: Lambda retries the event
    const record = await acknowledge(PO);
    // Assess: the alert went out once, and the record says so
    expect(record).toMatchObject({ state: 'review', announced: true });
    expect(world.events.published.map((e) => e.detailType)).toEqual([DETAIL_TYPE.purchaseOrderNeedsReview]);
  });

  it('puts a PO with a line in review in front of a person: PurchaseOrderNeedsReview, nothing sent', async () => {
    // Prepare
    world.orders.add(
      purchaseOrder({
        number: PO,
        lines: [
          { ean: PAN_EAN, quantity: 10 },
          { ean: UNKNOWN_EAN, quantity: 3 },
        ],
      }),
    );
    // Act
    const record = await acknowledge(PO);
    // Assess
    expect(record).toMatchObject({ state: 'review', revision: 2, announced: true });
    expect(record?.messageKey).toBeUndefined();
    expect(record?.lines.map((l) => [l.itemSequenceNumber, l.outcome, l.ruleId])).toEqual([
      ['1', 'decided', 'stock.available'],
      ['2', 'review', 'item.unknown'],
    ]);
    expect(world.events.published).toEqual([
      {
        source: EVENT_SOURCE.purchaseOrders,
        detailType: DETAIL_TYPE.purchaseOrderNeedsReview,
        detail: {
          purchaseOrderNumber: PO,
          vendorCode: 'ACMEDE',
          deadline: '2026-12-02T08:00:00.000Z',
          lines: [{ line: '2', reason: expect.stringContaining(`product ${UNKNOWN_EAN}`) }],
        },
      },
    ]);
    expect(world.sender.calls).toHaveLength(0);
    expect(world.outboxStore.items.size).toBe(0);
    expect(world.audit.of('purchaseOrder.decided')[0]?.reason).toBe('Some lines need a person');
    // The decided line keeps its stock while the person decides.
    expect(world.stock.reservedBy('PAN', PO)).toBe(10);
  });

  it('decides again, and gives the first reservation back, when another PO takes the stock between the read and the reservation', async () => {
    // Prepare: PAN and LID both available; another PO takes 95 LID just as we reserve LID the first time
    world.orders.add(
      purchaseOrder({
        number: PO,
        lines: [
          { ean: PAN_EAN, quantity: 4 },
          { ean: LID_EAN, quantity: 10, backorder: false },
        ],
      }),
    );
    let stolen = false;
    world.stock.beforeReserve = (sku) => {
      if (sku === 'LID' && !stolen) {
        stolen = true;
        expect(world.stock.take('LID', 'OTHERPO1', 95)).toBe(true);
      }
    };
    // Act
    const record = await acknowledge(PO);
    // Assess: the second decision saw only 5 LID and promised exactly those
    expect(record?.state).toBe('submitted');
    const lid = sentBody(world).acknowledgements[0]?.items.find((i) => i.itemSequenceNumber === '2');
    expect(
      lid?.itemAcknowledgements.map((p) => [p.acknowledgementCode, p.acknowledgedQuantity.amount]),
    ).toEqual([
      ['Accepted', 5],
      ['Rejected', 5],
    ]);
    expect(world.stock.reservedBy('PAN', PO)).toBe(4);
    expect(world.stock.left('PAN')).toBe(96);
    expect(world.stock.reservedBy('LID', PO)).toBe(5);
    expect(world.stock.left('LID')).toBe(0);
    expect(world.sender.calls).toHaveLength(1);
  });

  it('gives up with a retryable AcknowledgementContentionError when the stock keeps changing, holding nothing', async () => {
    // Prepare: every read shows 4 PAN, and every time someone else has taken them before we reserve
    world.orders.add(purchaseOrder({ number: PO, lines: [{ ean: PAN_EAN, quantity: 4 }] }));
    const pan = world.stock.positions.get('PAN')!;
    const read = world.stock.available.bind(world.stock);
    world.stock.available = async (skus) => {
      pan.available = 4;
      return read(skus);
    };
    world.stock.beforeReserve = () => {
      pan.available = 0;
    };
    // Act
    const result = acknowledge(PO);
    // Assess
    await expect(result).rejects.toBeInstanceOf(AcknowledgementContentionError);
    await expect(result).rejects.toMatchObject({ retryable: true });
    expect(world.stock.reserveCalls).toBe(3);
    expect(world.stock.reservedBy('PAN', PO)).toBeUndefined();
    expect(world.acknowledgements.records.size).toBe(0);
    expect(world.sender.calls).toHaveLength(0);
  });

  it('leaves a PO alone that Amazon already shows acknowledged or closed', async () => {
    world.orders.add(
      purchaseOrder({ number: PO, state: 'Acknowledged', lines: [{ ean: PAN_EAN, quantity: 4 }] }),
    );
    await expect(acknowledge(PO)).resolves.toBeUndefined();
    expect(world.acknowledgements.records.size).toBe(0);
    expect(world.stock.reserveCalls).toBe(0);
  });

  it('asks for a retry (PurchaseOrderNotFoundError) when the event arrives before the PO is stored', async () => {
    const result = acknowledge('NOTYET01');
    await expect(result).rejects.toBeInstanceOf(PurchaseOrderNotFoundError);
    await expect(result).rejects.toMatchObject({ retryable: true });
  });

  it('in simulate records the exact payload and sends nothing', async () => {
    // Prepare
    world.mode = 'simulate';
    world.orders.add(purchaseOrder({ number: PO, lines: [{ ean: PAN_EAN, quantity: 40 }] }));
    // Act
    const record = await acknowledge(PO);
    // Assess
    expect(record?.state).toBe('simulated');
    expect(world.sender.calls).toHaveLength(0);
    const message = world.outboxStore.items.get(`ack#${PO}`);
    expect(message?.state).toBe('simulated');
    expect(submitAcknowledgementRequestSchema.safeParse(JSON.parse(message!.payload)).success).toBe(true);
  });

  it('records Amazon’s refusal of the request as failed with its errors and raises AcknowledgementFailed', async () => {
    // Prepare
    world.sender.handler = async () => {
      throw new SpApiRequestError('submitAcknowledgement', 400, [
        { code: 'InvalidInput', message: 'Invalid sellingParty', details: 'sellingParty.partyId' },
      ]);
    };
    world.orders.add(purchaseOrder({ number: PO, lines: [{ ean: PAN_EAN, quantity: 40 }] }));
    // Act
    const record = await acknowledge(PO);
    // Assess
    expect(record).toMatchObject({
      state: 'failed',
      errors: [{ code: 'InvalidInput', message: 'Invalid sellingParty', details: 'sellingParty.partyId' }],
    });
    expect(world.events.published).toEqual([
      expect.objectContaining({
        detailType: DETAIL_TYPE.acknowledgementFailed,
        detail: expect.objectContaining({ purchaseOrderNumber: PO, errors: record?.errors }),
      }),
    ]);
  });

  it('still sends the acknowledgement when the delivery is retried after a failure between recording the decision and queueing it', async () => {
    // Prepare: the decision is stored, then the audit write fails, so the first delivery throws
    world.orders.add(purchaseOrder({ number: PO, lines: [{ ean: PAN_EAN, quantity: 40 }] }));
    world.audit.failNext = { count: 1, action: 'purchaseOrder.decided' };
    await expect(acknowledge(PO)).rejects.toThrow('audit table unavailable');
    expect(world.acknowledgements.record(PO).state).toBe('queued');
    // Act: Lambda retries the event
    const record = await acknowledge(PO);
    // Assess
    expect(record?.state).toBe('submitted');
    expect(world.sender.calls).toHaveLength(1);
    expect(world.stock.left('PAN')).toBe(60);
  });
});
