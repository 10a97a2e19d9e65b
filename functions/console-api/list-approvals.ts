import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { DynamoDbApprovalStore } from '#shared/aws/dynamodb-credit-memos.ts';
import { requireEnv } from '#shared/config/runtime.ts';
import { APPROVAL_STATES, approvalView } from '#shared/domain/approvals/approval.ts';
import { POLICIES } from '#shared/domain/authorization.ts';
import { withObservability } from '#shared/observability.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { authorized, errorResponse, json } from './http.ts';

const approvals = new DynamoDbApprovalStore({
  client: new DynamoDBClient({}),
  tableName: requireEnv('TABLE_NAME'),
});

const querySchema = z.object({
  state: z.enum(APPROVAL_STATES).default('pending'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(2000).optional(),
});

/** GET /api/approvals?state=pending — by expiry, soonest first; never the task token or a link. */
export async function listApprovals(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const query = parseOrThrow(querySchema, event.queryStringParameters ?? {}, 'query');
    const page = await approvals.list({
      state: query.state,
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return json(200, {
      items: page.items.map(approvalView),
      ...(page.cursor ? { cursor: page.cursor } : {}),
    });
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.read, listApprovals));
