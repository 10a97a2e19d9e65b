/**
 * A small Shopify Admin GraphQL client for a server-side Lambda: `fetch`, client-credentials tokens
 * (24 h) cached and refreshed, and cost-based throttling read from every response's
 * `extensions.cost.throttleStatus`. Written here rather than taking `@shopify/admin-api-client`
 * (which does not read `throttleStatus` nor fetch tokens, notes/domain.md §4.7): it is ~200 lines,
 * no dependency, nothing in the bundle we do not use.
 */
import * as z from 'zod';
import type { Clock } from '../clock.ts';
import {
  ShopifyAuthError,
  ShopifyOutcomeUnknownError,
  ShopifyqlParseError,
  ShopifyRequestError,
} from './errors.ts';

/** The Admin API version every request names. 2026-04 makes `changeFromQuantity` mandatory. */
export const SHOPIFY_API_VERSION = '2026-04';

/** The app's credentials (the Shopify secret in Secrets Manager). */
export const shopifyCredentialsSchema = z.looseObject({
  /** `acme.myshopify.com`, or a full base URL (`http://127.0.0.1:4282`) for the local sandbox. */
  shopDomain: z.string().min(1),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});
export type ShopifyCredentials = z.infer<typeof shopifyCredentialsSchema>;

const tokenSchema = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number().int().positive().optional(),
});
const throttleSchema = z.looseObject({
  maximumAvailable: z.number(),
  currentlyAvailable: z.number(),
  restoreRate: z.number().positive(),
});
const responseSchema = z.looseObject({
  data: z.unknown().optional(),
  errors: z
    .array(
      z.looseObject({
        message: z.string(),
        extensions: z.looseObject({ code: z.string().optional() }).optional(),
      }),
    )
    .optional(),
  extensions: z
    .looseObject({
      cost: z
        .looseObject({ requestedQueryCost: z.number().optional(), throttleStatus: throttleSchema.optional() })
        .optional(),
    })
    .optional(),
});

export type ThrottleStatus = z.infer<typeof throttleSchema>;

/** `shopifyqlQuery` (Admin API 2025-10 and later, scope `read_reports`): a table, or the parse errors. */
const shopifyqlSchema = z.looseObject({
  shopifyqlQuery: z.looseObject({
    parseErrors: z.array(z.string()).nullish(),
    tableData: z
      .looseObject({
        columns: z.array(
          z.looseObject({ name: z.string().min(1), dataType: z.string(), displayName: z.string() }),
        ),
        // Rows are JSON: one object per row keyed by column name (a row as an array by column index is accepted too).
        rows: z.array(z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())])),
      })
      .nullish(),
  }),
});

/** One ShopifyQL result: its columns and one record per row, keyed by column name. */
export interface ShopifyqlTable {
  readonly columns: readonly { name: string; dataType: string; displayName: string }[];
  readonly rows: readonly Record<string, unknown>[];
}

const SHOPIFYQL_QUERY = `query AcornShopifyql($query: String!) {
  shopifyqlQuery(query: $query) {
    tableData { columns { name dataType displayName } rows }
    parseErrors
  }
}`;

/** Shopify does not publish a ShopifyQL query's cost; reserve what a small query costs. */
const SHOPIFYQL_EXPECTED_COST = 10;

/** Refresh a token this long before Shopify says it expires. */
const TOKEN_MARGIN_MS = 5 * 60_000;
const MAX_THROTTLED_RETRIES = 6;

export interface ShopifyGraphqlClientDeps {
  readonly credentials: () => Promise<ShopifyCredentials>;
  readonly clock: Clock;
  readonly fetch?: typeof fetch;
  readonly apiVersion?: string;
}

/** What {@link ShopifyGraphqlClient.request} returns: the data and the bucket after the call. */
export interface GraphqlResult<T> {
  readonly data: T;
  readonly throttle?: ThrottleStatus;
}

export class ShopifyGraphqlClient {
  #token: { value: string; until: number } | undefined;
  #throttle: { status: ThrottleStatus; at: number } | undefined;
  readonly #fetch: typeof fetch;

  constructor(private readonly deps: ShopifyGraphqlClientDeps) {
    this.#fetch = deps.fetch ?? fetch;
  }

  static baseUrl(shopDomain: string): string {
    return /^https?:\/\//.test(shopDomain) ? shopDomain.replace(/\/$/, '') : `https://${shopDomain}`;
  }

  /** The last throttle status seen, restored to now at its restore rate. */
  available(): number | undefined {
    if (!this.#throttle) return undefined;
    const { status, at } = this.#throttle;
    const elapsed = (this.deps.clock.now().getTime() - at) / 1000;
    return Math.min(status.maximumAvailable, status.currentlyAvailable + elapsed * status.restoreRate);
  }

  /** A client-credentials token, from the cache while it has more than 5 minutes left. */
  async token(force = false): Promise<string> {
    const now = this.deps.clock.now().getTime();
    if (!force && this.#token && this.#token.until > now) return this.#token.value;
    const credentials = await this.deps.credentials();
    const res = await this.#fetch(
      `${ShopifyGraphqlClient.baseUrl(credentials.shopDomain)}/admin/oauth/access_token`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
          client_id: credentials.clientId,
          client_secret: credentials.clientSecret,
          grant_type: 'client_credentials',
        }),
      },
    );
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      throw new ShopifyAuthError(`Shopify refused the client-credentials grant (HTTP ${res.status})`);
    }
    if (!res.ok)
      throw new ShopifyRequestError(`Shopify token endpoint answered HTTP ${res.status}`, true, res.status);
    const body = tokenSchema.safeParse(await res.json().catch(() => undefined));
    if (!body.success) throw new ShopifyRequestError('Shopify token response has no access_token', true);
    const lifetimeMs = (body.data.expires_in ?? 86_400) * 1000;
    this.#token = { value: body.data.access_token, until: now + Math.max(0, lifetimeMs - TOKEN_MARGIN_MS) };
    return body.data.access_token;
  }

  /**
   * One GraphQL operation. Waits first when the bucket (as last seen) lacks `expectedCost`; a
   * THROTTLED answer is retried after the time the bucket needs to refill. `mutation`: an HTTP
   * 5xx or a dropped connection may have applied it, so it is not retried here.
   */
  async request<T>(
    query: string,
    variables: Record<string, unknown>,
    opts: { expectedCost: number; mutation?: boolean; schema: z.ZodType<T> },
  ): Promise<GraphqlResult<T>> {
    const credentials = await this.deps.credentials();
    const url = `${ShopifyGraphqlClient.baseUrl(credentials.shopDomain)}/admin/api/${this.deps.apiVersion ?? SHOPIFY_API_VERSION}/graphql.json`;
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      await this.#waitFor(opts.expectedCost);
      let res: Response;
      try {
        res = await this.#fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            'x-shopify-access-token': await this.token(),
          },
          body: JSON.stringify({ query, variables }),
        });
      } catch (cause) {
        const message = `Shopify did not answer: ${(cause as Error).message}`;
        if (opts.mutation) throw new ShopifyOutcomeUnknownError(message);
        throw new ShopifyRequestError(message, true);
      }
      if (res.status === 401 && !refreshed) {
        refreshed = true;
        await this.token(true);
        continue;
      }
      const parsed = responseSchema.safeParse(await res.json().catch(() => undefined));
      const cost = parsed.success ? parsed.data.extensions?.cost : undefined;
      if (cost?.throttleStatus)
        this.#throttle = { status: cost.throttleStatus, at: this.deps.clock.now().getTime() };
      const throttled =
        res.status === 429 ||
        (parsed.success && parsed.data.errors?.some((e) => e.extensions?.code === 'THROTTLED') === true);
      if (throttled) {
        if (attempt >= MAX_THROTTLED_RETRIES)
          throw new ShopifyRequestError('Shopify kept throttling', true, 429);
        await this.#waitFor(cost?.requestedQueryCost ?? opts.expectedCost, 1000);
        continue;
      }
      if (res.status >= 500) {
        if (opts.mutation) throw new ShopifyOutcomeUnknownError(`Shopify answered HTTP ${res.status}`);
        if (attempt < 3) {
          await this.deps.clock.sleep(500 * 2 ** attempt);
          continue;
        }
        throw new ShopifyRequestError(`Shopify answered HTTP ${res.status}`, true, res.status);
      }
      if (!parsed.success && res.ok && opts.mutation) {
        throw new ShopifyOutcomeUnknownError(`Shopify answered HTTP ${res.status} with an unreadable body`);
      }
      if (!res.ok || !parsed.success) {
        throw new ShopifyRequestError(
          `Shopify answered HTTP ${res.status} without a GraphQL body`,
          !opts.mutation,
          res.status,
        );
      }
      if (parsed.data.errors?.length) {
        // A query error: the operation did not run.
        throw new ShopifyRequestError(
          `Shopify GraphQL errors: ${parsed.data.errors.map((e) => e.message).join('; ')}`,
          false,
          res.status,
        );
      }
      const data = opts.schema.safeParse(parsed.data.data);
      if (!data.success) {
        if (opts.mutation)
          throw new ShopifyOutcomeUnknownError('Shopify answered a mutation with an unexpected shape');
        throw new ShopifyRequestError('Shopify answered with an unexpected shape', true, res.status);
      }
      return { data: data.data, ...(cost?.throttleStatus ? { throttle: cost.throttleStatus } : {}) };
    }
  }

  /**
   * Runs one ShopifyQL query (`shopifyqlQuery`, read-only), throttled like every other call.
   * Throws {@link ShopifyqlParseError} naming the query when Shopify could not parse it, and
   * {@link ShopifyRequestError} when the answer has no table.
   */
  async shopifyqlQuery(query: string): Promise<ShopifyqlTable> {
    const { data } = await this.request(
      SHOPIFYQL_QUERY,
      { query },
      { expectedCost: SHOPIFYQL_EXPECTED_COST, schema: shopifyqlSchema },
    );
    const { parseErrors, tableData } = data.shopifyqlQuery;
    if (parseErrors && parseErrors.length > 0) throw new ShopifyqlParseError(query, parseErrors);
    if (!tableData)
      throw new ShopifyRequestError(`Shopify answered the ShopifyQL query "${query}" without a table`, false);
    const names = tableData.columns.map((c) => c.name);
    return {
      columns: tableData.columns,
      rows: tableData.rows.map((row) =>
        Array.isArray(row) ? Object.fromEntries(names.map((name, i) => [name, row[i]])) : row,
      ),
    };
  }

  async #waitFor(cost: number, atLeastMs = 0): Promise<void> {
    const available = this.available();
    const status = this.#throttle?.status;
    let waitMs = atLeastMs;
    if (available !== undefined && status && available < cost) {
      waitMs = Math.max(waitMs, Math.ceil(((cost - available) / status.restoreRate) * 1000));
    }
    if (waitMs > 0) await this.deps.clock.sleep(waitMs);
  }
}
