import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../clock.ts';
import type { RuntimeConfig } from '../config/runtime.ts';
import { ConfigurationError } from '../errors.ts';
import type { RateLimiter } from '../rate-limit/rate-limiter.ts';
import { makeSpApiClient, type SpApiAttempt, type SpApiClient } from '../sp-api/client.ts';
import { type AccessTokenProvider, makeLwaTokenProvider } from '../sp-api/lwa.ts';
import { LWA_TOKEN_URL } from '../sp-api/operations.ts';
import { makeVendorOrdersApi, type VendorOrdersApi } from '../sp-api/vendor-orders.ts';
import { makeVendorTransactionsApi, type VendorTransactionsApi } from '../sp-api/vendor-transactions.ts';
import { DynamoDbRateLimiter } from './dynamodb-rate-limiter.ts';
import type { JsonSecret, spApiCredentialsSchema } from './secrets.ts';

/**
 * Builds SP-API clients for the configured accounts: one token cache per account, one rate limiter
 * shared through DynamoDB by every function and process. Created once per function module.
 */
export function makeSpApiAccess(deps: {
  config: RuntimeConfig;
  credentials: JsonSecret<typeof spApiCredentialsSchema>;
  dynamo: DynamoDBClient;
  tableName: string;
  limiter?: RateLimiter;
  /** Business clock: LWA tokens expire on it (locally the sandbox runs on the same clock). */
  clock?: Clock;
  fetch?: typeof fetch;
  onAttempt?: (attempt: SpApiAttempt) => void;
}) {
  const limiter = deps.limiter ?? new DynamoDbRateLimiter({ client: deps.dynamo, tableName: deps.tableName });
  const tokens = new Map<string, AccessTokenProvider>();
  const clients = new Map<string, SpApiClient>();

  function account(accountId: string) {
    const found = deps.config.spApi.accounts.find((a) => a.id === accountId);
    if (!found) throw new ConfigurationError(`No SP-API account "${accountId}" in the configuration`);
    return found;
  }

  function tokenProvider(accountId: string): AccessTokenProvider {
    let provider = tokens.get(accountId);
    if (!provider) {
      provider = makeLwaTokenProvider({
        tokenUrl: deps.config.spApi.lwaEndpoint ?? LWA_TOKEN_URL,
        fetch: deps.fetch,
        ...(deps.clock ? { now: () => deps.clock!.now().getTime() } : {}),
        credentials: async () => {
          const secret = await deps.credentials.get();
          const refreshToken = secret.refreshTokens[accountId];
          if (!secret.clientId || !secret.clientSecret || !refreshToken) {
            throw new ConfigurationError(
              `The SP-API credentials secret lacks clientId, clientSecret or refreshTokens["${accountId}"]; see docs/deployment.md`,
            );
          }
          return { clientId: secret.clientId, clientSecret: secret.clientSecret, refreshToken };
        },
      });
      tokens.set(accountId, provider);
    }
    return provider;
  }

  function client(accountId: string): SpApiClient {
    let found = clients.get(accountId);
    if (!found) {
      const { region, endpoint } = account(accountId);
      found = makeSpApiClient({
        region,
        baseUrl: endpoint,
        limiterScope: accountId,
        tokens: tokenProvider(accountId),
        limiter,
        rateLimitFraction: deps.config.spApi.rateLimitFraction,
        maxAttempts: deps.config.spApi.retry.maxAttempts,
        backoff: { baseMs: deps.config.spApi.retry.baseDelayMs, capMs: deps.config.spApi.retry.maxDelayMs },
        fetch: deps.fetch,
        onAttempt: deps.onAttempt,
      });
      clients.set(accountId, found);
    }
    return found;
  }

  return {
    client,
    /** The orders API of one SP-API account. */
    ordersOfAccount(accountId: string): VendorOrdersApi {
      return makeVendorOrdersApi(client(accountId));
    },
    /** The transaction status API of the account a vendor code is reached through. */
    transactionsFor(vendorCode: string): VendorTransactionsApi {
      const vendor = deps.config.vendors.find((v) => v.vendorCode === vendorCode);
      if (!vendor) throw new ConfigurationError(`Vendor code ${vendorCode} is not configured`);
      return makeVendorTransactionsApi(client(vendor.spApiAccount));
    },
    /** The orders API of the account a vendor code is reached through. */
    ordersFor(vendorCode: string): VendorOrdersApi {
      const vendor = deps.config.vendors.find((v) => v.vendorCode === vendorCode);
      if (!vendor) throw new ConfigurationError(`Vendor code ${vendorCode} is not configured`);
      return makeVendorOrdersApi(client(vendor.spApiAccount));
    },
  };
}
