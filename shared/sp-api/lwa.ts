import * as z from 'zod';
import { backoffDelay } from '../retry.ts';
import { describeIssues } from '../validation.ts';
import { LwaAuthenticationError, SpApiUnavailableError } from './errors.ts';
import { lwaTokenResponseSchema } from './schemas/lwa.ts';

/**
 * What Login with Amazon needs to mint an access token: a refresh token for one selling-partner
 * authorization, or a scope for a grantless operation (such as rotating the client secret).
 */
export type LwaCredentials = { readonly clientId: string; readonly clientSecret: string } & (
  | { readonly refreshToken: string; readonly scope?: undefined }
  | { readonly scope: string; readonly refreshToken?: undefined }
);

/** Gives a valid access token, refreshing it only when the cached one is about to expire. */
export interface AccessTokenProvider {
  token(): Promise<string>;
  /** Forgets the cached token (after Amazon said it expired or was revoked). */
  invalidate(): void;
}

const lwaErrorSchema = z.looseObject({ error: z.string(), error_description: z.string().optional() });

/** Refresh this long before the token's stated expiry, so a token never dies in flight. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * Login-with-Amazon refresh-token (or grantless client-credentials) flow with the access token cached per module (a warm Lambda
 * reuses it for its hour). Credentials are read lazily so a rotated client secret is picked up
 * on the next refresh. Token and secrets never reach a log line.
 */
export function makeLwaTokenProvider(deps: {
  credentials: () => Promise<LwaCredentials>;
  tokenUrl: string;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  maxAttempts?: number;
}): AccessTokenProvider {
  const doFetch = deps.fetch ?? fetch;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxAttempts = deps.maxAttempts ?? 5;
  let cached: { token: string; expiresAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  async function refresh(): Promise<string> {
    const creds = await deps.credentials();
    const body = new URLSearchParams(
      creds.refreshToken !== undefined
        ? { grant_type: 'refresh_token', refresh_token: creds.refreshToken }
        : { grant_type: 'client_credentials', scope: creds.scope },
    );
    body.set('client_id', creds.clientId);
    body.set('client_secret', creds.clientSecret);
    let lastStatus = 0;
    let lastError: unknown;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      if (attempt > 0) await sleep(backoffDelay(attempt, { baseMs: 200, capMs: 5_000 }));
      let res: Response;
      try {
        res = await doFetch(deps.tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
          body,
        });
      } catch (error) {
        lastError = error;
        continue;
      }
      lastStatus = res.status;
      const json: unknown = await res.json().catch(() => undefined);
      if (res.ok) {
        const parsed = lwaTokenResponseSchema.safeParse(json);
        if (!parsed.success) {
          lastError = new Error(
            `LWA token response malformed: ${describeIssues(parsed.error)
              .map((i) => `${i.path}: ${i.message}`)
              .join('; ')}`,
          );
          continue;
        }
        cached = {
          token: parsed.data.access_token,
          expiresAt: now() + parsed.data.expires_in * 1000 - EXPIRY_MARGIN_MS,
        };
        return parsed.data.access_token;
      }
      if (res.status === 429 || res.status >= 500) continue;
      const err = lwaErrorSchema.safeParse(json);
      throw new LwaAuthenticationError(
        res.status,
        err.success ? err.data.error : 'unknown_error',
        err.success ? (err.data.error_description ?? '') : 'no error body',
      );
    }
    throw new SpApiUnavailableError('lwaToken', lastStatus, maxAttempts, [], lastError);
  }

  return {
    async token() {
      if (cached && cached.expiresAt > now()) return cached.token;
      // One refresh at a time: concurrent callers share it instead of minting several tokens.
      inFlight ??= refresh().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
