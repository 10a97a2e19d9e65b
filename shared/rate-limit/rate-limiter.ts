import { AppError } from '../errors.ts';
import { type GcraParams, reserveSlot } from './gcra.ts';

/** A limit shared by every caller of one bucket (one SP-API operation for one application). */
export interface RateLimiter {
  /**
   * Reserves the next slot of `bucket` and resolves when the caller may send. Throws
   * RateLimitBacklogError when the next free slot is further away than the caller can wait.
   */
  acquire(bucket: string, params: GcraParams, opts?: { maxWaitMs?: number }): Promise<void>;
}

/** The bucket is booked further ahead than the caller may wait: requeue and try later. */
export class RateLimitBacklogError extends AppError {
  readonly retryable = true;
  constructor(
    readonly bucket: string,
    readonly retryAfterMs: number,
  ) {
    super(`Rate limit for ${bucket} is booked ${Math.round(retryAfterMs)} ms ahead; retry later`);
  }
}

/** Monotonic-enough wall time and a way to wait it: the limiter measures real time, not business time. */
export interface Timer {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTimer: Timer = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** Default longest wait for a slot before giving the work back to the caller. */
export const DEFAULT_MAX_WAIT_MS = 30_000;

/**
 * A limiter inside one process. Correct only where one process is the only caller (tests, scripts,
 * the local sandbox); deployed functions use the DynamoDB limiter.
 */
export class InProcessRateLimiter implements RateLimiter {
  readonly #tat = new Map<string, number>();
  constructor(private readonly timer: Timer = realTimer) {}

  async acquire(bucket: string, params: GcraParams, opts?: { maxWaitMs?: number }): Promise<void> {
    const now = this.timer.now();
    const slot = reserveSlot(this.#tat.get(bucket), now, params);
    const maxWait = opts?.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    if (slot.delayMs > maxWait) throw new RateLimitBacklogError(bucket, slot.delayMs);
    this.#tat.set(bucket, slot.newTat);
    if (slot.delayMs > 0) await this.timer.sleep(slot.delayMs);
  }
}
