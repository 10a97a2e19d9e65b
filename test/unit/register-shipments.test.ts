import { beforeEach, describe, expect, it } from 'vitest';
import { packShipment, type ShipmentToDescribe, toShipmentCsv } from '#local/warehouse/shipment-files.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '#shared/events.ts';
import { makeFollowUpShipments } from '#shared/use-cases/shipments/follow-up-shipments.ts';
import { makeImportShipmentFile } from '#shared/use-cases/shipments/import-shipment-file.ts';
import { makeRegisterShipments } from '#shared/use-cases/shipments/register-shipments.ts';
import { makeTrackFulfilment } from '#shared/use-cases/shipments/track-fulfilment.ts';
import { officialModels } from '../support/official-models.ts';
import { fixtureAcknowledgement, fixturePurchaseOrder, shipmentWorld } from '../support/shipment-fakes.ts';

const PO = '4Z32PABC';
const SHIP_DATE = '2026-11-30T13:50:00Z';

/** The warehouse's CSV for the fixture PO: `eaches` of line 1 and `cases` of line 2. */
function fileOf(
  shipmentId: string,
  eaches: number,
  cases: number,
  extra: Partial<ShipmentToDescribe> = {},
): string {
  const lines = [
    ...(eaches > 0
      ? [
          {
            ean: '4006381333931',
            unitOfMeasure: 'Eaches' as const,
            unitSize: 1,
            quantity: eaches,
            lotNumber: 'L2611-07',
          },
        ]
      : []),
    ...(cases > 0
      ? [{ ean: '4006381540308', unitOfMeasure: 'Cases' as const, unitSize: 6, quantity: cases }]
      : []),
  ];
  return toShipmentCsv(
    packShipment(
      { shipmentId, shipDate: SHIP_DATE, purchaseOrders: [{ purchaseOrderNumber: PO, lines }], ...extra },
      { firstSerial: shipmentId.length * 100 },
    ).rows,
  );
}

/** A refusal as the SP-API client raises it: Amazon said no, a resend would get the same answer. */
const refused = () =>
  Object.assign(new Error('Amazon refused the request'), {
    name: 'SpApiRequestError',
    status: 400,
    retryable: false,
    errors: [{ code: 'InvalidInput', message: 'shipFromParty is not registered' }],
  });

describe('shipment registration and confirmation', () => {
  let world: ReturnType<typeof shipmentWorld>;
  let files: Map<string, string>;
  let importFile: ReturnType<typeof makeImportShipmentFile>;
  let followUp: ReturnType<typeof makeFollowUpShipments>;

  beforeEach(() => {
    world = shipmentWorld();
    files = new Map();
    importFile = makeImportShipmentFile({
      read: async (key) => files.get(key) ?? '',
      register: makeRegisterShipments(world.deps),
      events: world.deps.events,
    });
    followUp = makeFollowUpShipments({ ...world.deps, transactions: world.transactions });
  });

  async function drop(key: string, text: string) {
    files.set(key, text);
    return importFile(key);
  }

  it('confirms a warehouse file through the outbox: one ASN, valid for Amazon, and its claim on the PO', async () => {
    // Act
    const summary = await drop('shipments/WH-1.csv', fileOf('WH-1', 24, 6));

    // Assess
    expect(summary.problems).toEqual([]);
    expect(summary.shipments).toEqual([
      expect.objectContaining({
        shipmentId: 'WH-1',
        outcome: 'registered',
        state: 'submitted',
        vendorCode: 'ACMEDE',
      }),
    ]);
    expect(world.sends).toHaveLength(1);
    const body = JSON.parse(world.sends[0]!.payload);
    expect(officialModels().validate('vendorShipments', 'SubmitShipmentConfirmationsRequest', body)).toEqual(
      [],
    );
    expect(world.sends[0]).toMatchObject({ key: 'asn#ACMEDE#WH-1', target: 'example-eu' });
    const fulfilment = await world.fulfilments.get(PO);
    expect(fulfilment).toMatchObject({
      state: 'partial',
      window: {
        start: '2026-11-28T07:00:00.000Z',
        end: '2026-12-02T07:00:00.000Z',
        source: 'deliveryWindow',
      },
      shipments: [
        {
          shipmentId: 'WH-1',
          state: 'submitted',
          asnDeadline: '2026-11-30T14:20:00.000Z',
          lines: [
            { itemSequenceNumber: '1', amount: 24 },
            { itemSequenceNumber: '2', amount: 6 },
          ],
        },
      ],
    });
    expect(world.audit.actions()).toEqual(
      expect.arrayContaining(['shipment.registered', 'outbox.enqueued', 'outbox.claimed', 'outbox.sent']),
    );
  });

  it('sends one confirmation when the same file lands twice, even re-exported in another row order', async () => {
    // Prepare
    const text = fileOf('WH-1', 24, 6);
    const [header, ...rows] = text.trim().split('\n');
    const reordered = `${[header, ...rows.reverse()].join('\n')}\n`;
    await drop('shipments/WH-1.csv', text);

    // Act
    const again = await drop('shipments/WH-1-resent.csv', text);
    const reexported = await drop('shipments/WH-1-export.csv', reordered);

    // Assess
    expect(again.shipments[0]).toMatchObject({ outcome: 'duplicate', state: 'submitted' });
    expect(reexported.shipments[0]).toMatchObject({ outcome: 'duplicate' });
    expect(world.sends).toHaveLength(1);
    expect(world.outboxStore.items.size).toBe(1);
  });

  it('refuses a second shipment that would ship more than Amazon accepted, naming the row and the field', async () => {
    // Prepare
    await drop('shipments/WH-1.csv', fileOf('WH-1', 20, 10));

    // Act
    const summary = await drop('shipments/WH-2.csv', fileOf('WH-2', 5, 0));

    // Assess
    expect(summary.shipments).toEqual([expect.objectContaining({ shipmentId: 'WH-2', outcome: 'refused' })]);
    expect(summary.problems).toEqual([
      expect.objectContaining({
        row: 2,
        field: 'quantity',
        message: `line 1 of PO ${PO} (4006381333931): this shipment ships 5 eaches up to this row, other shipments 20, Amazon accepted 24`,
      }),
    ]);
    expect(world.events.published).toContainEqual({
      source: EVENT_SOURCE.shipments,
      detailType: DETAIL_TYPE.inboxFileRejectedRows,
      detail: expect.objectContaining({
        kind: 'shipments',
        file: 'shipments/WH-2.csv',
        refusedShipments: ['WH-2'],
      }),
    });
    expect(world.sends).toHaveLength(1);
    expect((await world.fulfilments.get(PO))?.shipments.map((s) => s.shipmentId)).toEqual(['WH-1']);
  });

  it('refuses a file for a PO Amazon never sent', async () => {
    // Prepare
    const text = fileOf('WH-9', 1, 0).replaceAll(PO, '9ZZZ9ZZZ');

    // Act
    const summary = await drop('shipments/WH-9.csv', text);

    // Assess
    expect(summary.problems).toEqual([
      expect.objectContaining({
        row: 2,
        field: 'purchaseOrderNumber',
        message: expect.stringMatching(/9ZZZ9ZZZ is unknown/),
      }),
    ]);
    expect(world.sends).toEqual([]);
  });

  it('records the exact bytes live would send, and sends nothing, in simulate', async () => {
    // Prepare
    world.state.mode = 'simulate';

    // Act
    const summary = await drop('shipments/WH-1.csv', fileOf('WH-1', 24, 10));

    // Assess
    expect(summary.shipments[0]).toMatchObject({ state: 'simulated' });
    expect(world.sends).toEqual([]);
    const message = world.outboxStore.items.get('asn#ACMEDE#WH-1');
    expect(message?.state).toBe('simulated');
    expect(JSON.parse(message!.payload).shipmentConfirmations[0].shipmentIdentifier).toBe('WH-1');
    expect((await world.fulfilments.get(PO))?.state).toBe('shipped');
  });

  it('holds the confirmation while shipments are off, and sends it once when switched on', async () => {
    // Prepare
    world.state.mode = 'off';
    await drop('shipments/WH-1.csv', fileOf('WH-1', 24, 10));
    expect((await world.shipments.get('ACMEDE', 'WH-1'))?.state).toBe('held');

    // Act
    world.state.mode = 'live';
    await followUp();
    await followUp();

    // Assess
    expect(world.sends).toHaveLength(1);
    expect((await world.shipments.get('ACMEDE', 'WH-1'))?.state).toBe('submitted');
  });

  it('counts the shipment accepted on Success: the confirmed quantities for invoicing and ShipmentConfirmed', async () => {
    // Prepare
    await drop('shipments/WH-1.csv', fileOf('WH-1', 24, 10));
    world.state.transactions.set('tx-1', 'Success');

    // Act
    const summary = await followUp();

    // Assess
    expect(summary).toMatchObject({ accepted: 1 });
    const record = await world.shipments.get('ACMEDE', 'WH-1');
    expect(record).toMatchObject({
      state: 'accepted',
      transactionId: 'tx-1',
      confirmedAt: '2026-11-30T14:00:00.000Z',
    });
    expect(await world.shipped.ofPurchaseOrder(PO)).toEqual([
      {
        purchaseOrderNumber: PO,
        vendorCode: 'ACMEDE',
        shipmentId: 'WH-1',
        revision: 2,
        transactionId: 'tx-1',
        shippedDate: '2026-11-30T13:50:00.000Z',
        confirmedAt: '2026-11-30T14:00:00.000Z',
        lines: [
          {
            itemSequenceNumber: '1',
            amazonProductIdentifier: 'B0C4K7XQ2M',
            vendorProductIdentifier: '4006381333931',
            shippedQuantity: { amount: 24, unitOfMeasure: 'Eaches', unitSize: 1 },
          },
          {
            itemSequenceNumber: '2',
            amazonProductIdentifier: 'B0D1Z9RT5P',
            vendorProductIdentifier: '4006381540308',
            shippedQuantity: { amount: 10, unitOfMeasure: 'Cases', unitSize: 6 },
          },
        ],
      },
    ]);
    expect(await world.fulfilments.get(PO)).toMatchObject({
      state: 'shipped',
      shipments: [{ state: 'accepted' }],
    });
    expect(world.events.published.map((e) => e.detailType)).toContain(DETAIL_TYPE.shipmentConfirmed);
  });

  it('stores Amazon’s errors on Failure, frees the PO’s claim, and sends a corrected file as a new confirmation', async () => {
    // Prepare
    await drop('shipments/WH-1.csv', fileOf('WH-1', 24, 10));
    world.state.transactions.set('tx-1', 'Failure');
    world.state.transactionErrors.set('tx-1', [
      { code: 'INVALID_ITEM', message: 'PO 4Z32PABC has no line X.' },
    ]);

    // Act
    await followUp();
    const afterFailure = await world.fulfilments.get(PO);
    const corrected = await drop('shipments/WH-1-fixed.csv', fileOf('WH-1', 24, 9));

    // Assess
    expect(afterFailure).toMatchObject({
      state: 'awaiting',
      shipments: [{ shipmentId: 'WH-1', state: 'rejected' }],
    });
    expect(world.events.published).toContainEqual(
      expect.objectContaining({
        detailType: DETAIL_TYPE.shipmentConfirmationFailed,
        detail: expect.objectContaining({
          errors: [{ code: 'INVALID_ITEM', message: 'PO 4Z32PABC has no line X.' }],
        }),
      }),
    );
    expect(corrected.shipments[0]).toMatchObject({ outcome: 'corrected', state: 'submitted' });
    expect(world.sends.map((s) => s.key)).toEqual(['asn#ACMEDE#WH-1', 'asn#ACMEDE#WH-1#correction-r4']);
    expect(JSON.parse(world.sends[1]!.payload).shipmentConfirmations[0].shipmentConfirmationType).toBe(
      'Original',
    );
  });

  it('replaces a confirmation Amazon accepted when the warehouse corrects its file', async () => {
    // Prepare
    await drop('shipments/WH-1.csv', fileOf('WH-1', 24, 10));
    world.state.transactions.set('tx-1', 'Success');
    await followUp();

    // Act
    const replaced = await drop('shipments/WH-1-v2.csv', fileOf('WH-1', 24, 8));
    world.state.transactions.set('tx-2', 'Success');
    await followUp();

    // Assess
    expect(replaced.shipments[0]).toMatchObject({ outcome: 'replaced' });
    expect(JSON.parse(world.sends[1]!.payload).shipmentConfirmations[0].shipmentConfirmationType).toBe(
      'Replace',
    );
    const [entry] = await world.shipped.ofPurchaseOrder(PO);
    expect(entry?.lines.map((l) => l.shippedQuantity.amount)).toEqual([24, 8]);
  });

  it('records Amazon’s refusal of the request itself as failed, never sends it again, and says so on the bus', async () => {
    // Prepare
    world.state.send = async () => {
      throw refused();
    };

    // Act
    const summary = await drop('shipments/WH-1.csv', fileOf('WH-1', 24, 10));
    await followUp();

    // Assess
    expect(summary.shipments[0]).toMatchObject({ state: 'failed' });
    expect(world.sends).toHaveLength(1);
    expect(await world.shipments.get('ACMEDE', 'WH-1')).toMatchObject({
      state: 'failed',
      errors: [{ code: 'InvalidInput', message: 'shipFromParty is not registered' }],
    });
    expect(world.events.published.map((e) => e.detailType)).toContain(DETAIL_TYPE.shipmentConfirmationFailed);
  });

  it('resolves an unclear send from Amazon’s shipment list, never by resending blindly', async () => {
    // Prepare: the connection drops after Amazon took it.
    world.state.send = async () => {
      throw new Error('socket hang up');
    };
    await drop('shipments/WH-1.csv', fileOf('WH-1', 24, 10));
    expect((await world.shipments.get('ACMEDE', 'WH-1'))?.state).toBe('unknown');

    // Act: not listed yet (still processing), then listed.
    await followUp();
    const undetermined = await world.shipments.get('ACMEDE', 'WH-1');
    world.state.listed = [
      {
        vendorShipmentIdentifier: 'WH-1',
        transactionType: 'New',
        transactionDate: '2026-11-30T14:00:00Z',
        sellingParty: { partyId: 'ACMEDE' },
        shipFromParty: { partyId: 'ACMEWH1' },
        shipToParty: { partyId: 'DUS2' },
      },
    ];
    await followUp();
    await followUp();

    // Assess
    expect(undetermined?.state).toBe('unknown');
    expect(world.sends).toHaveLength(1);
    expect((await world.shipments.get('ACMEDE', 'WH-1'))?.state).toBe('accepted');
    expect(world.outboxStore.items.get('asn#ACMEDE#WH-1')?.resolution).toMatch(
      /^applied: Amazon lists shipment WH-1/,
    );
  });

  it('sends an unclear confirmation again only once Amazon has still not listed it 30 minutes later', async () => {
    // Prepare
    let attempts = 0;
    world.state.send = async () => {
      attempts++;
      if (attempts === 1) throw new Error('socket hang up');
      return { transactionId: 'tx-2' };
    };
    await drop('shipments/WH-1.csv', fileOf('WH-1', 24, 10));

    // Act
    world.clock.advance(31 * 60_000);
    await followUp();

    // Assess
    expect(world.sends).toHaveLength(2);
    expect(await world.shipments.get('ACMEDE', 'WH-1')).toMatchObject({
      state: 'submitted',
      transactionId: 'tx-2',
    });
  });
});

describe('a shipment too large for one confirmation', () => {
  it('is refused before anything is claimed or sent, naming the shipment', async () => {
    // Prepare: 2,000 eaches of one line, one to a carton: far more than one message can carry.
    const order = fixturePurchaseOrder();
    order.orderDetails!.items[0]!.orderedQuantity = { amount: 2000, unitOfMeasure: 'Eaches', unitSize: 1 };
    const world = shipmentWorld({
      orders: [order],
      acknowledgements: [],
      statuses: [
        {
          purchaseOrderNumber: PO,
          purchaseOrderStatus: 'OPEN',
          purchaseOrderDate: '2026-11-23T09:41:00Z',
          sellingParty: { partyId: 'ACMEDE' },
          shipToParty: { partyId: 'DUS2' },
          itemStatus: [
            {
              itemSequenceNumber: '1',
              acknowledgementStatus: { confirmationStatus: 'ACCEPTED', acceptedQuantity: { amount: 2000 } },
            },
          ],
        },
      ],
    });
    const csv = toShipmentCsv(
      packShipment(
        {
          shipmentId: 'WH-BIG',
          shipDate: SHIP_DATE,
          purchaseOrders: [
            {
              purchaseOrderNumber: PO,
              lines: [{ ean: '4006381333931', unitOfMeasure: 'Eaches', unitSize: 1, quantity: 2000 }],
            },
          ],
        },
        { firstSerial: 1, eachesPerCarton: 1, cartonsPerPallet: 40 },
      ).rows,
    );

    // Act
    const summary = await makeImportShipmentFile({
      read: async () => csv,
      register: makeRegisterShipments(world.deps),
      events: world.deps.events,
    })('shipments/WH-BIG.csv');

    // Assess
    expect(summary.shipments[0]).toMatchObject({ outcome: 'refused' });
    expect(summary.problems).toEqual([
      expect.objectContaining({
        row: 2,
        field: 'shipmentId',
        message: expect.stringMatching(/bytes; at most 300000/),
      }),
    ]);
    expect(world.sends).toEqual([]);
    expect(world.fulfilments.records.size).toBe(0);
    expect(world.shipments.records.size).toBe(0);
  });
});

describe('fulfilment tracking', () => {
  it('tracks an accepted PO: its departure window and what Amazon accepted per line', async () => {
    // Prepare
    const world = shipmentWorld();
    const track = makeTrackFulfilment(world.deps);

    // Act
    const record = await track(PO);
    const again = await track(PO);

    // Assess
    expect(record).toMatchObject({
      purchaseOrderNumber: PO,
      state: 'awaiting',
      acceptedFrom: 'acknowledgement',
      shipToPartyId: 'DUS2',
      window: {
        start: '2026-11-28T07:00:00.000Z',
        end: '2026-12-02T07:00:00.000Z',
        source: 'deliveryWindow',
      },
      lines: [
        expect.objectContaining({ itemSequenceNumber: '1', accepted: 24, unitOfMeasure: 'Eaches' }),
        expect.objectContaining({
          itemSequenceNumber: '2',
          accepted: 10,
          unitOfMeasure: 'Cases',
          unitSize: 6,
        }),
        expect.objectContaining({ itemSequenceNumber: '3', accepted: 0 }),
      ],
    });
    expect(again).toEqual(record);
  });

  it('does not track a PO whose every line was rejected', async () => {
    // Prepare
    const ack = fixtureAcknowledgement();
    const world = shipmentWorld({
      acknowledgements: [
        {
          ...ack,
          lines: ack.lines.map((l) => ({
            ...l,
            itemAcknowledgements: [
              {
                acknowledgementCode: 'Rejected' as const,
                acknowledgedQuantity: { amount: 0 },
                rejectionReason: 'TemporarilyUnavailable' as const,
              },
            ],
          })),
        },
      ],
    });

    // Act
    const record = await makeTrackFulfilment(world.deps)(PO);

    // Assess
    expect(record).toBeUndefined();
    expect(world.fulfilments.records.size).toBe(0);
  });

  it('takes the accepted quantities from Amazon’s PO status for a PO acknowledged in Vendor Central', async () => {
    // Prepare
    const order = fixturePurchaseOrder();
    const world = shipmentWorld({
      acknowledgements: [],
      statuses: [
        {
          purchaseOrderNumber: PO,
          purchaseOrderStatus: 'OPEN',
          purchaseOrderDate: '2026-11-23T09:41:00Z',
          sellingParty: { partyId: 'ACMEDE' },
          shipToParty: { partyId: 'DUS2' },
          itemStatus: order.orderDetails!.items.map((item) => ({
            itemSequenceNumber: item.itemSequenceNumber,
            acknowledgementStatus: {
              confirmationStatus: 'ACCEPTED',
              acceptedQuantity: {
                amount: item.orderedQuantity.amount,
                unitOfMeasure: item.orderedQuantity.unitOfMeasure,
              },
            },
          })),
        },
      ],
    });

    // Act
    const record = await makeTrackFulfilment(world.deps)(PO);

    // Assess
    expect(record?.acceptedFrom).toBe('amazon-status');
    expect(record?.lines.map((l) => l.accepted)).toEqual([24, 10, 0]);
  });
});
