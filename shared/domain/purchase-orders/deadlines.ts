/**
 * Purchase-order deadlines and the reminders that lead up to them. Pure: every function is given
 * the time it needs (ARCHITECTURE rule 10), so a test can walk through 48 hours in a loop.
 *
 * Amazon expects an acknowledgement within 24 hours of the PO (some vendors agree other hours),
 * accepts quantity and cost corrections for 48 hours, and after that only new dates
 * (notes/domain.md 1.3). A PO's ship or delivery window is an ISO-8601 interval `start--end`.
 */
import type { PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import { InvalidDateTimeError, InvalidReminderPlanError } from './errors.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** Hours after the PO date within which Amazon expects the acknowledgement, unless the vendor agreed otherwise. */
export const DEFAULT_ACKNOWLEDGEMENT_HOURS = 24;
/** Hours after the PO date within which quantities and costs may still be corrected. */
export const CORRECTION_WINDOW_HOURS = 48;

const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Reads an ISO-8601 date-time with a zone (`2026-11-30T07:00:00Z`). Throws InvalidDateTimeError. */
export function parseDateTime(text: string, what = 'date-time'): Date {
  const ms = ZONED.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidDateTimeError(`The ${what} "${text}" is not an ISO-8601 date-time with a zone`, [
      { path: what, message: 'expected a date-time such as 2026-11-30T07:00:00Z' },
    ]);
  }
  return new Date(ms);
}

/**
 * An instant as Amazon writes it: ISO-8601 UTC at whole seconds (`2026-12-07T09:00:00Z`). Sub-second
 * parts are dropped, so the same moment always prints the same text.
 */
export function formatInstant(at: Date | number): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function toDate(value: string | Date, what: string): Date {
  return typeof value === 'string' ? parseDateTime(value, what) : value;
}

/** When the acknowledgement is due: the PO date plus the vendor's hours (24 by default). */
export function acknowledgementDeadline(
  purchaseOrderDate: string | Date,
  hours = DEFAULT_ACKNOWLEDGEMENT_HOURS,
): Date {
  return new Date(toDate(purchaseOrderDate, 'purchaseOrderDate').getTime() + hours * HOUR_MS);
}

/** Until when quantities and costs may be corrected (48 h after the PO); after it only dates. */
export function correctionDeadline(purchaseOrderDate: string | Date, hours = CORRECTION_WINDOW_HOURS): Date {
  return new Date(toDate(purchaseOrderDate, 'purchaseOrderDate').getTime() + hours * HOUR_MS);
}

/** A closed time interval. */
export interface DateTimeInterval {
  readonly start: Date;
  readonly end: Date;
}

/**
 * Reads an ISO-8601 interval of two date-times, in Amazon's form `start--end` or the standard
 * `start/end`. The end must be after the start. Throws InvalidDateTimeError.
 */
export function parseDateTimeInterval(text: string, what = 'window'): DateTimeInterval {
  const parts = text.includes('--') ? text.split('--') : text.split('/');
  if (parts.length !== 2) {
    throw new InvalidDateTimeError(`The ${what} "${text}" is not an interval "start--end"`, [
      { path: what, message: 'expected "start--end", e.g. 2026-11-30T07:00:00Z--2026-12-04T07:00:00Z' },
    ]);
  }
  const start = parseDateTime(parts[0]!.trim(), `${what} start`);
  const end = parseDateTime(parts[1]!.trim(), `${what} end`);
  if (end.getTime() <= start.getTime()) {
    throw new InvalidDateTimeError(`The ${what} "${text}" ends before it starts`, [
      { path: what, message: 'the end must be after the start' },
    ]);
  }
  return { start, end };
}

/** The PO's ship window (collect freight: Amazon picks up), if it has one. */
export function shipWindow(order: PurchaseOrder): DateTimeInterval | undefined {
  const text = order.orderDetails?.shipWindow;
  return text === undefined ? undefined : parseDateTimeInterval(text, 'shipWindow');
}

/** The PO's delivery window (prepaid freight: the vendor delivers), if it has one. */
export function deliveryWindow(order: PurchaseOrder): DateTimeInterval | undefined {
  const text = order.orderDetails?.deliveryWindow;
  return text === undefined ? undefined : parseDateTimeInterval(text, 'deliveryWindow');
}

/** The last moment the PO may ship, from its ship window. */
export function shipWindowEnd(order: PurchaseOrder): Date | undefined {
  return shipWindow(order)?.end;
}

/** When to remind people before a deadline, and when to escalate. */
export interface ReminderPlan {
  /** Fractions of the time from start to deadline, each in (0, 1): `[0.5, 0.75]`. */
  readonly reminders: readonly number[];
  /** Escalate at a fraction in (0, 1] of the time, or a number of minutes before the deadline. */
  readonly escalation?: { readonly atFraction: number } | { readonly minutesBefore: number };
}

/** The default plan: remind at half and three quarters of the time, escalate at 90 %. */
export const DEFAULT_REMINDER_PLAN: ReminderPlan = {
  reminders: [0.5, 0.75],
  escalation: { atFraction: 0.9 },
};

/** One notice to send at a time. The id is stable for a plan, so "already sent" can be recorded. */
export interface ScheduledNotice {
  /** `reminder@0.5`, `escalation`. */
  readonly id: string;
  readonly kind: 'reminder' | 'escalation';
  readonly at: Date;
}

function invalidPlan(message: string, path: string): InvalidReminderPlanError {
  return new InvalidReminderPlanError(`Invalid reminder plan: ${path}: ${message}`, [{ path, message }]);
}

/**
 * The notices of a plan between `start` (e.g. the PO date) and `deadline`, in time order. An
 * escalation more minutes before the deadline than the whole span is due at `start`.
 */
export function reminderSchedule(start: Date, deadline: Date, plan: ReminderPlan): ScheduledNotice[] {
  const from = start.getTime();
  const span = deadline.getTime() - from;
  if (!(span > 0)) throw invalidPlan('the deadline must be after the start', 'deadline');
  const notices: ScheduledNotice[] = [];
  const seen = new Set<number>();
  plan.reminders.forEach((fraction, i) => {
    if (!(fraction > 0 && fraction < 1)) {
      throw invalidPlan(`${fraction} is not a fraction between 0 and 1`, `reminders[${i}]`);
    }
    if (seen.has(fraction)) return;
    seen.add(fraction);
    notices.push({
      id: `reminder@${fraction}`,
      kind: 'reminder',
      at: new Date(from + Math.round(fraction * span)),
    });
  });
  const escalation = plan.escalation;
  if (escalation) {
    let at: number;
    if ('atFraction' in escalation) {
      const f = escalation.atFraction;
      if (!(f > 0 && f <= 1)) throw invalidPlan(`${f} is not a fraction in (0, 1]`, 'escalation.atFraction');
      at = from + Math.round(f * span);
    } else {
      const minutes = escalation.minutesBefore;
      if (!(Number.isFinite(minutes) && minutes >= 0)) {
        throw invalidPlan(`${minutes} is not a number of minutes ≥ 0`, 'escalation.minutesBefore');
      }
      at = Math.max(from, deadline.getTime() - minutes * MINUTE_MS);
    }
    notices.push({ id: 'escalation', kind: 'escalation', at: new Date(at) });
  }
  const rank = (n: ScheduledNotice) => (n.kind === 'escalation' ? 1 : 0);
  return notices.sort((a, b) => a.at.getTime() - b.at.getTime() || rank(a) - rank(b));
}

/** What to send now, and what is no longer worth sending. */
export interface DueNotices {
  /** At most one reminder (the latest due) and the escalation when it is due. */
  readonly send: ScheduledNotice[];
  /**
   * Due but unsent notices that a later notice makes pointless (after an outage, only the latest
   * reminder goes out); record them as handled.
   */
  readonly superseded: ScheduledNotice[];
}

/**
 * Which notices are due at `now`, given the ids already sent. Only the latest due reminder is sent;
 * earlier unsent ones are superseded, and all unsent reminders are superseded once the escalation
 * is due. Nothing is ever due twice.
 */
export function dueNotices(
  schedule: readonly ScheduledNotice[],
  now: Date,
  sent: Iterable<string>,
): DueNotices {
  const done = new Set(sent);
  const t = now.getTime();
  const due = schedule.filter((n) => n.at.getTime() <= t);
  const escalation = due.find((n) => n.kind === 'escalation');
  const reminders = due.filter((n) => n.kind === 'reminder');
  const latest = escalation ? undefined : reminders.at(-1);
  const send: ScheduledNotice[] = [];
  const superseded: ScheduledNotice[] = [];
  for (const notice of reminders) {
    if (done.has(notice.id)) continue;
    (notice === latest ? send : superseded).push(notice);
  }
  if (escalation && !done.has(escalation.id)) send.push(escalation);
  return { send, superseded };
}

/** The acknowledgement deadline of a PO and its reminder schedule from the PO date. */
export function acknowledgementReminders(
  order: PurchaseOrder,
  opts: { readonly deadlineHours?: number; readonly plan?: ReminderPlan } = {},
): { deadline: Date; schedule: ScheduledNotice[] } {
  const poDate = order.orderDetails?.purchaseOrderDate;
  if (poDate === undefined) {
    throw new InvalidDateTimeError(`PO ${order.purchaseOrderNumber} has no purchaseOrderDate`, [
      { path: 'orderDetails.purchaseOrderDate', message: 'missing' },
    ]);
  }
  const start = parseDateTime(poDate, 'purchaseOrderDate');
  const deadline = acknowledgementDeadline(start, opts.deadlineHours);
  return { deadline, schedule: reminderSchedule(start, deadline, opts.plan ?? DEFAULT_REMINDER_PLAN) };
}

/** The ship-window reminders of a PO: from the window start to its end; undefined without a ship window. */
export function shipWindowReminders(
  order: PurchaseOrder,
  plan: ReminderPlan = DEFAULT_REMINDER_PLAN,
): { deadline: Date; schedule: ScheduledNotice[] } | undefined {
  const window = shipWindow(order);
  if (!window) return undefined;
  return { deadline: window.end, schedule: reminderSchedule(window.start, window.end, plan) };
}
