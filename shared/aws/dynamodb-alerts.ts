import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { ALERT_SEVERITIES } from '../domain/notifications/alert-config.ts';
import { ALERT_STATES, type Alert, type AlertState } from '../domain/notifications/alerts.ts';
import type { AlertStore } from '../use-cases/notifications/ports.ts';
import { parseOrThrow } from '../validation.ts';
import { keyCondition, queryItems } from './dynamodb-query.ts';

/**
 * Alerts in the single table:
 *
 * | item  | pk / sk             | gsi1 (per channel and state)                                                      | gsi2 (by day)                    |
 * | ----- | ------------------- | --------------------------------------------------------------------------------- | -------------------------------- |
 * | alert | `ALERT#<id>` / `ALERT` | `ALERTQ#<channel>#queued` / `<dueAt>#<id>`; `…#assigned` / `<deliveryKey>#<id>`; else `ALERTS#<state>` / `<updatedAt>#<id>` | `ALERTDAY#<yyyy-mm-dd>` / `<createdAt>#<id>` |
 *
 * Queued and assigned alerts are one query per channel away; settled ones leave the channel's partitions.
 */
export const alertKeys = {
  pk: (id: string) => `ALERT#${id}`,
  sk: 'ALERT',
  queuedPk: (channel: string) => `ALERTQ#${channel}#queued`,
  assignedPk: (channel: string) => `ALERTQ#${channel}#assigned`,
  settledPk: (state: AlertState) => `ALERTS#${state}`,
  dayPk: (day: string) => `ALERTDAY#${day}`,
};

const alertSchema = z.strictObject({
  id: z.string(),
  eventId: z.string(),
  source: z.string(),
  detailType: z.string(),
  channel: z.string(),
  severity: z.enum(ALERT_SEVERITIES),
  people: z.array(z.string()),
  rules: z.array(z.string()),
  title: z.string(),
  lines: z.array(z.string()),
  link: z.string(),
  createdAt: z.string(),
  dueAt: z.string(),
  deferredFor: z.enum(['quiet-hours', 'digest']).optional(),
  state: z.enum(ALERT_STATES),
  deliveryKey: z.string().optional(),
  deliveredAt: z.string().optional(),
  error: z.string().optional(),
  updatedAt: z.string(),
});

function item(alert: Alert): Record<string, AttributeValue> {
  const gsi1 =
    alert.state === 'queued'
      ? { pk: alertKeys.queuedPk(alert.channel), sk: `${alert.dueAt}#${alert.id}` }
      : alert.state === 'assigned'
        ? { pk: alertKeys.assignedPk(alert.channel), sk: `${alert.deliveryKey ?? ''}#${alert.id}` }
        : { pk: alertKeys.settledPk(alert.state), sk: `${alert.updatedAt}#${alert.id}` };
  return {
    pk: { S: alertKeys.pk(alert.id) },
    sk: { S: alertKeys.sk },
    gsi1pk: { S: gsi1.pk },
    gsi1sk: { S: gsi1.sk },
    gsi2pk: { S: alertKeys.dayPk(alert.createdAt.slice(0, 10)) },
    gsi2sk: { S: `${alert.createdAt}#${alert.id}` },
    state: { S: alert.state },
    data: { S: JSON.stringify(alert) },
  };
}

function fromItem(raw: Record<string, AttributeValue>): Alert {
  return parseOrThrow(alertSchema, JSON.parse(raw.data?.S ?? 'null'), 'stored alert') as Alert;
}

/** The alert store on DynamoDB: conditional puts, index queries, no scans. */
export class DynamoDbAlertStore implements AlertStore {
  constructor(private readonly deps: { client: DynamoDBClient; tableName: string }) {}

  async create(alert: Alert): Promise<'created' | 'exists'> {
    return (await this.#put(alert, 'attribute_not_exists(pk)')) ? 'created' : 'exists';
  }

  async get(id: string): Promise<Alert | undefined> {
    const res = await this.deps.client.send(
      new GetItemCommand({
        TableName: this.deps.tableName,
        Key: { pk: { S: alertKeys.pk(id) }, sk: { S: alertKeys.sk } },
        ConsistentRead: true,
      }),
    );
    return res.Item ? fromItem(res.Item) : undefined;
  }

  queuedDue(channel: string, now: Date, limit: number): Promise<Alert[]> {
    return this.#query('gsi1', alertKeys.queuedPk(channel), limit, { below: `${now.toISOString()}#~` });
  }

  assigned(channel: string, limit: number, deliveryKey?: string): Promise<Alert[]> {
    return this.#query(
      'gsi1',
      alertKeys.assignedPk(channel),
      limit,
      deliveryKey ? { beginsWith: `${deliveryKey}#` } : {},
    );
  }

  async update(next: Alert, expectedState: AlertState): Promise<'updated' | 'conflict'> {
    return (await this.#put(next, 'attribute_exists(pk) AND #state = :expected', {
      ':expected': { S: expectedState },
    }))
      ? 'updated'
      : 'conflict';
  }

  createdOn(day: string, limit: number): Promise<Alert[]> {
    return this.#query('gsi2', alertKeys.dayPk(day), limit, {}, false);
  }

  async #put(alert: Alert, condition: string, values?: Record<string, AttributeValue>): Promise<boolean> {
    try {
      await this.deps.client.send(
        new PutItemCommand({
          TableName: this.deps.tableName,
          Item: item(alert),
          ConditionExpression: condition,
          ...(values
            ? { ExpressionAttributeValues: values, ExpressionAttributeNames: { '#state': 'state' } }
            : {}),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async #query(
    index: 'gsi1' | 'gsi2',
    pk: string,
    limit: number,
    range: { below?: string; beginsWith?: string },
    forward = true,
  ): Promise<Alert[]> {
    const items = await queryItems(
      this.deps.client,
      { TableName: this.deps.tableName, ...keyCondition({ index, pk, ...range }), ScanIndexForward: forward },
      limit,
    );
    return items.map(fromItem);
  }
}
