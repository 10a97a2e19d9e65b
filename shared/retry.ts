/** Capped exponential backoff with full jitter: a random wait in [0, min(cap, base·2^attempt)). */
export function backoffDelay(
  attempt: number,
  opts: { baseMs: number; capMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}
