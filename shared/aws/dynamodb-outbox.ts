import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { automationModuleSchema } from '../config/runtime.ts';
import { auditActorSchema } from '../domain/audit.ts';
import {
  OUTBOX_ACTIONS,
  type OutboxMessage,
  type OutboxState,
  type OutboxSubject,
  outboxStateSchema,
} from '../domain/outbox.ts';
import { ValidationError } from '../errors.ts';
import type { ListOptions, OutboxPage, OutboxStore, TransitionResult } from '../use-cases/outbox/ports.ts';
import { parseOrThrow } from '../validation.ts';

/**
 * Keys of an outbox message on the single table:
 * - `pk` `OUTBOX#<key>`, `sk` `OUTBOX`: one item per idempotency key;
 * - gsi1 `OUTBOX#<state>` / `<updatedAt>#<key>`: messages by state, by last change (the console's queues);
 * - gsi2 `OUTBOX#<subjectType>#<subjectId>` / `<createdAt>#<key>`: everything sent about one PO, memo, …
 */
export const outboxKeys = {
  pk: (key: string) => `OUTBOX#${key}`,
  sk: 'OUTBOX',
  byStatePk: (state: OutboxState) => `OUTBOX#${state}`,
  byStateSk: (message: { updatedAt: string; key: string }) => `${message.updatedAt}#${message.key}`,
  bySubjectPk: (subject: OutboxSubject) => `OUTBOX#${subject.type}#${subject.id}`,
  bySubjectSk: (message: { createdAt: string; key: string }) => `${message.createdAt}#${message.key}`,
};

const s = z.object({ S: z.string() });
const n = z.object({ N: z.string().transform(Number).pipe(z.number().int()) });

/** A JSON string attribute, parsed and then checked against `schema`. */
function json<T extends z.ZodType>(schema: T) {
  return z.object({
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
      .pipe(schema),
  });
}

const errorInfoSchema = z.object({
  name: z.string(),
  message: z.string(),
  code: z.string().optional(),
  status: z.number().optional(),
  details: z
    .array(z.object({ code: z.string(), message: z.string(), details: z.string().optional() }))
    .optional(),
  retryable: z.boolean().optional(),
});

const changeSchema = z.object({
  action: z.enum(OUTBOX_ACTIONS),
  actor: auditActorSchema,
  reason: z.string(),
  at: z.string(),
  before: z.object({ state: outboxStateSchema, attempts: z.number().int() }).optional(),
});

const storedSchema = z.object({
  key: s,
  module: z.object({ S: automationModuleSchema }),
  operation: s,
  target: s,
  subjectType: s,
  subjectId: s,
  payload: s,
  requestedBy: json(auditActorSchema),
  state: z.object({ S: outboxStateSchema }),
  revision: n,
  attempts: n,
  createdAt: s,
  updatedAt: s,
  leaseUntil: s.optional(),
  lastError: json(errorInfoSchema).optional(),
  result: json(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))).optional(),
  resolution: s.optional(),
  lastChange: json(changeSchema),
  recordedRevision: n,
});

function fromItem(item: Record<string, AttributeValue>): OutboxMessage {
  const v = parseOrThrow(storedSchema, item, 'outbox item');
  return {
    key: v.key.S,
    module: v.module.S,
    operation: v.operation.S,
    target: v.target.S,
    subject: { type: v.subjectType.S, id: v.subjectId.S },
    payload: v.payload.S,
    requestedBy: v.requestedBy.S,
    state: v.state.S,
    revision: v.revision.N,
    attempts: v.attempts.N,
    createdAt: v.createdAt.S,
    updatedAt: v.updatedAt.S,
    ...(v.leaseUntil ? { leaseUntil: v.leaseUntil.S } : {}),
    ...(v.lastError ? { lastError: v.lastError.S } : {}),
    ...(v.result ? { result: v.result.S } : {}),
    ...(v.resolution ? { resolution: v.resolution.S } : {}),
    lastChange: v.lastChange.S,
    recordedRevision: v.recordedRevision.N,
  };
}

/** The attributes a transition rewrites; the optional ones are removed when the message lacks them. */
function mutableAttributes(message: OutboxMessage): {
  set: Record<string, AttributeValue>;
  remove: string[];
} {
  const set: Record<string, AttributeValue> = {
    state: { S: message.state },
    revision: { N: String(message.revision) },
    attempts: { N: String(message.attempts) },
    updatedAt: { S: message.updatedAt },
    lastChange: { S: JSON.stringify(message.lastChange) },
    gsi1pk: { S: outboxKeys.byStatePk(message.state) },
    gsi1sk: { S: outboxKeys.byStateSk(message) },
  };
  const optional: Record<string, string | undefined> = {
    leaseUntil: message.leaseUntil,
    lastError: message.lastError && JSON.stringify(message.lastError),
    result: message.result && JSON.stringify(message.result),
    resolution: message.resolution,
  };
  const remove: string[] = [];
  for (const [name, value] of Object.entries(optional)) {
    if (value === undefined) remove.push(name);
    else set[name] = { S: value };
  }
  return { set, remove };
}

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
 * The outbox on the single table. Each write is one conditional PutItem or UpdateItem (rules 8
 * and 9): no transactions, no streams, nothing that depends on TTL. After a failed condition the
 * item is read back (the local emulator does not return it with the failure).
 */
export class DynamoDbOutboxStore implements OutboxStore {
  constructor(private readonly deps: { client: DynamoDBClient; tableName: string }) {}

  async create(message: OutboxMessage): Promise<'created' | 'duplicate'> {
    const { set } = mutableAttributes(message);
    try {
      await this.deps.client.send(
        new PutItemCommand({
          TableName: this.deps.tableName,
          Item: {
            pk: { S: outboxKeys.pk(message.key) },
            sk: { S: outboxKeys.sk },
            type: { S: 'OutboxMessage' },
            key: { S: message.key },
            module: { S: message.module },
            operation: { S: message.operation },
            target: { S: message.target },
            subjectType: { S: message.subject.type },
            subjectId: { S: message.subject.id },
            payload: { S: message.payload },
            requestedBy: { S: JSON.stringify(message.requestedBy) },
            createdAt: { S: message.createdAt },
            recordedRevision: { N: String(message.recordedRevision) },
            gsi2pk: { S: outboxKeys.bySubjectPk(message.subject) },
            gsi2sk: { S: outboxKeys.bySubjectSk(message) },
            ...set,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'created';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'duplicate';
      throw error;
    }
  }

  async get(key: string): Promise<OutboxMessage | undefined> {
    const res = await this.deps.client.send(
      new GetItemCommand({
        TableName: this.deps.tableName,
        Key: { pk: { S: outboxKeys.pk(key) }, sk: { S: outboxKeys.sk } },
        ConsistentRead: true,
      }),
    );
    return res.Item ? fromItem(res.Item) : undefined;
  }

  async transition(
    expected: { key: string; state: OutboxState; revision: number },
    next: OutboxMessage,
  ): Promise<TransitionResult> {
    if (next.key !== expected.key) {
      throw new ValidationError(`Transition of ${expected.key} carries message ${next.key}`);
    }
    const { set, remove } = mutableAttributes(next);
    const names: Record<string, string> = {};
    const values: Record<string, AttributeValue> = {
      ':expectedState': { S: expected.state },
      ':expectedRevision': { N: String(expected.revision) },
    };
    const assignments = Object.entries(set).map(([name, value]) => {
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      return `#${name} = :${name}`;
    });
    for (const name of remove) names[`#${name}`] = name;
    try {
      await this.deps.client.send(
        new UpdateItemCommand({
          TableName: this.deps.tableName,
          Key: { pk: { S: outboxKeys.pk(expected.key) }, sk: { S: outboxKeys.sk } },
          UpdateExpression: `SET ${assignments.join(', ')}${remove.length ? ` REMOVE ${remove.map((r) => `#${r}`).join(', ')}` : ''}`,
          ConditionExpression: '#state = :expectedState AND #revision = :expectedRevision',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return { ok: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    return { ok: false, current: await this.get(expected.key) };
  }

  async markRecorded(key: string, revision: number): Promise<void> {
    try {
      await this.deps.client.send(
        new UpdateItemCommand({
          TableName: this.deps.tableName,
          Key: { pk: { S: outboxKeys.pk(key) }, sk: { S: outboxKeys.sk } },
          UpdateExpression: 'SET #recorded = :revision',
          ConditionExpression: '#revision = :revision AND #recorded < :revision',
          ExpressionAttributeNames: { '#recorded': 'recordedRevision', '#revision': 'revision' },
          ExpressionAttributeValues: { ':revision': { N: String(revision) } },
        }),
      );
    } catch (error) {
      // The message moved on (its next change gets its own mark) or another worker marked it.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  listByState(state: OutboxState, options: ListOptions): Promise<OutboxPage> {
    return this.#query('gsi1', 'gsi1pk', 'gsi1sk', outboxKeys.byStatePk(state), options);
  }

  listBySubject(subject: OutboxSubject, options: ListOptions): Promise<OutboxPage> {
    return this.#query('gsi2', 'gsi2pk', 'gsi2sk', outboxKeys.bySubjectPk(subject), options);
  }

  async #query(
    index: string,
    pkName: string,
    skName: string,
    pk: string,
    options: ListOptions,
  ): Promise<OutboxPage> {
    const newestFirst = (options.order ?? 'newest-first') === 'newest-first';
    const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const res = await this.deps.client.send(
      new QueryCommand({
        TableName: this.deps.tableName,
        IndexName: index,
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
    const items = raw.map(fromItem);
    const last = raw.at(-1)?.[skName]?.S;
    return { items, ...(res.LastEvaluatedKey && last ? { cursor: encodeCursor(last) } : {}) };
  }
}
