import { describe, expect, it } from 'vitest';
import { InvalidScheduleExpressionError } from '#local/runtime/errors.ts';
import { nextFireTime, parseScheduleExpression } from '#local/runtime/schedule-expression.ts';
import { type ClockWait, Scheduler } from '#local/runtime/scheduler.ts';
import { ManualClock } from '#shared/clock.ts';

const MINUTE = 60_000;

function next(expression: string, after: string): string | undefined {
  const t = nextFireTime(parseScheduleExpression(expression), Date.parse(after));
  return t === undefined ? undefined : new Date(t).toISOString();
}

/** A ClockWait on a ManualClock: resolves when the test advances the clock far enough. */
function manualWait(clock: ManualClock): ClockWait {
  return (ms, signal) =>
    new Promise((resolve) => {
      void clock.sleep(ms).then(resolve);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('parseScheduleExpression', () => {
  it('reads rates in minutes, hours and days', () => {
    expect(parseScheduleExpression('rate(15 minutes)')).toEqual({ kind: 'rate', intervalMs: 15 * MINUTE });
    expect(parseScheduleExpression('rate(1 hour)')).toEqual({ kind: 'rate', intervalMs: 60 * MINUTE });
    expect(parseScheduleExpression('rate(2 days)')).toEqual({
      kind: 'rate',
      intervalMs: 2 * 24 * 60 * MINUTE,
    });
  });

  it.each([
    'rate(1 minutes)',
    'rate(5 minute)',
    'rate(0 minutes)',
    'rate(5 weeks)',
    'cron(0 12 * * *)',
    'cron(0 12 * * MON *)',
    'cron(0 12 ? * ? *)',
    'cron(61 12 * * ? *)',
    'cron(0 12 ? * FUNDAY *)',
    'every 5 minutes',
  ])('rejects %s', (expression) => {
    expect(() => parseScheduleExpression(expression)).toThrow(InvalidScheduleExpressionError);
  });
});

describe('nextFireTime', () => {
  it('fires a daily cron at the next matching minute in UTC', () => {
    expect(next('cron(0 12 * * ? *)', '2026-11-29T13:00:00Z')).toBe('2026-11-30T12:00:00.000Z');
    expect(next('cron(0 12 * * ? *)', '2026-11-29T11:59:30Z')).toBe('2026-11-29T12:00:00.000Z');
  });

  it('fires strictly after the given time', () => {
    expect(next('cron(0 12 * * ? *)', '2026-11-29T12:00:00Z')).toBe('2026-11-30T12:00:00.000Z');
  });

  it('understands weekday ranges by name (Sunday is 1)', () => {
    // 2026-11-27 is a Friday.
    expect(next('cron(15 10 ? * MON-FRI *)', '2026-11-27T10:15:00Z')).toBe('2026-11-30T10:15:00.000Z');
    expect(next('cron(0 0 ? * 1 *)', '2026-11-27T00:00:00Z')).toBe('2026-11-29T00:00:00.000Z');
  });

  it('steps with / and lists with ,', () => {
    expect(next('cron(0/15 * * * ? *)', '2026-11-29T10:16:00Z')).toBe('2026-11-29T10:30:00.000Z');
    expect(next('cron(5,50 8 * * ? *)', '2026-11-29T08:06:00Z')).toBe('2026-11-29T08:50:00.000Z');
  });

  it('supports L, LW and W in day-of-month', () => {
    expect(next('cron(0 0 L * ? *)', '2026-02-01T00:00:00Z')).toBe('2026-02-28T00:00:00.000Z');
    // 2026-01-31 is a Saturday: the last weekday is Friday the 30th.
    expect(next('cron(0 0 LW * ? *)', '2026-01-01T00:00:00Z')).toBe('2026-01-30T00:00:00.000Z');
    // 2026-11-15 is a Sunday: the nearest weekday is Monday the 16th.
    expect(next('cron(0 0 15W * ? *)', '2026-11-01T00:00:00Z')).toBe('2026-11-16T00:00:00.000Z');
  });

  it('supports L and # in day-of-week', () => {
    // Last Friday of November 2026 is the 27th; first Monday of December is the 7th.
    expect(next('cron(0 9 ? * 6L *)', '2026-11-01T00:00:00Z')).toBe('2026-11-27T09:00:00.000Z');
    expect(next('cron(0 9 ? * 2#1 *)', '2026-12-01T00:00:00Z')).toBe('2026-12-07T09:00:00.000Z');
  });

  it('honours months by name and years, and ends when the years run out', () => {
    expect(next('cron(0 0 1 JAN ? 2027)', '2026-11-29T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('cron(0 0 1 JAN ? 2026)', '2026-11-29T00:00:00Z')).toBeUndefined();
  });

  it('fires a one-time at() schedule once', () => {
    expect(next('at(2026-12-01T10:00:00)', '2026-11-29T00:00:00Z')).toBe('2026-12-01T10:00:00.000Z');
    expect(next('at(2026-12-01T10:00:00)', '2026-12-02T00:00:00Z')).toBeUndefined();
  });
});

describe('Scheduler', () => {
  it('fires shortly after start and then every rate interval of clock time', async () => {
    const clock = new ManualClock('2026-11-29T00:00:00Z');
    const fired: string[] = [];
    const scheduler = new Scheduler({ clock, wait: manualWait(clock), startDelayMs: 1000 });
    scheduler.add({
      id: 'pull',
      expression: 'rate(15 minutes)',
      run: async () => fired.push(clock.now().toISOString()),
    });

    scheduler.start();
    await flush();
    expect(fired).toEqual([]);
    clock.advance(1000);
    await flush();
    clock.advance(15 * MINUTE);
    await flush();
    clock.advance(15 * MINUTE);
    await flush();

    expect(fired).toEqual([
      '2026-11-29T00:00:01.000Z',
      '2026-11-29T00:15:01.000Z',
      '2026-11-29T00:30:01.000Z',
    ]);
    await scheduler.stop();
  });

  it('waits for the first cron minute when fireOnStart is off', async () => {
    const clock = new ManualClock('2026-11-29T05:30:00Z');
    const fired: string[] = [];
    const scheduler = new Scheduler({ clock, wait: manualWait(clock), fireOnStart: false });
    scheduler.add({
      id: 'daily',
      expression: 'cron(0 6 * * ? *)',
      run: async () => fired.push(clock.now().toISOString()),
    });

    scheduler.start();
    await flush();
    clock.advance(29 * MINUTE);
    await flush();
    expect(fired).toEqual([]);
    clock.advance(MINUTE);
    await flush();

    expect(fired).toEqual(['2026-11-29T06:00:00.000Z']);
    expect(scheduler.status()[0]?.nextFireAt).toBe('2026-11-30T06:00:00.000Z');
    await scheduler.stop();
  });

  it('skips a fire that comes due while the previous run is still in progress', async () => {
    const clock = new ManualClock('2026-11-29T00:00:00Z');
    const gate = deferred();
    let runs = 0;
    const scheduler = new Scheduler({ clock, wait: manualWait(clock), startDelayMs: 0 });
    scheduler.add({
      id: 'slow',
      expression: 'rate(1 minute)',
      run: async () => {
        runs++;
        if (runs === 1) await gate.promise;
      },
    });

    scheduler.start();
    await flush();
    clock.advance(MINUTE);
    await flush();
    expect(runs).toBe(1);
    expect(scheduler.status()[0]).toMatchObject({ running: true, skipped: 1 });

    gate.resolve();
    await flush();
    clock.advance(MINUTE);
    await flush();
    expect(runs).toBe(2);
    await scheduler.stop();
  });

  it('fireNow runs after the run in progress and reports the outcome', async () => {
    const clock = new ManualClock('2026-11-29T00:00:00Z');
    const gate = deferred();
    const order: string[] = [];
    const scheduler = new Scheduler({ clock, wait: manualWait(clock), startDelayMs: 0 });
    scheduler.add({
      id: 'job',
      expression: 'rate(1 hour)',
      run: async () => {
        order.push('start');
        if (order.length === 1) await gate.promise;
        order.push('end');
        return { ok: true };
      },
    });
    scheduler.start();
    await flush();

    const now = scheduler.fireNow('job');
    await flush();
    expect(order).toEqual(['start']);
    gate.resolve();
    const outcome = await now;

    expect(order).toEqual(['start', 'end', 'start', 'end']);
    expect(outcome).toMatchObject({ ok: true, result: { ok: true } });
    await scheduler.stop();
  });

  it('records a failing run without stopping the schedule', async () => {
    const clock = new ManualClock('2026-11-29T00:00:00Z');
    const scheduler = new Scheduler({ clock, wait: manualWait(clock), startDelayMs: 0 });
    scheduler.add({
      id: 'broken',
      expression: 'rate(5 minutes)',
      run: async () => {
        throw new TypeError('boom');
      },
    });

    const outcome = await scheduler.fireNow('broken');

    expect(outcome).toMatchObject({ ok: false, error: { name: 'TypeError', message: 'boom' } });
    expect(scheduler.status()[0]?.lastRun?.ok).toBe(false);
  });

  it('stops every timer on stop()', async () => {
    const clock = new ManualClock('2026-11-29T00:00:00Z');
    let runs = 0;
    const scheduler = new Scheduler({ clock, wait: manualWait(clock), startDelayMs: 1000 });
    scheduler.add({ id: 'x', expression: 'rate(1 minute)', run: async () => runs++ });
    scheduler.start();

    await scheduler.stop();
    clock.advance(10 * MINUTE);
    await flush();

    expect(runs).toBe(0);
  });
});
