/**
 * Generic cell rate algorithm (GCRA) in the "reserve the next slot" form. It is the token bucket
 * Amazon documents (rate r, burst b), expressed as one number per bucket: the theoretical arrival
 * time `tat`. That one number is what lets a single conditional DynamoDB update share a limit
 * across every concurrent Lambda (ARCHITECTURE rule 12).
 */
export interface GcraParams {
  /** Milliseconds between requests at the sustained rate. */
  readonly intervalMs: number;
  /** How far ahead of the sustained rate a burst may run, in milliseconds. */
  readonly toleranceMs: number;
}

/**
 * Bucket capacity held back from Amazon's burst. A slot is when a request may leave, not when it
 * arrives: sends drift by event-loop and network jitter, and a burst that leaves late can land
 * together with the next slot. One slot of headroom absorbs up to one interval of that drift.
 */
export const JITTER_HEADROOM_SLOTS = 1;

/**
 * Parameters for `fraction` of a documented usage plan. The tolerance admits `burst - 1` requests
 * at once on an idle bucket (Amazon's bucket starts full with `burst`; see JITTER_HEADROOM_SLOTS).
 */
export function gcraParams(plan: { rate: number; burst: number }, fraction: number): GcraParams {
  const intervalMs = 1000 / (plan.rate * fraction);
  const burst = Math.max(1, plan.burst - JITTER_HEADROOM_SLOTS);
  return { intervalMs, toleranceMs: (burst - 1) * intervalMs };
}

/**
 * Given the bucket's `tat` (or undefined for a fresh bucket) and the current time, where the
 * reserved request may start and the bucket's new `tat`.
 */
export function reserveSlot(
  tat: number | undefined,
  now: number,
  params: GcraParams,
): { startAt: number; delayMs: number; newTat: number } {
  const base = tat === undefined || tat < now ? now : tat;
  const startAt = Math.max(now, base - params.toleranceMs);
  return { startAt, delayMs: startAt - now, newTat: base + params.intervalMs };
}
