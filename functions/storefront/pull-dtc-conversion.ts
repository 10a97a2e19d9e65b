import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { DynamoDbDtcConversionStore } from '#shared/aws/dynamodb-dtc-conversion.ts';
import { JsonSecret } from '#shared/aws/secrets.ts';
import { clockFromEnv } from '#shared/clock.ts';
import { requireEnv } from '#shared/config/runtime.ts';
import { ValidationError } from '#shared/errors.ts';
import { logger, withObservability } from '#shared/observability.ts';
import { ShopifyGraphqlClient, shopifyCredentialsSchema } from '#shared/shopify/client.ts';
import { ShopifyDtcConversionApi } from '#shared/shopify/dtc-conversion.ts';
import { makePullDtcConversion } from '#shared/use-cases/storefront/pull-dtc-conversion.ts';

const clock = clockFromEnv();
const secret = new JsonSecret({
  client: new SecretsManagerClient({}),
  secretId: requireEnv('SHOPIFY_SECRET_ID'),
  schema: shopifyCredentialsSchema,
});
// One client per container: its token and Shopify's throttle state are shared by every run.
const shopify = new ShopifyGraphqlClient({ credentials: () => secret.get(), clock });
const pull = makePullDtcConversion({
  source: new ShopifyDtcConversionApi(shopify),
  store: new DynamoDbDtcConversionStore({
    client: new DynamoDBClient({}),
    tableName: requireEnv('TABLE_NAME'),
  }),
  clock,
});

/** The schedule's input (`inventory.shopify.dtcConversion.days`). */
const eventSchema = z.looseObject({ days: z.number().int().min(1).max(90).default(30) });

/**
 * Scheduled (hourly by default): the store's sessions, completed checkouts and orders of the
 * last `days` days from Shopify's analytics (ShopifyQL), one item per day. A query Shopify
 * cannot parse or a malformed answer is logged and fails the run (Scheduler retries, then the
 * dead-letter queue and its alarm), with the stored days untouched.
 */
export async function pullDtcConversion(event: unknown) {
  const parsed = eventSchema.safeParse(event ?? {});
  if (!parsed.success) {
    throw new ValidationError(
      'PullDtcConversion input is invalid',
      parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(event)', message: i.message })),
    );
  }
  try {
    const result = await pull({ days: parsed.data.days });
    logger.info('Pulled DTC conversion from Shopify', { ...result });
    return result;
  } catch (error) {
    logger.error('DTC conversion pull failed; stored days unchanged', { error });
    throw error;
  }
}

export const handler = withObservability(pullDtcConversion);
