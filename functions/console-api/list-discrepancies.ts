import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { DynamoDbPaymentsStore } from '#shared/aws/dynamodb-payments.ts';
import { requireEnv, runtimeConfigFromEnv } from '#shared/config/runtime.ts';
import { POLICIES } from '#shared/domain/authorization.ts';
import { withObservability } from '#shared/observability.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { authorized, errorResponse, json } from './http.ts';

const config = runtimeConfigFromEnv();
const store = new DynamoDbPaymentsStore({
  client: new DynamoDBClient({}),
  tableName: requireEnv('TABLE_NAME'),
});

const querySchema = z.object({
  vendorCode: z.string().min(1).optional(),
  /** `discrepancy` (default), `dispute` (dispute candidates) or `credit-request`. */
  type: z.enum(['discrepancy', 'dispute', 'credit-request']).default('discrepancy'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/**
 * GET /api/discrepancies — payment discrepancies (paid ≠ billed − explained deductions, deductions
 * and payments naming no invoice Acorn billed, invoices unpaid past terms), latest first;
 * `type=dispute` the dispute candidates with their evidence, `type=credit-request` the credits
 * the remittance asked for. One index query per vendor code.
 */
export async function listDiscrepancies(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const query = parseOrThrow(querySchema, event.queryStringParameters ?? {}, 'query string');
    const vendors = query.vendorCode ? [query.vendorCode] : config.vendors.map((v) => v.vendorCode);
    const items = (await Promise.all(vendors.map((v) => store.findings(query.type, v, query.limit))))
      .flat()
      .sort((a, b) => b.detectedAt.localeCompare(a.detectedAt))
      .slice(0, query.limit);
    return json(200, { items: items.map(({ detail, ...f }) => ({ ...detail, ...f })) });
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.read, listDiscrepancies));
