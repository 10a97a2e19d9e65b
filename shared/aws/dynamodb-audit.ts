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
 * - gsi1 `AUDIT#<yyyy-mm-dd>` / `<at>#<id>`: the day's audit log across entities;
 * - gsi2 `AUDIT#ACTOR#<actorId>` / `<at>#<id>`: what one person, rule or client did.
 */
export const auditKeys = {
  pk: (entity: AuditEntity) => `AUDIT#${entity.type}#${entity.id}`,
  sk: (event: { at: string; id: string }) => `${event.at}#${event.id}`,
  byDayPk: (day: string) => `AUDIT#${day}`,
  byActorPk: (actorId: string) => `AUDIT#ACTOR#${actorId}`,
};

/** A search of the audit log; `from`/`to` are ISO instants (inclusive), newest first. */
export interface AuditSearch {
  readonly entity?: AuditEntity;
  readonly actorId?: string;
  readonly action?: string;
  readonly from: string;
  readonly to: string;
  readonly limit: number;
  readonly cursor?: string;
}

/** Days a search without an entity or an actor may span (one gsi1 query per day). */
export const MAX_SEARCH_DAYS = 31;

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

function encodeSearchCursor(cursor: { day?: string; after?: string }): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decodeSearchCursor(text: string): { day?: string; after?: string } {
  try {
    const parsed = z
      .strictObject({ day: z.string().regex(DAY).optional(), after: z.string().min(1).optional() })
      .parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return parsed;
  } catch {
    throw new ValidationError('cursor is not one this API issued', [{ path: 'cursor', message: 'invalid' }]);
  }
}

/** Reads of a partition one filtered search page may make, and the keys each read examines. */
const FILTERED_READS = 10;
const FILTERED_READ_SIZE = 500;

/** The key of a stored event on the table or on the index searched: where a page resumes. */
function keyOf(
  item: Record<string, AttributeValue>,
  pkName: string,
  skName: string,
): Record<string, AttributeValue> {
  const key: Record<string, AttributeValue> = {};
  for (const name of new Set(['pk', 'sk', pkName, skName])) {
    const value = item[name];
    if (value?.S === undefined) throw new Error(`audit item has no ${name} to resume after`);
    key[name] = value;
  }
  return key;
}

/** A LastEvaluatedKey (string attributes only) as cursor text, and back. */
function fromKey(key: Record<string, AttributeValue>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(key).map(([k, v]) => [k, v.S ?? ''])));
}

function toKey(text: string): Record<string, AttributeValue> {
  const parsed = z.record(z.string().regex(/^(pk|sk|gsi[12](pk|sk))$/), z.string().min(1)).safeParse(
    (() => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return undefined;
      }
    })(),
  );
  if (!parsed.success) {
    throw new ValidationError('cursor is not one this API issued', [{ path: 'cursor', message: 'invalid' }]);
  }
  return Object.fromEntries(Object.entries(parsed.data).map(([k, v]) => [k, { S: v }]));
}

/** The UTC days from `to` back to `from`, newest first. */
function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const first = auditDay(from);
  for (let d = new Date(`${auditDay(to)}T00:00:00.000Z`); ; d = new Date(d.getTime() - 86_400_000)) {
    const day = d.toISOString().slice(0, 10);
    if (day < first) break;
    days.push(day);
    if (days.length > MAX_SEARCH_DAYS + 1) break;
  }
  return days;
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
      gsi2pk: { S: auditKeys.byActorPk(valid.actor.id) },
      gsi2sk: { S: sk },
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

  /**
   * Searches by entity (the table's key), by actor (gsi2) or by day (gsi1, one query per day from
   * `to` back to `from`), each between `from` and `to` on the sort key, `action` as a filter.
   * Index queries only, never a scan. The cursor carries the day and the last sort key.
   */
  async search(search: AuditSearch): Promise<{ items: AuditEvent[]; cursor?: string }> {
    const cursor = search.cursor ? decodeSearchCursor(search.cursor) : undefined;
    const range = { from: search.from, to: `${search.to}\uffff` };
    if (search.entity || search.actorId) {
      const [index, pkName, skName, pk] = search.entity
        ? [undefined, 'pk', 'sk', auditKeys.pk(search.entity)]
        : ['gsi2', 'gsi2pk', 'gsi2sk', auditKeys.byActorPk(search.actorId ?? '')];
      const page = await this.#range(index, pkName, skName, pk, range, search, cursor?.after, search.limit);
      return {
        items: page.items,
        ...(page.last ? { cursor: encodeSearchCursor({ after: page.last }) } : {}),
      };
    }
    const days = daysBetween(search.from, search.to);
    if (days.length > MAX_SEARCH_DAYS) {
      throw new ValidationError(
        `Search at most ${MAX_SEARCH_DAYS} days without an entity or an actor, got ${days.length}`,
        [{ path: 'from', message: `at most ${MAX_SEARCH_DAYS} days before to` }],
      );
    }
    const items: AuditEvent[] = [];
    let dayIndex = cursor?.day ? days.indexOf(cursor.day) : 0;
    if (dayIndex < 0) dayIndex = 0;
    let after = cursor?.after;
    while (dayIndex < days.length && items.length < search.limit) {
      const day = days[dayIndex]!;
      const page = await this.#range(
        'gsi1',
        'gsi1pk',
        'gsi1sk',
        auditKeys.byDayPk(day),
        range,
        search,
        after,
        search.limit - items.length,
      );
      items.push(...page.items);
      if (page.last) {
        return { items, cursor: encodeSearchCursor({ day, after: page.last }) };
      }
      dayIndex++;
      after = undefined;
    }
    return {
      items,
      ...(dayIndex < days.length ? { cursor: encodeSearchCursor({ day: days[dayIndex]! }) } : {}),
    };
  }

  /**
   * One page of one partition between two sort keys; `last` when more may follow. With an action
   * filter, DynamoDB applies `Limit` before the filter, so one read of a busy day can hold none of
   * the few events asked for: the search reads on (at most `FILTERED_READS` reads of
   * `FILTERED_READ_SIZE` keys) until the page is full, and the cursor resumes after the last event
   * returned, so nothing is skipped or shown twice.
   */
  async #range(
    index: string | undefined,
    pkName: string,
    skName: string,
    pk: string,
    range: { from: string; to: string },
    search: AuditSearch,
    after: string | undefined,
    limit: number,
  ): Promise<{ items: AuditEvent[]; last?: string }> {
    const filtered = search.action !== undefined;
    const items: AuditEvent[] = [];
    let startKey = after ? toKey(after) : undefined;
    for (let read = 0; read < (filtered ? FILTERED_READS : 1); read++) {
      const res = await this.deps.client.send(
        new QueryCommand({
          TableName: this.deps.tableName,
          ...(index ? { IndexName: index } : {}),
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          ...(filtered ? { FilterExpression: '#action = :action' } : {}),
          ExpressionAttributeNames: {
            '#pk': pkName,
            '#sk': skName,
            ...(filtered ? { '#action': 'action' } : {}),
          },
          ExpressionAttributeValues: {
            ':pk': { S: pk },
            ':from': { S: range.from },
            ':to': { S: range.to },
            ...(filtered ? { ':action': { S: search.action! } } : {}),
          },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          ScanIndexForward: false,
          Limit: filtered ? Math.max(FILTERED_READ_SIZE, limit) : limit,
        }),
      );
      const raw = res.Items ?? [];
      for (const [i, item] of raw.entries()) {
        items.push(parseOrThrow(storedSchema, item, 'audit item').event.S);
        // A full page ends at this event; more may follow it in the same read or the next.
        if (items.length === limit && (i < raw.length - 1 || res.LastEvaluatedKey)) {
          return { items, last: fromKey(keyOf(item, pkName, skName)) };
        }
      }
      if (!res.LastEvaluatedKey) return { items };
      startKey = res.LastEvaluatedKey;
    }
    return { items, last: fromKey(startKey!) };
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
