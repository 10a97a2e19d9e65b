import { InvalidScheduleExpressionError } from './errors.ts';

/**
 * EventBridge Scheduler expressions, evaluated in UTC:
 * - `rate(value unit)`: unit `minute|minutes|hour|hours|day|days`, singular exactly when value is 1;
 * - `cron(minutes hours day-of-month month day-of-week year)` with `, - * ? /`, `L`, `W`, `LW`, `#`,
 *   month names `JAN`–`DEC` and day names `SUN`–`SAT` (day-of-week 1 = Sunday); one of
 *   day-of-month and day-of-week must be `?`;
 * - `at(yyyy-mm-ddThh:mm:ss)`: once.
 */
export type ScheduleExpression =
  | { kind: 'rate'; intervalMs: number }
  | { kind: 'cron'; cron: CronSpec }
  | { kind: 'at'; at: number };

const MINUTE = 60_000;
const UNIT_MS: Record<string, number> = { minute: MINUTE, hour: 60 * MINUTE, day: 24 * 60 * MINUTE };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
/** How far ahead `nextCronTime` looks before deciding that a cron never fires again. */
const CRON_HORIZON_DAYS = 366 * 8;

interface CronSpec {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  months: ReadonlySet<number>;
  years: ReadonlySet<number> | 'any';
  dayOfMonth: DayOfMonthSpec | 'any';
  dayOfWeek: DayOfWeekSpec | 'any';
}
interface DayOfMonthSpec {
  days: ReadonlySet<number>;
  last: boolean;
  lastWeekday: boolean;
  nearestWeekday: readonly number[];
}
interface DayOfWeekSpec {
  days: ReadonlySet<number>;
  lastOf: readonly number[];
  nth: readonly { day: number; n: number }[];
}

/** Parses a schedule expression or throws InvalidScheduleExpressionError. */
export function parseScheduleExpression(expression: string): ScheduleExpression {
  const text = expression.trim();
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(text);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2]!;
    const plural = unit.endsWith('s');
    if (value < 1) invalid(expression, 'the rate value must be a positive integer');
    if (plural !== value > 1) invalid(expression, 'use the singular unit for 1 and the plural otherwise');
    return { kind: 'rate', intervalMs: value * UNIT_MS[plural ? unit.slice(0, -1) : unit]! };
  }
  const at = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(text);
  if (at) {
    const time = Date.parse(`${at[1]}Z`);
    if (Number.isNaN(time)) invalid(expression, 'not a valid date and time');
    return { kind: 'at', at: time };
  }
  const cron = /^cron\((.+)\)$/.exec(text);
  if (cron) return { kind: 'cron', cron: parseCron(cron[1]!, expression) };
  return invalid(expression, 'expected rate(...), cron(...) or at(...)');
}

/**
 * The first time strictly after `after` (ms since epoch) at which the schedule fires, or
 * undefined when it never fires again.
 */
export function nextFireTime(
  schedule: ScheduleExpression,
  after: number,
  anchor = after,
): number | undefined {
  switch (schedule.kind) {
    case 'rate': {
      const periods = Math.floor((after - anchor) / schedule.intervalMs) + 1;
      return anchor + Math.max(1, periods) * schedule.intervalMs;
    }
    case 'at':
      return schedule.at > after ? schedule.at : undefined;
    case 'cron':
      return nextCronTime(schedule.cron, after);
  }
}

function nextCronTime(spec: CronSpec, after: number): number | undefined {
  const start = Math.floor(after / MINUTE) * MINUTE + MINUTE;
  const startDate = new Date(start);
  const firstDay = Date.UTC(startDate.getUTCFullYear(), startDate.getUTCMonth(), startDate.getUTCDate());
  const hours = [...spec.hours].sort((a, b) => a - b);
  const minutes = [...spec.minutes].sort((a, b) => a - b);
  for (let d = 0; d < CRON_HORIZON_DAYS; d++) {
    const dayStart = firstDay + d * 24 * 60 * MINUTE;
    const day = new Date(dayStart);
    if (!dayMatches(spec, day)) continue;
    for (const h of hours) {
      for (const m of minutes) {
        const t = dayStart + (h * 60 + m) * MINUTE;
        if (t >= start) return t;
      }
    }
  }
  return undefined;
}

function dayMatches(spec: CronSpec, day: Date): boolean {
  const year = day.getUTCFullYear();
  const month = day.getUTCMonth() + 1;
  if (spec.years !== 'any' && !spec.years.has(year)) return false;
  if (!spec.months.has(month)) return false;
  const date = day.getUTCDate();
  const dow = day.getUTCDay() + 1;
  const lastDate = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (spec.dayOfMonth !== 'any') {
    const dom = spec.dayOfMonth;
    const ok =
      dom.days.has(date) ||
      (dom.last && date === lastDate) ||
      (dom.lastWeekday && date === nearestWeekday(year, month, lastDate, lastDate)) ||
      dom.nearestWeekday.some(
        (target) => date === nearestWeekday(year, month, Math.min(target, lastDate), lastDate),
      );
    if (!ok) return false;
  }
  if (spec.dayOfWeek !== 'any') {
    const dw = spec.dayOfWeek;
    const ok =
      dw.days.has(dow) ||
      dw.lastOf.some((d) => d === dow && date + 7 > lastDate) ||
      dw.nth.some(({ day: d, n }) => d === dow && Math.ceil(date / 7) === n);
    if (!ok) return false;
  }
  return true;
}

/** The weekday closest to `target` within the same month (the `W` of Quartz cron). */
function nearestWeekday(year: number, month: number, target: number, lastDate: number): number {
  const dow = new Date(Date.UTC(year, month - 1, target)).getUTCDay();
  if (dow === 6) return target === 1 ? 3 : target - 1;
  if (dow === 0) return target === lastDate ? target - 2 : target + 1;
  return target;
}

// --- parsing ----------------------------------------------------------------------------------

function parseCron(body: string, expression: string): CronSpec {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6)
    invalid(expression, 'cron takes six fields: minutes hours day-of-month month day-of-week year');
  const [min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) {
    invalid(expression, 'exactly one of day-of-month and day-of-week must be "?"');
  }
  return {
    minutes: parseSet(min, 0, 59, [], expression, 'minutes'),
    hours: parseSet(hour, 0, 23, [], expression, 'hours'),
    months: parseSet(month, 1, 12, MONTHS, expression, 'month'),
    years: year === '*' ? 'any' : parseSet(year, 1970, 2199, [], expression, 'year'),
    dayOfMonth: dom === '?' || dom === '*' ? 'any' : parseDayOfMonth(dom, expression),
    dayOfWeek: dow === '?' || dow === '*' ? 'any' : parseDayOfWeek(dow, expression),
  };
}

function parseDayOfMonth(field: string, expression: string): DayOfMonthSpec {
  const days = new Set<number>();
  const nearest: number[] = [];
  let last = false;
  let lastWeekday = false;
  for (const part of field.split(',')) {
    if (part === 'L') last = true;
    else if (part === 'LW') lastWeekday = true;
    else if (/^\d+W$/.test(part))
      nearest.push(toNumber(part.slice(0, -1), 1, 31, [], expression, 'day-of-month'));
    else for (const d of parseSet(part, 1, 31, [], expression, 'day-of-month')) days.add(d);
  }
  return { days, last, lastWeekday, nearestWeekday: nearest };
}

function parseDayOfWeek(field: string, expression: string): DayOfWeekSpec {
  const days = new Set<number>();
  const lastOf: number[] = [];
  const nth: { day: number; n: number }[] = [];
  for (const part of field.split(',')) {
    if (part === 'L') days.add(7);
    else if (/^\w+L$/.test(part))
      lastOf.push(toNumber(part.slice(0, -1), 1, 7, DAYS, expression, 'day-of-week'));
    else if (part.includes('#')) {
      const [d, n] = part.split('#');
      nth.push({
        day: toNumber(d ?? '', 1, 7, DAYS, expression, 'day-of-week'),
        n: toNumber(n ?? '', 1, 5, [], expression, 'day-of-week'),
      });
    } else for (const d of parseSet(part, 1, 7, DAYS, expression, 'day-of-week')) days.add(d);
  }
  return { days, lastOf, nth };
}

function parseSet(
  field: string,
  min: number,
  max: number,
  names: readonly string[],
  expression: string,
  what: string,
): Set<number> {
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const [rangeText, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : toNumber(stepText, 1, max, [], expression, what);
    let from: number;
    let to: number;
    if (rangeText === '*') {
      from = min;
      to = max;
    } else if (rangeText?.includes('-')) {
      const [a, b] = rangeText.split('-');
      from = toNumber(a ?? '', min, max, names, expression, what);
      to = toNumber(b ?? '', min, max, names, expression, what);
    } else {
      from = toNumber(rangeText ?? '', min, max, names, expression, what);
      to = stepText === undefined ? from : max;
    }
    // A range like FRI-MON wraps around the end of the field.
    const span = to >= from ? to - from : max - from + (to - min) + 1;
    for (let i = 0; i <= span; i += step) out.add(((from - min + i) % (max - min + 1)) + min);
  }
  return out;
}

function toNumber(
  text: string,
  min: number,
  max: number,
  names: readonly string[],
  expression: string,
  what: string,
): number {
  const named = names.indexOf(text.toUpperCase());
  const n = named >= 0 ? named + 1 : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    invalid(expression, `"${text}" is not a valid ${what} value`);
  return n;
}

function invalid(expression: string, message: string): never {
  throw new InvalidScheduleExpressionError(`Invalid schedule expression "${expression}": ${message}`, [
    { path: 'expression', message },
  ]);
}
