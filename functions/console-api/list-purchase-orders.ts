import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { DynamoDbPurchaseOrderIndex } from '#shared/aws/dynamodb-purchase-order-index.ts';
import { requireEnv, runtimeConfigFromEnv } from '#shared/config/runtime.ts';
import { POLICIES } from '#shared/domain/authorization.ts';
import { withObservability } from '#shared/observability.ts';
import { makeListPurchaseOrders } from '#shared/use-cases/purchase-orders/list-purchase-orders.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { authorized, errorResponse, json } from './http.ts';

const config = runtimeConfigFromEnv();
const list = makeListPurchaseOrders({
  index: new DynamoDbPurchaseOrderIndex({
    client: new DynamoDBClient({}),
    tableName: requireEnv('TABLE_NAME'),
  }),
  vendorCodes: config.vendors.map((v) => v.vendorCode),
});

const querySchema = z.object({
  vendorCode: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  nextToken: z.string().optional(),
});

/** GET /api/purchase-orders: newest first, paged with an opaque nextToken. */
export async function listPurchaseOrders(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const query = parseOrThrow(querySchema, event.queryStringParameters ?? {}, 'query string');
    return json(200, await list(query));
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.read, listPurchaseOrders));
