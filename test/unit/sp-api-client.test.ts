import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { InProcessRateLimiter } from '#shared/rate-limit/rate-limiter.ts';
import { makeSpApiClient } from '#shared/sp-api/client.ts';
import {
  LwaAuthenticationError,
  SpApiAuthorizationError,
  SpApiMalformedResponseError,
  SpApiOutcomeUnknownError,
  SpApiRequestError,
  SpApiThrottledError,
  SpApiUnavailableError,
} from '#shared/sp-api/errors.ts';
import { makeLwaTokenProvider } from '#shared/sp-api/lwa.ts';

const okSchema = z.object({ payload: z.object({ value: z.number() }) });

function jsonResponse(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

function clientWith(responses: (() => Response | Promise<Response>)[], opts: { maxAttempts?: number } = {}) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const next = responses.shift();
    if (!next) throw new Error('no more responses');
    return next();
  }) as unknown as typeof globalThis.fetch;
  const tokens = { token: vi.fn(async () => 'Atza|token-1'), invalidate: vi.fn() };
  const sleeps: number[] = [];
  const client = makeSpApiClient({
    region: 'eu',
    baseUrl: 'https://sandbox.example',
    limiterScope: 'acct',
    tokens,
    limiter: new InProcessRateLimiter(),
    rateLimitFraction: 1,
    fetch,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    maxAttempts: opts.maxAttempts ?? 4,
  });
  return { client, calls, tokens, sleeps };
}

const request = {
  operation: 'getPurchaseOrders' as const,
  method: 'GET' as const,
  path: '/vendor/orders/v1/purchaseOrders',
  query: { limit: 100, createdAfter: '2026-11-01T00:00:00.000Z', nextToken: undefined },
  responseSchema: okSchema,
};

describe('SP-API client', () => {
  it('sends the LWA token and query, and returns the parsed body', async () => {
    // Prepare
    const { client, calls } = clientWith([() => jsonResponse(200, { payload: { value: 7 } })]);
    // Act
    const result = await client.call(request);
    // Assess
    expect(result.payload.value).toBe(7);
    expect(calls[0]?.url).toBe(
      'https://sandbox.example/vendor/orders/v1/purchaseOrders?limit=100&createdAfter=2026-11-01T00%3A00%3A00.000Z',
    );
    const headers = calls[0]?.init.headers as Record<string, string>;
    expect(headers['x-amz-access-token']).toBe('Atza|token-1');
  });

  it('retries 429 and 5xx with capped, jittered backoff and then succeeds', async () => {
    const { client, sleeps } = clientWith([
      () => jsonResponse(429, { errors: [{ code: 'QuotaExceeded', message: 'slow down' }] }),
      () => jsonResponse(503, { errors: [{ code: 'ServiceUnavailable', message: 'later' }] }),
      () => jsonResponse(200, { payload: { value: 1 } }),
    ]);
    await expect(client.call(request)).resolves.toEqual({ payload: { value: 1 } });
    expect(sleeps).toEqual([250, 500]);
  });

  it('gives up on a 429 storm with a typed, retryable error carrying Amazon’s code', async () => {
    const storm = () => jsonResponse(429, { errors: [{ code: 'QuotaExceeded', message: 'slow down' }] });
    const { client } = clientWith([storm, storm, storm, storm]);
    const error = await client.call(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpApiThrottledError);
    expect((error as SpApiThrottledError).retryable).toBe(true);
    expect((error as SpApiThrottledError).code).toBe('QuotaExceeded');
  });

  it('fails at once on a 400 with Amazon’s error code and message', async () => {
    const { client, calls } = clientWith([
      () =>
        jsonResponse(400, {
          errors: [{ code: 'InvalidInput', message: 'Date range exceeds 7 days', details: '' }],
        }),
    ]);
    const error = (await client.call(request).catch((e: unknown) => e)) as SpApiRequestError;
    expect(error).toBeInstanceOf(SpApiRequestError);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('InvalidInput: Date range exceeds 7 days');
    expect(calls).toHaveLength(1);
  });

  it('refreshes an expired token once, then reports a lasting 403 as an authorization failure', async () => {
    const denied = () =>
      jsonResponse(403, {
        errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.' }],
      });
    const { client, tokens } = clientWith([denied, () => jsonResponse(200, { payload: { value: 2 } })]);
    await expect(client.call(request)).resolves.toEqual({ payload: { value: 2 } });
    expect(tokens.invalidate).toHaveBeenCalledTimes(1);

    const again = clientWith([denied, denied]);
    await expect(again.client.call(request)).rejects.toBeInstanceOf(SpApiAuthorizationError);
  });

  it('names the fields of a malformed 2xx body after retrying it', async () => {
    const bad = () => jsonResponse(200, { payload: { value: 'seven' } });
    const { client } = clientWith([bad, bad, bad, bad]);
    const error = (await client.call({ ...request }).catch((e: unknown) => e)) as SpApiMalformedResponseError;
    expect(error).toBeInstanceOf(SpApiMalformedResponseError);
    expect(error.message).toContain('payload.value');
  });

  it('reports network failures as unavailable once attempts run out', async () => {
    const down = () => {
      throw new TypeError('fetch failed');
    };
    const { client } = clientWith([down, down, down, down]);
    await expect(client.call(request)).rejects.toBeInstanceOf(SpApiUnavailableError);
  });
});

describe('SP-API client submissions', () => {
  const submit = {
    operation: 'submitAcknowledgement' as const,
    method: 'POST' as const,
    path: '/vendor/orders/v1/acknowledgements',
    rawBody: '{"acknowledgements":[]}',
    submission: true,
    responseSchema: z.object({ payload: z.object({ transactionId: z.string() }) }),
  };

  it('sends the stored payload bytes as they are', async () => {
    const { client, calls } = clientWith([() => jsonResponse(202, { payload: { transactionId: 't-1' } })]);
    await client.call(submit);
    expect(calls[0]?.init.body).toBe('{"acknowledgements":[]}');
  });

  it('retries a throttled submission, which Amazon did not apply', async () => {
    const { client, calls } = clientWith([
      () => jsonResponse(429, { errors: [{ code: 'QuotaExceeded', message: 'slow down' }] }),
      () => jsonResponse(202, { payload: { transactionId: 't-2' } }),
    ]);
    await expect(client.call(submit)).resolves.toEqual({ payload: { transactionId: 't-2' } });
    expect(calls).toHaveLength(2);
  });

  it.each([
    ['a 500', () => jsonResponse(500, { errors: [{ code: 'InternalFailure', message: 'oops' }] })],
    [
      'a broken connection',
      (): Response => {
        throw new TypeError('socket hang up');
      },
    ],
    ['an unreadable 202', () => jsonResponse(202, { payload: {} })],
  ])('never resends a submission after %s: the outcome is unknown', async (_case, answer) => {
    const { client, calls } = clientWith([
      answer,
      () => jsonResponse(202, { payload: { transactionId: 'dup' } }),
    ]);
    const error = (await client.call(submit).catch((e: unknown) => e)) as SpApiOutcomeUnknownError;
    expect(error).toBeInstanceOf(SpApiOutcomeUnknownError);
    expect(error.ambiguous).toBe(true);
    expect(calls).toHaveLength(1);
  });
});

describe('Login with Amazon token provider', () => {
  const credentials = async () => ({
    clientId: 'cid',
    clientSecret: 'very-secret',
    refreshToken: 'Atzr|refresh',
  });

  it('caches the access token until shortly before it expires', async () => {
    // Prepare
    let now = 0;
    const fetch = vi.fn(async () =>
      jsonResponse(200, {
        access_token: `Atza|${fetch.mock.calls.length}`,
        token_type: 'bearer',
        expires_in: 3600,
      }),
    );
    const provider = makeLwaTokenProvider({
      credentials,
      tokenUrl: 'https://lwa.example/auth/o2/token',
      fetch: fetch as unknown as typeof globalThis.fetch,
      now: () => now,
    });
    // Act
    const first = await provider.token();
    now += 3_000_000;
    const cached = await provider.token();
    now += 600_000;
    const refreshed = await provider.token();
    // Assess
    expect(first).toBe('Atza|1');
    expect(cached).toBe('Atza|1');
    expect(refreshed).toBe('Atza|2');
    const body = String((fetch.mock.calls[0] as unknown as [string, RequestInit])[1].body);
    expect(body).toContain('grant_type=refresh_token');
  });

  it('shares one refresh between concurrent callers', async () => {
    const fetch = vi.fn(async () =>
      jsonResponse(200, { access_token: 'Atza|x', token_type: 'bearer', expires_in: 3600 }),
    );
    const provider = makeLwaTokenProvider({
      credentials,
      tokenUrl: 'https://lwa.example/t',
      fetch: fetch as unknown as typeof globalThis.fetch,
    });
    await Promise.all([provider.token(), provider.token(), provider.token()]);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('reports refused credentials without leaking the secret or refresh token', async () => {
    const fetch = vi.fn(async () =>
      jsonResponse(401, { error: 'invalid_client', error_description: 'Client authentication failed' }),
    );
    const provider = makeLwaTokenProvider({
      credentials,
      tokenUrl: 'https://lwa.example/t',
      fetch: fetch as unknown as typeof globalThis.fetch,
    });
    const error = (await provider.token().catch((e: unknown) => e)) as LwaAuthenticationError;
    expect(error).toBeInstanceOf(LwaAuthenticationError);
    expect(error.message).toContain('invalid_client');
    expect(error.message).not.toContain('very-secret');
    expect(error.message).not.toContain('Atzr|refresh');
  });

  it('uses the client-credentials grant with a scope for grantless operations', async () => {
    const fetch = vi.fn(async () =>
      jsonResponse(200, { access_token: 'Atza|g', token_type: 'bearer', expires_in: 3600 }),
    );
    const provider = makeLwaTokenProvider({
      credentials: async () => ({
        clientId: 'cid',
        clientSecret: 's',
        scope: 'sellingpartnerapi::client_credential:rotation',
      }),
      tokenUrl: 'https://lwa.example/t',
      fetch: fetch as unknown as typeof globalThis.fetch,
    });
    await provider.token();
    const body = new URLSearchParams(
      String((fetch.mock.calls[0] as unknown as [string, RequestInit])[1].body),
    );
    expect(body.get('grant_type')).toBe('client_credentials');
    expect(body.get('scope')).toBe('sellingpartnerapi::client_credential:rotation');
  });
});
