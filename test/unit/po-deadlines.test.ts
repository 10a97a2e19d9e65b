import { describe, expect, it } from 'vitest';
import {
  acknowledgementDeadline,
  acknowledgementReminders,
  correctionDeadline,
  deliveryWindow,
  dueNotices,
  formatInstant,
  parseDateTimeInterval,
  reminderSchedule,
  type ScheduledNotice,
  shipWindowEnd,
  shipWindowReminders,
} from '#shared/domain/purchase-orders/deadlines.ts';
import { InvalidDateTimeError, InvalidReminderPlanError } from '#shared/domain/purchase-orders/errors.ts';
import { type PurchaseOrder, purchaseOrderSchema } from '#shared/sp-api/schemas/orders.ts';
import { spApiFixture } from '../support/fixtures.ts';

const HOUR = 3_600_000;
const fixturePo = (): PurchaseOrder => purchaseOrderSchema.parse(spApiFixture('purchase-order'));
const iso = (notices: readonly ScheduledNotice[]) => notices.map((n) => [n.id, n.at.toISOString()]);

describe('acknowledgement deadlines', () => {
  it('is due 24 hours after the PO date unless the vendor agreed other hours', () => {
    // Act / Assess
    expect(acknowledgementDeadline('2026-11-23T09:41:00Z').toISOString()).toBe('2026-11-24T09:41:00.000Z');
    expect(acknowledgementDeadline('2026-11-23T10:41:00+01:00', 12).toISOString()).toBe(
      '2026-11-23T21:41:00.000Z',
    );
    expect(correctionDeadline(new Date('2026-11-23T09:41:00Z')).toISOString()).toBe(
      '2026-11-25T09:41:00.000Z',
    );
  });

  it('refuses a PO date without a zone', () => {
    // Act / Assess
    expect(() => acknowledgementDeadline('2026-11-23T09:41:00')).toThrow(InvalidDateTimeError);
  });
});

describe('PO windows', () => {
  it('reads Amazon’s `start--end` interval and the standard `start/end`', () => {
    // Act
    const amazon = parseDateTimeInterval('2026-11-30T07:00:00Z--2026-12-04T07:00:00Z');
    const standard = parseDateTimeInterval('2026-11-30T07:00:00-05:00/2026-12-04T07:00:00-05:00');

    // Assess
    expect(amazon.end.toISOString()).toBe('2026-12-04T07:00:00.000Z');
    expect(standard.start.toISOString()).toBe('2026-11-30T12:00:00.000Z');
  });

  it('reads offsets with dashes inside the `--` form', () => {
    // Act
    const window = parseDateTimeInterval('2026-11-30T07:00:00-08:00--2026-12-04T07:00:00-08:00');

    // Assess
    expect(window.end.toISOString()).toBe('2026-12-04T15:00:00.000Z');
  });

  it.each([
    ['2026-11-30T07:00:00Z', 'is not an interval'],
    ['2026-11-30T07:00:00Z--tomorrow', 'window end'],
    ['2026-12-04T07:00:00Z--2026-11-30T07:00:00Z', 'ends before it starts'],
    ['2026-11-30--2026-12-04', 'window start'],
  ])('refuses %s', (text, message) => {
    // Act / Assess
    expect(() => parseDateTimeInterval(text)).toThrow(InvalidDateTimeError);
    expect(() => parseDateTimeInterval(text)).toThrow(message);
  });

  it('gives the ship window end of a PO, and nothing when the PO has a delivery window instead', () => {
    // Prepare
    const delivery = fixturePo();
    const ship = fixturePo();
    ship.orderDetails!.shipWindow = '2026-11-25T07:00:00Z--2026-11-28T07:00:00Z';

    // Act / Assess
    expect(shipWindowEnd(delivery)).toBeUndefined();
    expect(deliveryWindow(delivery)?.start.toISOString()).toBe('2026-11-30T07:00:00.000Z');
    expect(shipWindowEnd(ship)?.toISOString()).toBe('2026-11-28T07:00:00.000Z');
  });

  it('prints instants at whole seconds, as Amazon does', () => {
    // Act / Assess
    expect(formatInstant(new Date('2026-11-23T14:02:11.987Z'))).toBe('2026-11-23T14:02:11Z');
    expect(formatInstant(Date.parse('2026-11-23T14:02:11Z'))).toBe('2026-11-23T14:02:11Z');
  });
});

describe('reminder schedules', () => {
  const start = new Date('2026-11-23T00:00:00Z');
  const deadline = new Date('2026-11-24T00:00:00Z');

  it('places reminders at fractions of the time and the escalation at its fraction', () => {
    // Act
    const schedule = reminderSchedule(start, deadline, {
      reminders: [0.75, 0.5, 0.5],
      escalation: { atFraction: 0.9 },
    });

    // Assess
    expect(iso(schedule)).toEqual([
      ['reminder@0.5', '2026-11-23T12:00:00.000Z'],
      ['reminder@0.75', '2026-11-23T18:00:00.000Z'],
      ['escalation', '2026-11-23T21:36:00.000Z'],
    ]);
  });

  it('places the escalation a number of minutes before the deadline, never before the start', () => {
    // Act
    const before = reminderSchedule(start, deadline, { reminders: [], escalation: { minutesBefore: 30 } });
    const tooEarly = reminderSchedule(start, deadline, {
      reminders: [],
      escalation: { minutesBefore: 3000 },
    });

    // Assess
    expect(iso(before)).toEqual([['escalation', '2026-11-23T23:30:00.000Z']]);
    expect(iso(tooEarly)).toEqual([['escalation', '2026-11-23T00:00:00.000Z']]);
  });

  it.each([
    [{ reminders: [0] }, 'reminders[0]'],
    [{ reminders: [0.5, 1] }, 'reminders[1]'],
    [{ reminders: [Number.NaN] }, 'reminders[0]'],
    [{ reminders: [], escalation: { atFraction: 1.5 } }, 'escalation.atFraction'],
    [{ reminders: [], escalation: { minutesBefore: -5 } }, 'escalation.minutesBefore'],
  ])('refuses the plan %j', (plan, path) => {
    // Act / Assess
    expect(() => reminderSchedule(start, deadline, plan)).toThrow(InvalidReminderPlanError);
    expect(() => reminderSchedule(start, deadline, plan)).toThrow(path);
  });

  it('refuses a deadline that is not after the start', () => {
    // Act / Assess
    expect(() => reminderSchedule(deadline, start, { reminders: [0.5] })).toThrow(
      'the deadline must be after the start',
    );
  });

  it('schedules a PO’s acknowledgement reminders from its date, and its ship-window reminders', () => {
    // Prepare
    const order = fixturePo();

    // Act
    const ack = acknowledgementReminders(order, { deadlineHours: 24 });
    order.orderDetails!.shipWindow = '2026-11-25T00:00:00Z--2026-11-29T00:00:00Z';
    const ship = shipWindowReminders(order, { reminders: [0.5], escalation: { minutesBefore: 24 * 60 } });

    // Assess
    expect(ack.deadline.toISOString()).toBe('2026-11-24T09:41:00.000Z');
    expect(iso(ack.schedule)).toEqual([
      ['reminder@0.5', '2026-11-23T21:41:00.000Z'],
      ['reminder@0.75', '2026-11-24T03:41:00.000Z'],
      ['escalation', '2026-11-24T07:17:00.000Z'],
    ]);
    expect(iso(ship!.schedule)).toEqual([
      ['reminder@0.5', '2026-11-27T00:00:00.000Z'],
      ['escalation', '2026-11-28T00:00:00.000Z'],
    ]);
  });
});

describe('which reminders are due', () => {
  const start = new Date('2026-11-23T00:00:00Z');
  const schedule = reminderSchedule(start, new Date(start.getTime() + 24 * HOUR), {
    reminders: [0.5, 0.75],
    escalation: { atFraction: 0.9 },
  });
  const at = (hours: number) => new Date(start.getTime() + hours * HOUR);
  const ids = (notices: readonly ScheduledNotice[]) => notices.map((n) => n.id);

  it('sends nothing before the first reminder, then each reminder once', () => {
    // Act
    const early = dueNotices(schedule, at(11.9), []);
    const half = dueNotices(schedule, at(12), []);
    const halfAgain = dueNotices(schedule, at(13), ['reminder@0.5']);

    // Assess
    expect(ids(early.send)).toEqual([]);
    expect(ids(half.send)).toEqual(['reminder@0.5']);
    expect(ids(halfAgain.send)).toEqual([]);
  });

  it('sends only the latest reminder after an outage, marking the earlier one superseded', () => {
    // Act
    const due = dueNotices(schedule, at(20), []);

    // Assess
    expect(ids(due.send)).toEqual(['reminder@0.75']);
    expect(ids(due.superseded)).toEqual(['reminder@0.5']);
  });

  it('sends the escalation, and no stale reminder, once it is due — also after the deadline', () => {
    // Act
    const due = dueNotices(schedule, at(22), ['reminder@0.5']);
    const late = dueNotices(schedule, at(30), []);
    const done = dueNotices(schedule, at(30), ['reminder@0.5', 'reminder@0.75', 'escalation']);

    // Assess
    expect(ids(due.send)).toEqual(['escalation']);
    expect(ids(due.superseded)).toEqual(['reminder@0.75']);
    expect(ids(late.send)).toEqual(['escalation']);
    expect(done).toEqual({ send: [], superseded: [] });
  });

  it('sends every notice exactly once when checked every ten minutes through the day', () => {
    // Act
    const sent: string[] = [];
    for (let minute = 0; minute <= 30 * 60; minute += 10) {
      const due = dueNotices(schedule, at(minute / 60), sent);
      sent.push(...ids(due.send), ...ids(due.superseded));
    }

    // Assess
    expect(sent).toEqual(['reminder@0.5', 'reminder@0.75', 'escalation']);
  });
});
