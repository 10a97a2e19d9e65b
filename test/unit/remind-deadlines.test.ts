import { describe, expect, it } from 'vitest';
import type { ReminderPlan } from '#shared/domain/purchase-orders/deadlines.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '#shared/events.ts';
import { makeAcknowledgePurchaseOrder } from '#shared/use-cases/purchase-orders/acknowledge-purchase-order.ts';
import { makeRemindAcknowledgementDeadlines } from '#shared/use-cases/purchase-orders/remind-deadlines.ts';
import {
  type AcknowledgementWorld,
  makeAcknowledgementWorld,
  PAN_EAN,
  PO_DATE,
  purchaseOrder,
  UNKNOWN_EAN,
} from '../support/acknowledgement-fakes.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const PO = 'REVIEW01';
const PO_MS = Date.parse(PO_DATE);
const DEADLINE = '2026-12-02T08:00:00.000Z';

/** A notice as the check announced it, with the clock time of the run that announced it. */
interface Announced {
  readonly at: string;
  readonly detailType: string;
  readonly notice: unknown;
  readonly po: unknown;
}

/** A world with one PO in review (an unknown product), decided right at its PO date. */
async function worldWithReview(reminders?: ReminderPlan): Promise<AcknowledgementWorld> {
  const world = makeAcknowledgementWorld({ now: PO_DATE, ...(reminders ? { reminders } : {}) });
  world.orders.add(purchaseOrder({ number: PO, lines: [{ ean: UNKNOWN_EAN, quantity: 5 }] }));
  await makeAcknowledgePurchaseOrder(world.deps)(PO);
  world.events.published.length = 0;
  return world;
}

/** Runs the check every `stepMs` from now until `untilMs`, collecting what each run announced. */
async function walk(
  world: AcknowledgementWorld,
  untilMs: number,
  stepMs: number,
  between?: (nowMs: number) => Promise<void>,
): Promise<Announced[]> {
  const remind = makeRemindAcknowledgementDeadlines(world.deps);
  const announced: Announced[] = [];
  while (world.clock.now().getTime() <= untilMs) {
    await between?.(world.clock.now().getTime());
    const before = world.events.published.length;
    await remind();
    for (const event of world.events.published.slice(before)) {
      announced.push({
        at: world.clock.now().toISOString(),
        detailType: event.detailType,
        notice: event.detail.notice,
        po: event.detail.purchaseOrderNumber,
      });
    }
    world.clock.advance(stepMs);
  }
  return announced;
}

describe('acknowledgement deadline reminders', () => {
  it('announces each configured reminder exactly once at its fraction, then the escalation before the deadline, and nothing after', async () => {
    // Prepare: the default plan, reminders at 50 % and 75 %, escalation at 90 % of 24 hours
    const world = await worldWithReview();
    // Act: a check every five minutes from the PO date to six hours past the deadline
    const announced = await walk(world, PO_MS + 30 * HOUR, 5 * MINUTE);
    // Assess
    expect(announced).toEqual([
      {
        at: '2026-12-01T20:00:00.000Z',
        detailType: DETAIL_TYPE.acknowledgementDeadlineReminder,
        notice: 'reminder@0.5',
        po: PO,
      },
      {
        at: '2026-12-02T02:00:00.000Z',
        detailType: DETAIL_TYPE.acknowledgementDeadlineReminder,
        notice: 'reminder@0.75',
        po: PO,
      },
      {
        at: '2026-12-02T05:40:00.000Z',
        detailType: DETAIL_TYPE.acknowledgementDeadlineEscalation,
        notice: 'escalation',
        po: PO,
      },
    ]);
    expect(Date.parse(announced.at(-1)!.at)).toBeLessThan(Date.parse(DEADLINE));
    expect(world.acknowledgements.record(PO).remindersSent).toEqual([
      'reminder@0.5',
      'reminder@0.75',
      'escalation',
    ]);
  });

  it('carries what a person needs in the event: state, deadline, when it was due and the minutes left', async () => {
    const world = await worldWithReview();
    world.clock.set(PO_MS + 12 * HOUR + 7 * MINUTE);
    await makeRemindAcknowledgementDeadlines(world.deps)();
    expect(world.events.published).toEqual([
      {
        source: EVENT_SOURCE.purchaseOrders,
        detailType: DETAIL_TYPE.acknowledgementDeadlineReminder,
        detail: {
          purchaseOrderNumber: PO,
          vendorCode: 'ACMEDE',
          state: 'review',
          deadline: DEADLINE,
          notice: 'reminder@0.5',
          dueAt: '2026-12-01T20:00:00.000Z',
          minutesLeft: 11 * 60 + 53,
        },
      },
    ]);
  });

  it('honours a configured plan: three reminders and an escalation a fixed number of minutes before', async () => {
    // Prepare
    const world = await worldWithReview({ reminders: [0.25, 0.5, 0.8], escalation: { minutesBefore: 90 } });
    // Act
    const announced = await walk(world, PO_MS + 26 * HOUR, 10 * MINUTE);
    // Assess
    expect(announced.map((a) => [a.notice, a.at])).toEqual([
      ['reminder@0.25', '2026-12-01T14:00:00.000Z'],
      ['reminder@0.5', '2026-12-01T20:00:00.000Z'],
      ['reminder@0.8', '2026-12-02T03:20:00.000Z'],
      ['escalation', '2026-12-02T06:30:00.000Z'],
    ]);
  });

  it('after an outage sends only the latest due reminder, and never the superseded ones later', async () => {
    // Prepare: nothing ran until 19 hours after the PO date
    const world = await worldWithReview();
    world.clock.set(PO_MS + 19 * HOUR);
    // Act
    const announced = await walk(world, PO_MS + 25 * HOUR, 15 * MINUTE);
    // Assess
    expect(announced.map((a) => a.notice)).toEqual(['reminder@0.75', 'escalation']);
    expect(world.acknowledgements.record(PO).remindersSent).toEqual(
      expect.arrayContaining(['reminder@0.5', 'reminder@0.75', 'escalation']),
    );
  });

  it('announces nothing more once the acknowledgement has left the open states', async () => {
    // Prepare: the PO is acknowledged (submitted) 13 hours in, after the first reminder
    const world = await worldWithReview();
    // Act
    const announced = await walk(world, PO_MS + 30 * HOUR, 5 * MINUTE, async (nowMs) => {
      if (nowMs === PO_MS + 13 * HOUR) {
        world.acknowledgements.change(PO, { state: 'submitted', updatedAt: new Date(nowMs).toISOString() });
      }
    });
    // Assess
    expect(announced.map((a) => a.notice)).toEqual(['reminder@0.5']);
  });

  it('keeps reminding about an acknowledgement Amazon rejected: it still needs a person before the deadline', async () => {
    const world = makeAcknowledgementWorld({ now: PO_DATE });
    world.orders.add(purchaseOrder({ number: 'REJECTED', lines: [{ ean: PAN_EAN, quantity: 5 }] }));
    await makeAcknowledgePurchaseOrder(world.deps)('REJECTED');
    world.acknowledgements.change('REJECTED', { state: 'rejected' });
    const announced = await walk(world, PO_MS + 24 * HOUR, 30 * MINUTE);
    expect(announced.map((a) => a.notice)).toEqual(['reminder@0.5', 'reminder@0.75', 'escalation']);
  });

  it('reads the due index of each configured vendor code, 72 hours ahead', async () => {
    const world = await worldWithReview();
    await makeRemindAcknowledgementDeadlines(world.deps)();
    expect(world.acknowledgements.dueQueries).toEqual([
      { vendorCode: 'ACMEDE', until: '2026-12-04T08:00:00.000Z', limit: 500 },
    ]);
  });
});
