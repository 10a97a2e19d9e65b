import { describe, expect, it } from 'vitest';
import { gcraParams, reserveSlot } from '#shared/rate-limit/gcra.ts';
import { InProcessRateLimiter, RateLimitBacklogError } from '#shared/rate-limit/rate-limiter.ts';

/** Replays a schedule of send times against Amazon's token bucket and counts the 429s it would answer. */
function throttledByTokenBucket(sendTimes: number[], plan: { rate: number; burst: number }): number {
  let tokens = plan.burst;
  let last = sendTimes[0] ?? 0;
  let throttled = 0;
  for (const t of sendTimes) {
    tokens = Math.min(plan.burst, tokens + ((t - last) / 1000) * plan.rate);
    last = t;
    if (tokens >= 1) tokens -= 1;
    else throttled++;
  }
  return throttled;
}

describe('GCRA slot reservation', () => {
  it('admits a burst (less one slot of jitter headroom) at once on an idle bucket, then spaces requests at the configured rate', () => {
    // Prepare
    const params = gcraParams({ rate: 10, burst: 10 }, 1);
    let tat: number | undefined;
    const starts: number[] = [];
    // Act
    for (let i = 0; i < 15; i++) {
      const slot = reserveSlot(tat, 0, params);
      tat = slot.newTat;
      starts.push(slot.startAt);
    }
    // Assess
    expect(starts.slice(0, 9)).toEqual(Array(9).fill(0));
    expect(starts.slice(9)).toEqual([100, 200, 300, 400, 500, 600]);
  });

  it('never schedules more than Amazon’s token bucket allows, at 85 % of the documented rate', () => {
    // Prepare
    const plan = { rate: 10, burst: 10 };
    const params = gcraParams(plan, 0.85);
    let tat: number | undefined;
    const sends: number[] = [];
    // Act: 1,000 callers arriving in bursts at random times
    let now = 0;
    for (let i = 0; i < 1000; i++) {
      now += i % 37 === 0 ? 3000 : Math.floor((i * 7919) % 13);
      const slot = reserveSlot(tat, now, params);
      tat = slot.newTat;
      sends.push(slot.startAt);
    }
    // Assess
    expect(
      throttledByTokenBucket(
        [...sends].sort((a, b) => a - b),
        plan,
      ),
    ).toBe(0);
  });

  it('stays within Amazon’s bucket when each request leaves up to one interval after its slot', () => {
    // Prepare
    const plan = { rate: 10, burst: 10 };
    const params = gcraParams(plan, 0.85);
    let tat: number | undefined;
    const arrivals: number[] = [];
    let seed = 7;
    const jitter = () => {
      seed = (seed * 48271) % 2147483647;
      return (seed / 2147483647) * params.intervalMs;
    };
    // Act: bursts after idle gaps, every send delayed by a random fraction of an interval
    let now = 0;
    for (let i = 0; i < 2000; i++) {
      if (i % 50 === 0) now += 5_000;
      const slot = reserveSlot(tat, now, params);
      tat = slot.newTat;
      arrivals.push(slot.startAt + jitter());
    }
    // Assess
    expect(
      throttledByTokenBucket(
        [...arrivals].sort((a, b) => a - b),
        plan,
      ),
    ).toBe(0);
  });

  it('restarts an idle bucket at the current time instead of banking unused slots', () => {
    const params = gcraParams({ rate: 10, burst: 2 }, 1);
    const first = reserveSlot(undefined, 0, params);
    const later = reserveSlot(first.newTat, 10_000, params);
    expect(later.startAt).toBe(10_000);
    expect(later.newTat).toBe(10_100);
  });
});

describe('InProcessRateLimiter', () => {
  it('refuses a slot further ahead than the caller may wait', async () => {
    // Prepare
    let now = 0;
    const limiter = new InProcessRateLimiter({
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    });
    const params = gcraParams({ rate: 1, burst: 1 }, 1);
    await limiter.acquire('b', params);
    await limiter.acquire('b', params, { maxWaitMs: 5_000 });
    // Act / Assess
    await expect(limiter.acquire('b', params, { maxWaitMs: 500 })).rejects.toBeInstanceOf(
      RateLimitBacklogError,
    );
  });
});
