import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { DynamoDbAlertStore } from '#shared/aws/dynamodb-alerts.ts';
import { clockFromEnv } from '#shared/clock.ts';
import { requireEnv } from '#shared/config/runtime.ts';
import { POLICIES } from '#shared/domain/authorization.ts';
import { ALERT_STATES, type Alert } from '#shared/domain/notifications/alerts.ts';
import { withObservability } from '#shared/observability.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { authorized, errorResponse, json } from './http.ts';

const clock = clockFromEnv();
const alerts = new DynamoDbAlertStore({
  client: new DynamoDBClient({}),
  tableName: requireEnv('TABLE_NAME'),
});

const querySchema = z.object({
  /** One alert by id. */
  id: z.string().min(1).max(300).optional(),
  /** Only alerts in this delivery state. */
  state: z.enum(ALERT_STATES).optional(),
  channel: z.string().min(1).max(40).optional(),
  /** Days back from today (UTC) to list. */
  days: z.coerce.number().int().min(1).max(31).default(2),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

function row(a: Alert) {
  return {
    id: a.id,
    state: a.state,
    severity: a.severity,
    channel: a.channel,
    detailType: a.detailType,
    title: a.title,
    createdAt: a.createdAt,
    dueAt: a.dueAt,
    ...(a.deferredFor ? { deferredFor: a.deferredFor } : {}),
    ...(a.deliveryKey ? { messageKey: a.deliveryKey } : {}),
    ...(a.deliveredAt ? { deliveredAt: a.deliveredAt } : {}),
    ...(a.error ? { error: a.error } : {}),
    link: a.link,
  };
}

/**
 * GET /api/alerts — recent alerts (newest first, `days` back) with their delivery state; `id=` one
 * alert with its lines. Index queries only.
 */
export async function listAlerts(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const query = parseOrThrow(querySchema, event.queryStringParameters ?? {}, 'query string');
    if (query.id) {
      const alert = await alerts.get(query.id);
      return alert
        ? json(200, { ...row(alert), lines: alert.lines, rules: alert.rules, people: alert.people })
        : json(404, { error: 'NotFound', message: `No alert ${query.id}` });
    }
    const today = clock.now().getTime();
    const items: Alert[] = [];
    for (let d = 0; d < query.days && items.length < query.limit; d++) {
      const day = new Date(today - d * 86_400_000).toISOString().slice(0, 10);
      const found = await alerts.createdOn(day, 500);
      items.push(
        ...found.filter(
          (a) => (!query.state || a.state === query.state) && (!query.channel || a.channel === query.channel),
        ),
      );
    }
    const list = items.slice(0, query.limit);
    const counts = Object.fromEntries(ALERT_STATES.map((s) => [s, list.filter((a) => a.state === s).length]));
    return json(200, { items: list.map(row), counts });
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.read, listAlerts));
