/**
 * Amazon's usage plans: a token bucket per operation and application, refilled at `rate` tokens
 * per second up to `burst`. Runs on real time (not the business clock) because throttling is
 * about how fast requests actually arrive.
 */

/** A usage plan: sustained requests per second and bucket size. */
export interface RateLimit {
  readonly rate: number;
  readonly burst: number;
}

/** Usage plans of the operations the sandbox serves (from the models' operation descriptions). */
export const USAGE_PLANS: Readonly<Record<string, RateLimit>> = {
  getPurchaseOrders: { rate: 10, burst: 10 },
  getPurchaseOrder: { rate: 10, burst: 10 },
  submitAcknowledgement: { rate: 10, burst: 10 },
  getPurchaseOrdersStatus: { rate: 10, burst: 10 },
  submitInvoices: { rate: 10, burst: 10 },
  SubmitShipmentConfirmations: { rate: 10, burst: 10 },
  GetShipmentDetails: { rate: 10, burst: 10 },
  getTransaction: { rate: 10, burst: 20 },
  rotateApplicationClientSecret: { rate: 0.0167, burst: 1 },
  getInvoiceHeaders: { rate: 0.5, burst: 30 },
  submitInventoryUpdate: { rate: 10, burst: 10 },
};

/** Formats a rate the way the `x-amzn-RateLimit-Limit` header carries it (`10.0`, `0.0167`). */
export function formatRate(rate: number): string {
  return Number.isInteger(rate) ? rate.toFixed(1) : String(rate);
}

/** Token buckets keyed by caller and operation. */
export class TokenBucketLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #now: () => number;

  /** `now` is injectable for unit tests; it defaults to the wall clock. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Takes one token from the bucket of `key`; false when the bucket is empty. */
  take(key: string, limit: RateLimit): boolean {
    const now = this.#now();
    const bucket = this.#buckets.get(key) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.rate);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
