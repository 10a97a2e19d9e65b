import { describe, expect, it } from 'vitest';
import { packShipment, toShipmentCsv } from '#local/warehouse/shipment-files.ts';
import { DETAIL_TYPE } from '#shared/events.ts';
import { makeFollowUpShipments } from '#shared/use-cases/shipments/follow-up-shipments.ts';
import { makeImportShipmentFile } from '#shared/use-cases/shipments/import-shipment-file.ts';
import { makeRegisterShipments } from '#shared/use-cases/shipments/register-shipments.ts';
import { makeRemindShipments } from '#shared/use-cases/shipments/remind-shipments.ts';
import { makeTrackFulfilment } from '#shared/use-cases/shipments/track-fulfilment.ts';
import { shipmentWorld } from '../support/shipment-fakes.ts';

const PO = '4Z32PABC';
const HOUR = 3_600_000;
/** The fixture PO must leave between 28 Nov 07:00 and 2 Dec 07:00 (its delivery window minus 2 days). */
const WINDOW_START = Date.parse('2026-11-28T07:00:00Z');
const WINDOW_MS = 96 * HOUR;

function setup(start: string) {
  const world = shipmentWorld({ start });
  const remind = makeRemindShipments(world.deps);
  const noticeTypes = () =>
    world.events.published
      .filter((e) => e.detailType.startsWith('ShipWindow') || e.detailType.startsWith('AsnDeadline'))
      .map((e) => `${e.detailType} ${String(e.detail.notice)}`);
  return { world, remind, noticeTypes };
}

const csv = (shipDate: string) =>
  toShipmentCsv(
    packShipment(
      {
        shipmentId: 'WH-1',
        shipDate,
        purchaseOrders: [
          {
            purchaseOrderNumber: PO,
            lines: [{ ean: '4006381333931', unitOfMeasure: 'Eaches', unitSize: 1, quantity: 24 }],
          },
        ],
      },
      { firstSerial: 1 },
    ).rows,
  );

describe('fulfilment milestones', () => {
  it('reminds at half and three quarters of the window and escalates at 90 % while the PO has no shipment', async () => {
    // Prepare: the PO is accepted the day before its window opens.
    const { world, remind, noticeTypes } = setup('2026-11-27T07:00:00Z');
    await makeTrackFulfilment(world.deps)(PO);
    const at = (fraction: number) => WINDOW_START + fraction * WINDOW_MS;
    const seen: Record<string, string[]> = {};

    // Act: the check runs every few hours of clock time through the window and beyond it.
    for (const [label, when] of [
      ['before the window', WINDOW_START - HOUR],
      ['at 49 %', at(0.49)],
      ['at 50 %', at(0.5)],
      ['again at 60 %', at(0.6)],
      ['at 75 %', at(0.75)],
      ['at 90 %', at(0.9)],
      ['after the window', at(1.2)],
    ] as const) {
      world.clock.set(when);
      const before = noticeTypes().length;
      await remind();
      seen[label] = noticeTypes().slice(before);
    }

    // Assess
    expect(seen).toEqual({
      'before the window': [],
      'at 49 %': [],
      'at 50 %': [`${DETAIL_TYPE.shipWindowReminder} reminder@0.5`],
      'again at 60 %': [],
      'at 75 %': [`${DETAIL_TYPE.shipWindowReminder} reminder@0.75`],
      'at 90 %': [`${DETAIL_TYPE.shipWindowEscalation} escalation`],
      'after the window': [],
    });
    const escalation = world.events.published.find((e) => e.detailType === DETAIL_TYPE.shipWindowEscalation);
    expect(escalation?.detail).toMatchObject({
      purchaseOrderNumber: PO,
      vendorCode: 'ACMEDE',
      state: 'awaiting',
      dueAt: new Date(at(0.9)).toISOString(),
      hoursLeft: 9.6,
    });
    expect((await world.fulfilments.get(PO))?.nextNoticeAt).toBeUndefined();
  });

  it('sends only the escalation after an outage that slept through the reminders', async () => {
    // Prepare
    const { world, remind, noticeTypes } = setup('2026-11-27T07:00:00Z');
    await makeTrackFulfilment(world.deps)(PO);
    world.clock.set(WINDOW_START + 0.95 * WINDOW_MS);

    // Act
    await remind();
    await remind();

    // Assess
    expect(noticeTypes()).toEqual([`${DETAIL_TYPE.shipWindowEscalation} escalation`]);
    // Recorded as handled, so no late reminder follows the escalation.
    expect((await world.fulfilments.get(PO))?.remindersSent).toEqual([
      'escalation',
      'reminder@0.5',
      'reminder@0.75',
    ]);
  });

  it('stops reminding once a shipment is registered for the PO', async () => {
    // Prepare
    const { world, remind, noticeTypes } = setup('2026-11-27T07:00:00Z');
    await makeTrackFulfilment(world.deps)(PO);
    world.clock.set(WINDOW_START + 0.55 * WINDOW_MS);
    await remind();
    const importFile = makeImportShipmentFile({
      read: async () => csv(world.clock.now().toISOString()),
      register: makeRegisterShipments(world.deps),
      events: world.deps.events,
    });
    await importFile('shipments/WH-1.csv');

    // Act
    world.clock.set(WINDOW_START + 0.95 * WINDOW_MS);
    await remind();

    // Assess
    expect(noticeTypes()).toEqual([`${DETAIL_TYPE.shipWindowReminder} reminder@0.5`]);
    expect(await world.fulfilments.get(PO)).toMatchObject({ state: 'partial' });
  });

  it('reminds and then escalates at the ASN deadline while a shipment has no ASN, and stops once it is sent', async () => {
    // Prepare: the module is off, so the confirmation is held; the truck left at 14:00 (ASN due 14:30).
    const { world, remind, noticeTypes } = setup('2026-11-30T14:00:00Z');
    world.state.mode = 'off';
    const importFile = makeImportShipmentFile({
      read: async () => csv('2026-11-30T14:00:00Z'),
      register: makeRegisterShipments(world.deps),
      events: world.deps.events,
    });
    await importFile('shipments/WH-1.csv');
    const followUp = makeFollowUpShipments({ ...world.deps, transactions: world.transactions });
    const seen: string[][] = [];

    // Act
    for (const minute of [10, 15, 29, 30]) {
      world.clock.set(Date.parse('2026-11-30T14:00:00Z') + minute * 60_000);
      const before = noticeTypes().length;
      await remind();
      seen.push(noticeTypes().slice(before));
    }
    world.state.mode = 'live';
    await followUp();
    world.clock.advance(3 * HOUR);
    await remind();

    // Assess
    expect(seen).toEqual([
      [],
      [`${DETAIL_TYPE.asnDeadlineReminder} reminder@0.5`],
      [],
      [`${DETAIL_TYPE.asnDeadlineEscalation} escalation`],
    ]);
    expect(noticeTypes()).toHaveLength(2);
    const escalation = world.events.published.find((e) => e.detailType === DETAIL_TYPE.asnDeadlineEscalation);
    expect(escalation?.detail).toMatchObject({
      shipmentId: 'WH-1',
      state: 'held',
      asnDeadline: '2026-11-30T14:30:00.000Z',
      purchaseOrderNumbers: [PO],
      minutesLeft: 0,
    });
    expect(await world.shipments.get('ACMEDE', 'WH-1')).toMatchObject({ state: 'submitted' });
  });

  it('escalates at once a file that arrives after its ASN deadline', async () => {
    // Prepare: the truck left two hours ago; the file lands now, with shipments off.
    const { world, remind, noticeTypes } = setup('2026-11-30T16:00:00Z');
    world.state.mode = 'off';
    await makeImportShipmentFile({
      read: async () => csv('2026-11-30T14:00:00Z'),
      register: makeRegisterShipments(world.deps),
      events: world.deps.events,
    })('shipments/WH-1.csv');

    // Act
    await remind();

    // Assess
    expect(noticeTypes()).toEqual([`${DETAIL_TYPE.asnDeadlineEscalation} escalation`]);
  });
});
