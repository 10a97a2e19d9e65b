/**
 * One OS process of the shared-rate-limit test: calls getPurchaseOrders against the sandbox as
 * fast as the DynamoDB limiter lets it until the deadline, then prints what it saw as JSON.
 * Processes share nothing but the limiter's table.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbRateLimiter } from '#shared/aws/dynamodb-rate-limiter.ts';
import { makeSpApiClient } from '#shared/sp-api/client.ts';
import { makeLwaTokenProvider } from '#shared/sp-api/lwa.ts';
import { getPurchaseOrdersResponseSchema } from '#shared/sp-api/schemas/orders.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const sandboxUrl = env('SANDBOX_URL');
const startAt = Number(env('START_AT'));
const stopAt = Number(env('STOP_AT'));
const attempts: { status: number; at: number }[] = [];

const client = makeSpApiClient({
  region: 'eu',
  baseUrl: sandboxUrl,
  limiterScope: 'shared-limit-test',
  rateLimitFraction: Number(env('RATE_LIMIT_FRACTION')),
  limiter: new DynamoDbRateLimiter({
    client: new DynamoDBClient({ endpoint: env('DYNAMODB_ENDPOINT') }),
    tableName: env('TABLE_NAME'),
  }),
  tokens: makeLwaTokenProvider({
    tokenUrl: `${sandboxUrl}/auth/o2/token`,
    credentials: async () => ({
      clientId: env('LWA_CLIENT_ID'),
      clientSecret: env('LWA_CLIENT_SECRET'),
      refreshToken: env('LWA_REFRESH_TOKEN'),
    }),
  }),
  onAttempt: (a) => attempts.push({ status: a.status, at: Date.now() }),
});

await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
let ok = 0;
while (Date.now() < stopAt) {
  await client.call({
    operation: 'getPurchaseOrders',
    method: 'GET',
    path: '/vendor/orders/v1/purchaseOrders',
    query: { limit: 1 },
    responseSchema: getPurchaseOrdersResponseSchema,
  });
  ok++;
}
process.stdout.write(`${JSON.stringify({ ok, attempts })}\n`);
process.exit(0);
