import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '#shared/clock.ts';
import { ShopifyGraphqlClient } from '#shared/shopify/client.ts';
import { ordersQuery, ShopifyDtcConversionApi, sessionsQuery } from '#shared/shopify/dtc-conversion.ts';
import { ShopifyqlAnswerError, ShopifyqlParseError, ShopifyRequestError } from '#shared/shopify/errors.ts';

const COST = {
  cost: {
    requestedQueryCost: 10,
    actualQueryCost: 10,
    throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 },
  },
};
const jsonResponse = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A fetch fake: the token endpoint answers, GraphQL calls get the queued answers in order and are recorded. */
function fakeShopify(answers: (() => Response)[]) {
  const calls: { query: string; variables: Record<string, unknown> }[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    if (String(url).endsWith('/admin/oauth/access_token'))
      return jsonResponse({ access_token: 'tok', expires_in: 86_400 });
    calls.push(JSON.parse(String(init?.body)) as { query: string; variables: Record<string, unknown> });
    const next = answers.shift();
    if (!next) throw new Error('no answer queued');
    return next();
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

const table = (columns: string[], rows: unknown[]) => () =>
  jsonResponse({
    data: {
      shopifyqlQuery: {
        tableData: {
          columns: columns.map((name) => ({
            name,
            dataType: name === 'day' ? 'DAY_TIMESTAMP' : 'INTEGER',
            displayName: name,
          })),
          rows,
        },
        parseErrors: [],
      },
    },
    extensions: COST,
  });

describe('ShopifyGraphqlClient.shopifyqlQuery', () => {
  let clock: ManualClock;
  beforeEach(() => {
    clock = new ManualClock('2026-11-30T12:00:00Z');
  });
  const client = (fetch: typeof globalThis.fetch) =>
    new ShopifyGraphqlClient({
      credentials: async () => ({ shopDomain: 'acme.myshopify.com', clientId: 'id', clientSecret: 'secret' }),
      clock,
      fetch,
    });

  it('sends the query as a variable of shopifyqlQuery and returns rows keyed by column', async () => {
    const shopify = fakeShopify([table(['day', 'sessions'], [{ day: '2026-11-30', sessions: 12 }])]);
    const result = await client(shopify.fetch).shopifyqlQuery(
      'FROM sessions SHOW sessions TIMESERIES day SINCE today UNTIL today',
    );
    expect(shopify.calls[0]?.query).toContain('shopifyqlQuery(query: $query)');
    expect(shopify.calls[0]?.query).toContain('parseErrors');
    expect(shopify.calls[0]?.variables).toEqual({
      query: 'FROM sessions SHOW sessions TIMESERIES day SINCE today UNTIL today',
    });
    expect(result.rows).toEqual([{ day: '2026-11-30', sessions: 12 }]);
    expect(result.columns.map((c) => c.name)).toEqual(['day', 'sessions']);
  });

  it('reads rows given as arrays by column index', async () => {
    const shopify = fakeShopify([table(['day', 'sessions'], [['2026-11-30', '7']])]);
    const result = await client(shopify.fetch).shopifyqlQuery('Q');
    expect(result.rows).toEqual([{ day: '2026-11-30', sessions: '7' }]);
  });

  it('turns parse errors into a ShopifyqlParseError that names the query', async () => {
    const shopify = fakeShopify([
      () =>
        jsonResponse({
          data: {
            shopifyqlQuery: {
              tableData: null,
              parseErrors: ["Column 'visits' does not exist in table 'sessions'"],
            },
          },
          extensions: COST,
        }),
    ]);
    const error = await client(shopify.fetch)
      .shopifyqlQuery('FROM sessions SHOW visits')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyqlParseError);
    expect((error as ShopifyqlParseError).retryable).toBe(false);
    expect((error as Error).message).toContain('"FROM sessions SHOW visits"');
    expect((error as Error).message).toContain("Column 'visits' does not exist");
  });

  it('refuses an answer without a table or without the shopifyqlQuery field', async () => {
    const shopify = fakeShopify([
      () =>
        jsonResponse({ data: { shopifyqlQuery: { tableData: null, parseErrors: [] } }, extensions: COST }),
      () => jsonResponse({ data: { somethingElse: {} }, extensions: COST }),
    ]);
    await expect(client(shopify.fetch).shopifyqlQuery('Q1')).rejects.toThrow(/"Q1" without a table/);
    await expect(client(shopify.fetch).shopifyqlQuery('Q2')).rejects.toBeInstanceOf(ShopifyRequestError);
  });

  it('waits for the bucket and retries when Shopify throttles the query', async () => {
    const throttled = () =>
      jsonResponse({
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }],
        extensions: {
          cost: {
            requestedQueryCost: 10,
            actualQueryCost: null,
            throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 0, restoreRate: 100 },
          },
        },
      });
    const shopify = fakeShopify([throttled, table(['day', 'sessions'], [])]);
    const c = client(shopify.fetch);
    const pending = c.shopifyqlQuery('Q');
    // The retry sleeps on the injected clock: 10 points at 100/s, at least a second.
    for (let i = 0; i < 20 && shopify.calls.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 0));
      clock.advance(1000);
    }
    await expect(pending).resolves.toEqual({
      columns: [
        { name: 'day', dataType: 'DAY_TIMESTAMP', displayName: 'day' },
        { name: 'sessions', dataType: 'INTEGER', displayName: 'sessions' },
      ],
      rows: [],
    });
    expect(shopify.calls).toHaveLength(2);
  });
});

describe('ShopifyDtcConversionApi', () => {
  const FROM = '2026-11-28';
  const UNTIL = '2026-11-30';
  const fake = (answers: Record<string, { columns: string[]; rows: Record<string, unknown>[] }>) => {
    const asked: string[] = [];
    return {
      asked,
      api: new ShopifyDtcConversionApi({
        shopifyqlQuery: async (query) => {
          asked.push(query);
          const answer = answers[query.split(' ')[1] ?? ''];
          if (!answer) throw new Error(`unexpected ${query}`);
          return {
            columns: answer.columns.map((name) => ({ name, dataType: 'INTEGER', displayName: name })),
            rows: answer.rows,
          };
        },
      }),
    };
  };
  const sessionsColumns = ['day', 'sessions', 'sessions_that_completed_checkout'];

  it('asks for sessions, completed checkouts and orders per day and merges them', async () => {
    const { api, asked } = fake({
      sessions: {
        columns: sessionsColumns,
        rows: [
          { day: '2026-11-28', sessions: 0, sessions_that_completed_checkout: 0 },
          { day: '2026-11-29', sessions: '120', sessions_that_completed_checkout: '4' },
          { day: '2026-11-30T00:00:00', sessions: 33, sessions_that_completed_checkout: 1 },
        ],
      },
      sales: { columns: ['day', 'orders'], rows: [{ day: '2026-11-29', orders: 5 }] },
    });
    expect(await api.dailyConversion(FROM, UNTIL)).toEqual([
      { day: '2026-11-28', sessions: 0, checkouts: 0, orders: 0 },
      { day: '2026-11-29', sessions: 120, checkouts: 4, orders: 5 },
      { day: '2026-11-30', sessions: 33, checkouts: 1, orders: 0 },
    ]);
    expect(asked).toEqual([sessionsQuery(FROM, UNTIL), ordersQuery(FROM, UNTIL)]);
    expect(asked[0]).toBe(
      'FROM sessions SHOW sessions, sessions_that_completed_checkout TIMESERIES day SINCE 2026-11-28 UNTIL 2026-11-30',
    );
  });

  it.each([
    [
      'a missing column',
      { columns: ['day', 'sessions'], rows: [] },
      /no column sessions_that_completed_checkout/,
    ],
    [
      'a count that is not a count',
      {
        columns: sessionsColumns,
        rows: [{ day: '2026-11-29', sessions: 'many', sessions_that_completed_checkout: 1 }],
      },
      /row 1: sessions is "many", not a count/,
    ],
    [
      'a negative count',
      {
        columns: sessionsColumns,
        rows: [{ day: '2026-11-29', sessions: 10, sessions_that_completed_checkout: -1 }],
      },
      /row 1: sessions_that_completed_checkout is -1/,
    ],
    [
      'a day that is not a date',
      {
        columns: sessionsColumns,
        rows: [{ day: 'Nov 29', sessions: 1, sessions_that_completed_checkout: 0 }],
      },
      /row 1: day is "Nov 29", not a date/,
    ],
    [
      'a day outside the range asked for',
      {
        columns: sessionsColumns,
        rows: [{ day: '2026-12-01', sessions: 1, sessions_that_completed_checkout: 0 }],
      },
      /day 2026-12-01 is outside 2026-11-28..2026-11-30/,
    ],
    [
      'a day twice',
      {
        columns: sessionsColumns,
        rows: [
          { day: '2026-11-29', sessions: 1, sessions_that_completed_checkout: 0 },
          { day: '2026-11-29', sessions: 2, sessions_that_completed_checkout: 0 },
        ],
      },
      /row 2: day 2026-11-29 appears twice/,
    ],
  ])('refuses %s with an error naming the query and the row', async (_name, sessions, message) => {
    const { api } = fake({ sessions, sales: { columns: ['day', 'orders'], rows: [] } });
    const error = await api.dailyConversion(FROM, UNTIL).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyqlAnswerError);
    expect((error as Error).message).toContain(`"${sessionsQuery(FROM, UNTIL)}"`);
    expect((error as Error).message).toMatch(message);
  });
});
