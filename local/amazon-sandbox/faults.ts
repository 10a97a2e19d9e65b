/**
 * Injectable faults, so callers can be tested against an Amazon that fails the way the real one
 * does: server errors, extra throttling, slowness, and 2xx bodies that break the schema.
 * Decisions come from a seeded sequence, so a test run with the same requests sees the same faults.
 */
import * as z from 'zod';
import { Rng } from './prng.ts';

const rate = z.number().min(0).max(1);

/** Fault knobs; every one defaults to 0 (off). */
export const faultsSchema = z.strictObject({
  /** Share of SP-API calls answered 500 or 503 without being processed. */
  errorRate: rate.optional(),
  /** Share of SP-API calls answered 429 although the usage plan had room. */
  throttleRate: rate.optional(),
  /** Real milliseconds added before every SP-API answer. */
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  /** Share of successful SP-API calls whose 2xx body is replaced by one that breaks the schema. */
  malformedRate: rate.optional(),
});

/** What {@link faultsSchema} parses to. */
export type Faults = z.infer<typeof faultsSchema>;

/** What to do to one request. */
export interface FaultDecision {
  readonly latencyMs: number;
  readonly fail?: 'throttle' | 500 | 503;
  readonly malformed?: 'wrong-shape' | 'truncated';
}

/** Draws fault decisions from the configured rates. */
export class FaultInjector {
  #faults: Faults;
  readonly #rng: Rng;

  constructor(seed: number, faults: Faults = {}) {
    this.#faults = faultsSchema.parse(faults);
    this.#rng = new Rng(seed, 'faults');
  }

  /** Current knobs. */
  get faults(): Faults {
    return { ...this.#faults };
  }

  /** Replaces all knobs (missing ones become 0). */
  set(faults: Faults): void {
    this.#faults = faultsSchema.parse(faults);
  }

  /** Decides the faults of the next request. Always draws the same number of values. */
  decide(): FaultDecision {
    const { errorRate = 0, throttleRate = 0, latencyMs = 0, malformedRate = 0 } = this.#faults;
    const [throttle = 1, error = 1, which = 0, malformed = 1, how = 0] = [1, 2, 3, 4, 5].map(() =>
      this.#rng.next(),
    );
    const fail =
      throttle < throttleRate ? 'throttle' : error < errorRate ? (which < 0.5 ? 500 : 503) : undefined;
    const broken = malformed < malformedRate ? (how < 0.5 ? 'wrong-shape' : 'truncated') : undefined;
    return { latencyMs, ...(fail ? { fail } : {}), ...(broken ? { malformed: broken } : {}) };
  }
}
