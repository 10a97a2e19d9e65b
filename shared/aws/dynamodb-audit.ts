import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { type AuditEntity, type AuditEvent, auditDay, auditEventSchema } from '../domain/audit.ts';
import { ValidationError } from '../errors.ts';
import type { AuditLog, AuditReader, ListOptions } from '../use-cases/outbox/ports.ts';
import { parseOrThrow } from '../validation.ts';

/**
 * Keys of an audit event on the single table:
 * - `pk` `AUDIT#<entityType>#<entityId>`, `sk` `<at>#<id>`: an entity's history in order;
 * - gsi1 `AUDIT#<yyyy-mm-dd>` / `<at>#<id>`: the day's audit log across entities.
 */
export const auditKeys = {
  pk: (entity: AuditEntity) => `AUDIT#${entity.type}#${entity.id}`,
  sk: (event: { at: string; id: string }) => `${event.at}#${event.id}`,
  byDayPk: (day: string) => `AUDIT#${day}`,
};

const storedSchema = z.object({
  event: z.object({
    S: z
      .string()
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'not JSON' });
          return z.NEVER;
        }
      })
      .pipe(auditEventSchema),
  }),
});

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function encodeCursor(sortKey: string): string {
  return Buffer.from(sortKey, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const sortKey = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!sortKey || encodeCursor(sortKey) !== cursor) {
    throw new ValidationError('cursor is not one this API issued', [{ path: 'cursor', message: 'invalid' }]);
  }
  return sortKey;
}

/**
 * Audit events in DynamoDB, write-once: one conditional PutItem per event id, so writing an event
 * again after a crash stores it once (rule 9). The whole event is kept as JSON beside a few plain
 * attributes to filter on.
 */
export class DynamoDbAuditLog implements AuditLog, AuditReader {
  constructor(private readonly deps: { client: DynamoDBClient; tableName: string }) {}

  async record(event: AuditEvent): Promise<'recorded' | 'duplicate'> {
    const valid = parseOrThrow(auditEventSchema, event, 'audit event');
    const sk = auditKeys.sk(valid);
    const item: Record<string, AttributeValue> = {
      pk: { S: auditKeys.pk(valid.entity) },
      sk: { S: sk },
      gsi1pk: { S: auditKeys.byDayPk(auditDay(valid.at)) },
      gsi1sk: { S: sk },
      type: { S: 'AuditEvent' },
      id: { S: valid.id },
      at: { S: valid.at },
      action: { S: valid.action },
      actorType: { S: valid.actor.type },
      actorId: { S: valid.actor.id },
      entityType: { S: valid.entity.type },
      entityId: { S: valid.entity.id },
      event: { S: JSON.stringify(valid) },
      ...(valid.module ? { module: { S: valid.module } } : {}),
    };
    try {
      await this.deps.client.send(
        new PutItemCommand({
          TableName: this.deps.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'recorded';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'duplicate';
      throw error;
    }
  }

  byEntity(entity: AuditEntity, options: ListOptions): Promise<{ items: AuditEvent[]; cursor?: string }> {
    return this.#query(undefined, 'pk', 'sk', auditKeys.pk(entity), options);
  }

  async byDay(day: string, options: ListOptions): Promise<{ items: AuditEvent[]; cursor?: string }> {
    if (!DAY.test(day)) {
      throw new ValidationError(`day must be YYYY-MM-DD, got ${day}`, [
        { path: 'day', message: 'expected YYYY-MM-DD' },
      ]);
    }
    return await this.#query('gsi1', 'gsi1pk', 'gsi1sk', auditKeys.byDayPk(day), options);
  }

  async #query(
    index: string | undefined,
    pkName: string,
    skName: string,
    pk: string,
    options: ListOptions,
  ): Promise<{ items: AuditEvent[]; cursor?: string }> {
    const newestFirst = (options.order ?? 'newest-first') === 'newest-first';
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const res = await this.deps.client.send(
      new QueryCommand({
        TableName: this.deps.tableName,
        ...(index ? { IndexName: index } : {}),
        KeyConditionExpression:
          after === undefined ? '#pk = :pk' : `#pk = :pk AND #sk ${newestFirst ? '<' : '>'} :after`,
        ExpressionAttributeNames: { '#pk': pkName, ...(after === undefined ? {} : { '#sk': skName }) },
        ExpressionAttributeValues: {
          ':pk': { S: pk },
          ...(after === undefined ? {} : { ':after': { S: after } }),
        },
        ScanIndexForward: !newestFirst,
        Limit: options.limit,
      }),
    );
    const raw = res.Items ?? [];
    const items = raw.map((item) => parseOrThrow(storedSchema, item, 'audit item').event.S);
    const last = raw.at(-1)?.[skName]?.S;
    return { items, ...(res.LastEvaluatedKey && last ? { cursor: encodeCursor(last) } : {}) };
  }
}
