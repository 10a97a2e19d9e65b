/**
 * The one clock (ARCHITECTURE rule 10). Business time — deadlines, PO windows, cursors — always
 * comes from a Clock, so tests and `npm start` can live through days in seconds.
 */
export interface Clock {
  /** Current business time. */
  now(): Date;
  /** Waits `ms` of business time. */
  sleep(ms: number): Promise<void>;
}

/** Wall-clock time. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/**
 * A clock that starts at `virtualStart` when the wall clock reads `realEpoch` and runs `speed`
 * times faster. Every process given the same three numbers computes the same time, so the local
 * runtime, the sandboxes and the handlers agree without talking to each other.
 */
export function acceleratedClock(opts: { realEpoch: number; virtualStart: number; speed: number }): Clock {
  const { realEpoch, virtualStart, speed } = opts;
  return {
    now: () => new Date(virtualStart + (Date.now() - realEpoch) * speed),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms / speed))),
  };
}

/** A clock that only moves when told to: for unit tests. */
export class ManualClock implements Clock {
  #now: number;
  #sleepers: { until: number; wake: () => void }[] = [];

  constructor(start: Date | string | number) {
    this.#now = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => {
      this.#sleepers.push({ until: this.#now + Math.max(0, ms), wake });
      this.#wakeDue();
    });
  }

  /** Moves time forward and wakes every sleeper whose time has come. */
  advance(ms: number): void {
    this.#now += ms;
    this.#wakeDue();
  }

  set(to: Date | string | number): void {
    this.#now = new Date(to).getTime();
    this.#wakeDue();
  }

  #wakeDue(): void {
    const due = this.#sleepers.filter((s) => s.until <= this.#now);
    this.#sleepers = this.#sleepers.filter((s) => s.until > this.#now);
    for (const s of due) s.wake();
  }
}

/**
 * The clock a function process uses: accelerated when the local runtime hands it
 * `ACORN_CLOCK` (`<realEpochMs>:<virtualStartMs>:<speed>`), the wall clock otherwise.
 */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const spec = env.ACORN_CLOCK;
  if (!spec) return systemClock;
  const [realEpoch, virtualStart, speed] = spec.split(':').map(Number);
  if (![realEpoch, virtualStart, speed].every((n) => Number.isFinite(n)) || !speed || speed <= 0) {
    throw new Error(`ACORN_CLOCK must be "<realEpochMs>:<virtualStartMs>:<speed>", got "${spec}"`);
  }
  return acceleratedClock({ realEpoch: realEpoch!, virtualStart: virtualStart!, speed: speed! });
}

/** Serialises an accelerated clock for child processes (see clockFromEnv). */
export function clockEnvValue(opts: { realEpoch: number; virtualStart: number; speed: number }): string {
  return `${opts.realEpoch}:${opts.virtualStart}:${opts.speed}`;
}
