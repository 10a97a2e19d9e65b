import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { DynamoDbAcknowledgementStore } from '#shared/aws/dynamodb-acknowledgements.ts';
import { clockFromEnv } from '#shared/clock.ts';
import { requireEnv, runtimeConfigFromEnv } from '#shared/config/runtime.ts';
import { POLICIES } from '#shared/domain/authorization.ts';
import { withObservability } from '#shared/observability.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { authorized, errorResponse, json } from './http.ts';

const config = runtimeConfigFromEnv();
const clock = clockFromEnv();
const acknowledgements = new DynamoDbAcknowledgementStore({
  client: new DynamoDBClient({}),
  tableName: requireEnv('TABLE_NAME'),
});

const querySchema = z.object({
  /** A state (`review`, `submitted`, ...), or `due` for open POs due within `hours`. */
  state: z
    .enum([
      'due',
      'review',
      'queued',
      'held',
      'simulated',
      'submitted',
      'accepted',
      'rejected',
      'failed',
      'unknown',
    ])
    .default('review'),
  hours: z.coerce
    .number()
    .positive()
    .max(24 * 7)
    .default(24),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/**
 * GET /api/acknowledgements?state=review — the POs waiting for a person; `state=due&hours=N` —
 * open acknowledgements due in the next N hours, soonest first. Index queries only, never a scan.
 */
export async function listAcknowledgements(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const query = parseOrThrow(querySchema, event.queryStringParameters ?? {}, 'query string');
    const records =
      query.state === 'due'
        ? (
            await Promise.all(
              config.vendors.map((v) =>
                acknowledgements.dueBefore(
                  v.vendorCode,
                  new Date(clock.now().getTime() + query.hours * 3_600_000),
                  query.limit,
                ),
              ),
            )
          )
            .flat()
            .sort((a, b) => a.deadline.localeCompare(b.deadline))
            .slice(0, query.limit)
        : await acknowledgements.listByState(query.state, query.limit);
    return json(200, {
      items: records.map((r) => ({
        purchaseOrderNumber: r.purchaseOrderNumber,
        vendorCode: r.vendorCode,
        marketplace: r.marketplace,
        state: r.state,
        deadline: r.deadline,
        updatedAt: r.updatedAt,
        linesInReview: r.lines.filter((l) => l.outcome === 'review').length,
        lines: r.lines.length,
        errors: r.errors,
      })),
    });
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.read, listAcknowledgements));
