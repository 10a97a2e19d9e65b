import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ValidationError } from '#shared/errors.ts';
import { logger, withObservability } from '#shared/observability.ts';
import {
  makeReceiveShopifyWebhook,
  WebhookSignatureError,
} from '#shared/use-cases/inventory/shopify-webhooks.ts';
import { errorResponse, json } from '../console-api/http.ts';
import { inventoryBasics, shopifySecret } from './dependencies.ts';

const { store, ledger, events, clock } = inventoryBasics();
const secret = shopifySecret(process.env);
const receive = makeReceiveShopifyWebhook({
  store,
  ledger,
  events,
  clock,
  secret: async () => (await secret.get()).clientSecret,
});

/**
 * POST /webhooks/shopify — Shopify's HTTPS webhooks (orders, refunds, inventory levels). Not
 * IAM-authorized (Shopify cannot sign with AWS credentials): the HMAC over the raw body, with the
 * app's client secret, is the authentication. 401 for a bad signature, 200 for a replay (so
 * Shopify stops), 200 when applied.
 */
export async function receiveShopifyWebhook(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const header = (name: string) => event.headers?.[name] ?? event.headers?.[name.toLowerCase()];
  const rawBody = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64')
    : Buffer.from(event.body ?? '', 'utf8');
  try {
    const result = await receive({
      rawBody,
      hmac: header('x-shopify-hmac-sha256'),
      topic: header('x-shopify-topic'),
      webhookId: header('x-shopify-webhook-id'),
    });
    return json(200, result);
  } catch (error) {
    if (error instanceof WebhookSignatureError) {
      logger.warn('Refused a webhook with a bad signature', { topic: header('x-shopify-topic') });
      return json(401, { error: 'Unauthorized', message: error.message });
    }
    if (error instanceof ValidationError)
      return json(400, { error: 'ValidationError', message: error.message, issues: error.issues });
    return errorResponse(error);
  }
}

export const handler = withObservability(receiveShopifyWebhook);
