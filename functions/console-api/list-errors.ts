import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { DynamoDbOutboxStore } from '#shared/aws/dynamodb-outbox.ts';
import { requireEnv } from '#shared/config/runtime.ts';
import { POLICIES } from '#shared/domain/authorization.ts';
import { errorGuides, explainError } from '#shared/domain/sp-api-error-guide.ts';
import { withObservability } from '#shared/observability.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { authorized, errorResponse, json } from './http.ts';

const outbox = new DynamoDbOutboxStore({
  client: new DynamoDBClient({}),
  tableName: requireEnv('TABLE_NAME'),
});

const querySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(2000).optional(),
});

/**
 * GET /api/errors — every failed submission (the outbox's `failed` messages, newest first), each
 * with Amazon's error codes, what they mean and the fix; `guide` lists every known code.
 */
export async function listErrors(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const query = parseOrThrow(querySchema, event.queryStringParameters ?? {}, 'query string');
    const page = await outbox.listByState('failed', {
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return json(200, {
      items: page.items.map((m) => {
        const codes = m.lastError?.details?.length
          ? m.lastError.details.map((d) => ({ code: d.code, message: d.message, details: d.details }))
          : [{ code: m.lastError?.code, message: m.lastError?.message ?? '', details: undefined }];
        return {
          key: m.key,
          module: m.module,
          operation: m.operation,
          subject: m.subject,
          failedAt: m.updatedAt,
          attempts: m.attempts,
          status: m.lastError?.status,
          errors: codes.map((c) => {
            const guide = explainError(c.code);
            return { ...c, code: guide.code, meaning: guide.meaning, fix: guide.fix };
          }),
        };
      }),
      ...(page.cursor ? { cursor: page.cursor } : {}),
      guide: errorGuides(),
    });
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.read, listErrors));
