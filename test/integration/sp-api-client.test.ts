import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AmazonSandbox,
  DEFAULT_SANDBOX_CREDENTIALS,
  startAmazonSandbox,
} from '#local/amazon-sandbox/index.ts';
import { ManualClock } from '#shared/clock.ts';
import { InProcessRateLimiter } from '#shared/rate-limit/rate-limiter.ts';
import { makeSpApiClient } from '#shared/sp-api/client.ts';
import { SpApiRequestError } from '#shared/sp-api/errors.ts';
import { makeLwaTokenProvider } from '#shared/sp-api/lwa.ts';
import { makeVendorOrdersApi } from '#shared/sp-api/vendor-orders.ts';

const START = '2026-11-30T08:00:00.000Z';

describe('SP-API client against the Amazon sandbox', () => {
  let sandbox: AmazonSandbox;
  const clock = new ManualClock(START);

  beforeAll(async () => {
    sandbox = await startAmazonSandbox({ clock, poGeneration: { backlog: 230, perHour: 0 } });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  function client(tokenNow: () => number) {
    return makeSpApiClient({
      region: 'eu',
      baseUrl: sandbox.url,
      limiterScope: 'it',
      rateLimitFraction: 0.85,
      limiter: new InProcessRateLimiter(),
      tokens: makeLwaTokenProvider({
        tokenUrl: `${sandbox.url}/auth/o2/token`,
        now: tokenNow,
        credentials: async () => ({
          clientId: DEFAULT_SANDBOX_CREDENTIALS.clientId,
          clientSecret: DEFAULT_SANDBOX_CREDENTIALS.clientSecret,
          refreshToken: DEFAULT_SANDBOX_CREDENTIALS.refreshTokens[0] ?? '',
        }),
      }),
      sleep: async () => {},
    });
  }

  it('reads every page of a window, each PO once', async () => {
    // Prepare
    const api = makeVendorOrdersApi(client(() => clock.now().getTime()));
    const after = new Date(clock.now().getTime() - 6 * 86_400_000).toISOString();
    // Act
    const seen: string[] = [];
    let pages = 0;
    for await (const page of api.purchaseOrderPages({
      createdAfter: after,
      createdBefore: clock.now().toISOString(),
    })) {
      pages++;
      seen.push(...page.items.map((o) => o.purchaseOrderNumber));
    }
    // Assess
    expect(pages).toBeGreaterThan(2);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(
      sandbox
        .purchaseOrders()
        .map((o) => o.purchaseOrderNumber)
        .sort(),
    );
    expect(sandbox.requestLog().some((r) => r.operation === 'getPurchaseOrders' && r.query.nextToken)).toBe(
      true,
    );
  });

  it('refreshes a token Amazon says has expired and carries on', async () => {
    // Prepare: the token cache believes the wall clock, Amazon's clock has moved two hours on
    const api = makeVendorOrdersApi(client(() => Date.now()));
    const query = () => ({
      createdAfter: new Date(clock.now().getTime() - 86_400_000).toISOString(),
      createdBefore: clock.now().toISOString(),
    });
    await api.purchaseOrderPages(query()).next();
    clock.advance(2 * 3_600_000);
    const before = sandbox.requestLog().length;
    // Act
    const page = await api.purchaseOrderPages(query()).next();
    // Assess
    expect(page.done).toBe(false);
    const statuses = sandbox
      .requestLog()
      .slice(before)
      .filter((r) => r.operation === 'getPurchaseOrders')
      .map((r) => r.status);
    expect(statuses).toEqual([403, 200]);
  });

  it('surfaces Amazon’s InvalidInput for a window longer than seven days, without retrying', async () => {
    const api = makeVendorOrdersApi(client(() => clock.now().getTime()));
    const before = sandbox.requestLog().length;
    const error = await api
      .purchaseOrderPages({
        createdAfter: new Date(clock.now().getTime() - 8 * 86_400_000).toISOString(),
        createdBefore: clock.now().toISOString(),
      })
      .next()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpApiRequestError);
    expect((error as SpApiRequestError).code).toBe('InvalidInput');
    expect(
      sandbox
        .requestLog()
        .slice(before)
        .filter((r) => r.operation === 'getPurchaseOrders'),
    ).toHaveLength(1);
  });
});
