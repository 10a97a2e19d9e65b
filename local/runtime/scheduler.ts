import type { Clock } from '#shared/clock.ts';
import { nextFireTime, parseScheduleExpression, type ScheduleExpression } from './schedule-expression.ts';

/**
 * Fires schedule triggers on the injected Clock, which may run faster than real time.
 *
 * - Each schedule fires once shortly after start (`startDelayMs` of clock time, unless
 *   `fireOnStart` is false or the expression is a one-time `at(...)`), then on its expression:
 *   `rate(...)` every interval counted from that first fire, `cron(...)` at each matching minute (UTC).
 * - Runs of one schedule never overlap: a fire that comes due while the previous run is still in
 *   progress is **skipped** (counted in `skipped`), not queued. After a pause (a sleeping laptop)
 *   the missed fires collapse into one.
 * - `fireNow(id)` runs the schedule immediately; if a run is in progress it waits for it first.
 */

/** Waits `ms` of clock time; resolves early (without error) when `signal` aborts. */
export type ClockWait = (ms: number, signal: AbortSignal) => Promise<void>;

/** A schedule's target: what to do when it fires. */
export interface ScheduleDefinition {
  /** Unique id, e.g. the manifest trigger id. */
  id: string;
  expression: string;
  run: () => Promise<unknown>;
}

export interface ScheduleRunOutcome {
  /** Clock time of the fire (ISO 8601). */
  at: string;
  ok: boolean;
  result?: unknown;
  error?: { name: string; message: string };
}

export interface ScheduleStatus {
  id: string;
  expression: string;
  /** Next clock time the schedule fires (ISO 8601), absent when it never fires again. */
  nextFireAt?: string;
  running: boolean;
  runs: number;
  skipped: number;
  lastRun?: ScheduleRunOutcome;
}

export interface SchedulerOptions {
  clock: Clock;
  /** Waits clock time; defaults to real timers (right for a clock running at real speed). */
  wait?: ClockWait;
  /** Clock time between start() and the first fire. Default 1000. */
  startDelayMs?: number;
  /** Fire every schedule once shortly after start. Default true. */
  fireOnStart?: boolean;
  /** Receives one line per fire, skip and failure. */
  log?: (level: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => void;
}

/** Longest single wait, so a changed clock or a long cron gap is re-evaluated now and then. */
const MAX_WAIT_MS = 60 * 60_000;

interface Entry {
  def: ScheduleDefinition;
  schedule: ScheduleExpression;
  next: number | undefined;
  anchor: number;
  running: Promise<ScheduleRunOutcome> | undefined;
  runs: number;
  skipped: number;
  lastRun: ScheduleRunOutcome | undefined;
}

/**
 * A `ClockWait` for an accelerated clock: `ms` of clock time take `ms / speed` real milliseconds.
 * The timer is cleared when `signal` aborts, so closing leaves no handle behind.
 */
export function acceleratedWait(speed: number): ClockWait {
  return (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, Math.max(0, ms / speed));
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
}

export class Scheduler {
  readonly #clock: Clock;
  readonly #wait: ClockWait;
  readonly #startDelayMs: number;
  readonly #fireOnStart: boolean;
  readonly #log: NonNullable<SchedulerOptions['log']>;
  readonly #entries = new Map<string, Entry>();
  readonly #abort = new AbortController();
  readonly #loops: Promise<void>[] = [];
  #started = false;

  constructor(options: SchedulerOptions) {
    this.#clock = options.clock;
    this.#wait = options.wait ?? acceleratedWait(1);
    this.#startDelayMs = options.startDelayMs ?? 1000;
    this.#fireOnStart = options.fireOnStart ?? true;
    this.#log = options.log ?? (() => {});
  }

  /** Registers a schedule; throws InvalidScheduleExpressionError for a bad expression. */
  add(def: ScheduleDefinition): void {
    if (this.#entries.has(def.id)) throw new Error(`Schedule ${def.id} is already registered`);
    const schedule = parseScheduleExpression(def.expression);
    const entry: Entry = {
      def,
      schedule,
      next: undefined,
      anchor: 0,
      running: undefined,
      runs: 0,
      skipped: 0,
      lastRun: undefined,
    };
    this.#entries.set(def.id, entry);
    if (this.#started) this.#startEntry(entry);
  }

  /** Starts the timers of every registered schedule. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const entry of this.#entries.values()) this.#startEntry(entry);
  }

  /** Runs a schedule now (after the run in progress, if any) and returns its outcome. */
  async fireNow(id: string): Promise<ScheduleRunOutcome> {
    const entry = this.#entries.get(id);
    if (!entry) throw new Error(`Unknown schedule ${id}`);
    while (entry.running) await entry.running;
    return this.#run(entry, this.#clock.now().getTime());
  }

  status(): ScheduleStatus[] {
    return [...this.#entries.values()].map((e) => ({
      id: e.def.id,
      expression: e.def.expression,
      ...(e.next !== undefined ? { nextFireAt: new Date(e.next).toISOString() } : {}),
      running: e.running !== undefined,
      runs: e.runs,
      skipped: e.skipped,
      ...(e.lastRun ? { lastRun: e.lastRun } : {}),
    }));
  }

  /** Stops every timer; waits for runs in progress to settle (their targets are not cancelled). */
  async stop(): Promise<void> {
    this.#abort.abort();
    await Promise.all(this.#loops);
    await Promise.all([...this.#entries.values()].map((e) => e.running));
  }

  #startEntry(entry: Entry): void {
    const now = this.#clock.now().getTime();
    if (entry.schedule.kind !== 'at' && this.#fireOnStart) {
      entry.anchor = now + this.#startDelayMs;
      entry.next = entry.anchor;
    } else {
      entry.anchor = now;
      entry.next = nextFireTime(entry.schedule, now, now);
    }
    this.#loops.push(this.#loop(entry));
  }

  async #loop(entry: Entry): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted && entry.next !== undefined) {
      const remaining = entry.next - this.#clock.now().getTime();
      if (remaining > 0) {
        await this.#wait(Math.min(remaining, MAX_WAIT_MS), signal);
        continue;
      }
      const due = entry.next;
      if (entry.running) {
        entry.skipped++;
        this.#log('warn', `schedule ${entry.def.id} skipped: the previous run is still in progress`, {
          schedule: entry.def.id,
          due: new Date(due).toISOString(),
        });
      } else {
        void this.#run(entry, due);
      }
      entry.next = nextFireTime(entry.schedule, Math.max(due, this.#clock.now().getTime()), entry.anchor);
    }
  }

  #run(entry: Entry, due: number): Promise<ScheduleRunOutcome> {
    const at = new Date(due).toISOString();
    entry.runs++;
    this.#log('info', `schedule ${entry.def.id} fired`, { schedule: entry.def.id, at });
    const running = (async (): Promise<ScheduleRunOutcome> => {
      try {
        const result = await entry.def.run();
        return { at, ok: true, result };
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        this.#log('error', `schedule ${entry.def.id} run failed: ${e.message}`, {
          schedule: entry.def.id,
          at,
        });
        return { at, ok: false, error: { name: e.name, message: e.message } };
      }
    })();
    entry.running = running;
    void running.then((outcome) => {
      entry.lastRun = outcome;
      if (entry.running === running) entry.running = undefined;
    });
    return running;
  }
}
