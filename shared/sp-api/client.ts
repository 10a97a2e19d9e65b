import type { z } from 'zod';
import type { SpApiRegion } from '../config/runtime.ts';
import { type GcraParams, gcraParams } from '../rate-limit/gcra.ts';
import type { RateLimiter } from '../rate-limit/rate-limiter.ts';
import { backoffDelay } from '../retry.ts';
import { describeIssues } from '../validation.ts';
import {
  SpApiAuthorizationError,
  type SpApiErrorDetail,
  SpApiMalformedResponseError,
  SpApiOutcomeUnknownError,
  SpApiRequestError,
  SpApiThrottledError,
  SpApiUnavailableError,
} from './errors.ts';
import type { AccessTokenProvider } from './lwa.ts';
import { SP_API_HOSTS, type SpApiOperation, USAGE_PLANS } from './operations.ts';
import { errorListSchema } from './schemas/common.ts';

/** One SP-API call as the typed operation wrappers describe it. */
export interface SpApiRequest<S extends z.ZodType> {
  readonly operation: SpApiOperation;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly query?: Record<string, string | number | boolean | undefined>;
  readonly body?: unknown;
  /** The exact bytes to send (the outbox's stored payload); wins over `body`. */
  readonly rawBody?: string;
  /**
   * A submission changes Amazon's state and carries no idempotency key: only answers that prove
   * it was not applied (429, 401/403) are retried here; a 5xx, a broken connection or an unreadable
   * 2xx raise SpApiOutcomeUnknownError instead of a blind resend.
   */
  readonly submission?: boolean;
  /** Schema of the 2xx body; the response is parsed with it or the call fails as malformed. */
  readonly responseSchema: S;
}

/** What happened on one HTTP attempt: for metrics, benchmarks and the sandbox tests. */
export interface SpApiAttempt {
  readonly operation: SpApiOperation;
  readonly attempt: number;
  readonly status: number;
  readonly durationMs: number;
}

export interface SpApiClient {
  call<S extends z.ZodType>(request: SpApiRequest<S>): Promise<z.output<S>>;
}

export interface SpApiClientOptions {
  /** Base URL; defaults to the production host of `region`. */
  readonly baseUrl?: string;
  readonly region: SpApiRegion;
  /** Names the limit's owner: one application and selling-partner authorization. */
  readonly limiterScope: string;
  readonly tokens: AccessTokenProvider;
  readonly limiter: RateLimiter;
  /** Share of the documented rate to use (0–1]. */
  readonly rateLimitFraction: number;
  readonly userAgent?: string;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Attempts per call before giving up on 429/5xx/network errors. @default 8 */
  readonly maxAttempts?: number;
  /** Backoff base and cap in milliseconds. @default { baseMs: 250, capMs: 20000 } */
  readonly backoff?: { baseMs: number; capMs: number };
  /** Longest wait for a rate-limit slot before the call gives the work back. @default 30000 */
  readonly maxSlotWaitMs?: number;
  readonly onAttempt?: (attempt: SpApiAttempt) => void;
}

const USER_AGENT = 'Acorn/0.1 (Language=TypeScript; Platform=Node.js)';

/**
 * The SP-API HTTP core: every attempt first takes a slot from the shared rate limiter, then sends
 * with a Login-with-Amazon token. 429, 5xx, network errors and malformed bodies are retried with
 * capped exponential backoff and full jitter; other 4xx fail at once with Amazon's error code.
 */
export function makeSpApiClient(options: SpApiClientOptions): SpApiClient {
  const baseUrl = (options.baseUrl ?? SP_API_HOSTS[options.region]).replace(/\/$/, '');
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const maxAttempts = options.maxAttempts ?? 8;
  const backoff = options.backoff ?? { baseMs: 250, capMs: 20_000 };
  const paramsByOperation = new Map<SpApiOperation, GcraParams>();

  function limitOf(operation: SpApiOperation): GcraParams {
    let params = paramsByOperation.get(operation);
    if (!params) {
      params = gcraParams(USAGE_PLANS[operation], options.rateLimitFraction);
      paramsByOperation.set(operation, params);
    }
    return params;
  }

  function urlOf(path: string, query?: SpApiRequest<z.ZodType>['query']): string {
    const url = new URL(baseUrl + path);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  async function errorsOf(res: Response): Promise<SpApiErrorDetail[]> {
    const json: unknown = await res.json().catch(() => undefined);
    const parsed = errorListSchema.safeParse(json);
    return parsed.success ? parsed.data.errors : [];
  }

  return {
    async call<S extends z.ZodType>(request: SpApiRequest<S>): Promise<z.output<S>> {
      const url = urlOf(request.path, request.query);
      const body = request.rawBody ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
      const bucket = `${options.limiterScope}#${options.region}#${request.operation}`;
      let refreshedToken = false;
      let lastStatus = 0;
      let lastErrors: SpApiErrorDetail[] = [];
      let lastCause: unknown;
      let malformed: { path: string; message: string }[] | undefined;

      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        if (attempt > 0 && lastStatus !== 401 && lastStatus !== 403) {
          await sleep(backoffDelay(attempt, backoff, random));
        }
        // Token first, slot second: a slot is a send time, and an LWA round trip between the two
        // would push the send past it and bunch it with the next slot.
        const token = await options.tokens.token();
        await options.limiter.acquire(bucket, limitOf(request.operation), {
          maxWaitMs: options.maxSlotWaitMs,
        });
        const started = Date.now();
        let res: Response;
        try {
          res = await doFetch(url, {
            method: request.method,
            headers: {
              'x-amz-access-token': token,
              'user-agent': options.userAgent ?? USER_AGENT,
              accept: 'application/json',
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            body,
          });
        } catch (error) {
          options.onAttempt?.({
            operation: request.operation,
            attempt,
            status: 0,
            durationMs: Date.now() - started,
          });
          if (request.submission) throw new SpApiOutcomeUnknownError(request.operation, 0, [], error);
          lastStatus = 0;
          lastCause = error;
          malformed = undefined;
          continue;
        }
        options.onAttempt?.({
          operation: request.operation,
          attempt,
          status: res.status,
          durationMs: Date.now() - started,
        });
        lastStatus = res.status;

        if (res.ok) {
          const json: unknown = await res.json().catch(() => undefined);
          const parsed = request.responseSchema.safeParse(json);
          if (parsed.success) return parsed.data;
          malformed = describeIssues(parsed.error);
          if (request.submission) {
            throw new SpApiOutcomeUnknownError(request.operation, res.status, [
              {
                code: 'MalformedResponse',
                message: malformed.map((m) => `${m.path}: ${m.message}`).join('; '),
              },
            ]);
          }
          continue;
        }
        malformed = undefined;
        lastErrors = await errorsOf(res);
        if (res.status === 401 || res.status === 403) {
          // An expired or revoked token: mint a fresh one once before calling it an authorization failure.
          if (refreshedToken) throw new SpApiAuthorizationError(request.operation, res.status, lastErrors);
          refreshedToken = true;
          options.tokens.invalidate();
          continue;
        }
        if (res.status === 429) continue;
        if (res.status >= 500) {
          if (request.submission)
            throw new SpApiOutcomeUnknownError(request.operation, res.status, lastErrors);
          continue;
        }
        throw new SpApiRequestError(request.operation, res.status, lastErrors);
      }
      if (malformed) throw new SpApiMalformedResponseError(request.operation, lastStatus, malformed);
      if (lastStatus === 429) throw new SpApiThrottledError(request.operation, maxAttempts, lastErrors);
      throw new SpApiUnavailableError(request.operation, lastStatus, maxAttempts, lastErrors, lastCause);
    },
  };
}
