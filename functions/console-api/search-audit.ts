import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { DynamoDbAuditLog, MAX_SEARCH_DAYS } from '#shared/aws/dynamodb-audit.ts';
import { clockFromEnv } from '#shared/clock.ts';
import { requireEnv } from '#shared/config/runtime.ts';
import { auditEntitySchema } from '#shared/domain/audit.ts';
import { POLICIES } from '#shared/domain/authorization.ts';
import { withObservability } from '#shared/observability.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { authorized, errorResponse, json } from './http.ts';

const clock = clockFromEnv();
const log = new DynamoDbAuditLog({ client: new DynamoDBClient({}), tableName: requireEnv('TABLE_NAME') });

const querySchema = z
  .object({
    /** `PurchaseOrder:4R9DIAQD` (type and id). */
    entity: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]*:.+$/, 'expected Type:id, e.g. PurchaseOrder:4R9DIAQD')
      .transform((v) => {
        const at = v.indexOf(':');
        return { type: v.slice(0, at), id: v.slice(at + 1) };
      })
      .pipe(auditEntitySchema)
      .optional(),
    /** An actor id: a Cognito `sub`, a rule id, `outbox`. */
    actor: z.string().min(1).max(200).optional(),
    /** A dotted action, `automation.switched`. */
    action: z
      .string()
      .regex(/^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9-]*)+$/, 'expected a dotted action')
      .optional(),
    from: z.iso.datetime().optional(),
    to: z.iso.datetime().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(2000).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    path: ['from'],
    message: 'from must not be after to',
  });

/**
 * GET /api/audit?entity=Type:id|actor=…|action=…&from&to — the audit log, newest first: by entity
 * (the table's key), by actor (gsi2), or day by day (gsi1, at most 31 days) with the action as a
 * filter. Index queries only, never a scan. Default window: the last 7 days.
 */
export async function searchAudit(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const query = parseOrThrow(querySchema, event.queryStringParameters ?? {}, 'query string');
    const to = query.to ?? clock.now().toISOString();
    const from =
      query.from ??
      new Date(new Date(to).getTime() - (query.entity || query.actor ? 365 : 7) * 86_400_000).toISOString();
    const page = await log.search({
      ...(query.entity ? { entity: query.entity } : {}),
      ...(query.actor ? { actorId: query.actor } : {}),
      ...(query.action ? { action: query.action } : {}),
      from,
      to,
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return json(200, { from, to, maxDays: MAX_SEARCH_DAYS, ...page });
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.read, searchAudit));
