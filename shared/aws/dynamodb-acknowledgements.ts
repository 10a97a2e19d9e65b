import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import {
  type AcknowledgementRecord,
  type AcknowledgementState,
  OPEN_STATES,
} from '../domain/purchase-orders/acknowledgement-record.ts';
import type { AcknowledgementStore } from '../use-cases/purchase-orders/ports.ts';
import { keyCondition, queryItems } from './dynamodb-query.ts';

/** The fields every consumer relies on; the rest travels as written. */
const storedRecordSchema = z.looseObject({
  purchaseOrderNumber: z.string(),
  vendorCode: z.string(),
  marketplace: z.string(),
  purchaseOrderDate: z.string(),
  deadline: z.string(),
  state: z.enum([
    'review',
    'queued',
    'held',
    'simulated',
    'submitted',
    'accepted',
    'rejected',
    'failed',
    'unknown',
  ]),
  revision: z.number().int().positive(),
  lines: z.array(
    z.looseObject({
      itemSequenceNumber: z.string(),
      outcome: z.enum(['decided', 'review']),
      ruleId: z.string(),
      reason: z.string(),
      decidedBy: z.looseObject({ type: z.enum(['rule', 'person', 'system']), id: z.string() }),
      decidedAt: z.string(),
    }),
  ),
  remindersSent: z.array(z.string()),
  updatedAt: z.string(),
});

const key = (po: string) => ({ pk: { S: `PO#${po}` }, sk: { S: 'ACK' } });

/**
 * One item per PO's acknowledgement (pk `PO#<n>`, sk `ACK`), replaced whole by conditional puts on
 * its revision. Indexes, kept in step by every put:
 * - gsi1 `ACKSTATE#<state>` / `<updatedAt>#<po>`: records by state (reviews, follow-ups);
 * - gsi2 `ACKDUE#<vendorCode>` / `<deadline>#<po>`: open records by deadline — sparse, present only
 *   while the PO still needs something, so the due-soon query reads nothing else.
 */
export class DynamoDbAcknowledgementStore implements AcknowledgementStore {
  constructor(private readonly deps: { client: DynamoDBClient; tableName: string }) {}

  #item(record: AcknowledgementRecord): Record<string, AttributeValue> {
    return {
      ...key(record.purchaseOrderNumber),
      type: { S: 'Acknowledgement' },
      revision: { N: String(record.revision) },
      state: { S: record.state },
      vendorCode: { S: record.vendorCode },
      deadline: { S: record.deadline },
      document: { S: JSON.stringify(record) },
      gsi1pk: { S: `ACKSTATE#${record.state}` },
      gsi1sk: { S: `${record.updatedAt}#${record.purchaseOrderNumber}` },
      ...(OPEN_STATES.has(record.state)
        ? {
            gsi2pk: { S: `ACKDUE#${record.vendorCode}` },
            gsi2sk: { S: `${record.deadline}#${record.purchaseOrderNumber}` },
          }
        : {}),
    };
  }

  #parse(item: Record<string, AttributeValue> | undefined): AcknowledgementRecord | undefined {
    const text = item?.document?.S;
    if (!text) return undefined;
    // Checked, not cast: an item written by an older version must fail loudly here, not later.
    return storedRecordSchema.parse(JSON.parse(text)) as AcknowledgementRecord;
  }

  async get(purchaseOrderNumber: string): Promise<AcknowledgementRecord | undefined> {
    const res = await this.deps.client.send(
      new GetItemCommand({
        TableName: this.deps.tableName,
        Key: key(purchaseOrderNumber),
        ConsistentRead: true,
      }),
    );
    return this.#parse(res.Item);
  }

  async create(record: AcknowledgementRecord): Promise<'created' | 'exists'> {
    try {
      await this.deps.client.send(
        new PutItemCommand({
          TableName: this.deps.tableName,
          Item: this.#item(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'created';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'exists';
      throw error;
    }
  }

  async update(record: AcknowledgementRecord): Promise<'updated' | 'conflict'> {
    try {
      await this.deps.client.send(
        new PutItemCommand({
          TableName: this.deps.tableName,
          Item: this.#item(record),
          ConditionExpression: 'revision = :previous',
          ExpressionAttributeValues: { ':previous': { N: String(record.revision - 1) } },
        }),
      );
      return 'updated';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'conflict';
      throw error;
    }
  }

  async #query(
    index: 'gsi1' | 'gsi2',
    pk: string,
    opts: { until?: string; since?: string; limit: number },
  ): Promise<AcknowledgementRecord[]> {
    const range = opts.until ? { below: opts.until } : opts.since ? { above: opts.since } : {};
    const items = await queryItems(
      this.deps.client,
      { TableName: this.deps.tableName, ...keyCondition({ index, pk, ...range }) },
      opts.limit,
    );
    return items.flatMap((item) => this.#parse(item) ?? []);
  }

  listByState(state: AcknowledgementState, limit: number): Promise<AcknowledgementRecord[]> {
    return this.#query('gsi1', `ACKSTATE#${state}`, { limit });
  }

  /** Records in a state changed after `since`, oldest change first (gsi1's time range, never a scan). */
  changedSince(state: AcknowledgementState, since: Date, limit: number): Promise<AcknowledgementRecord[]> {
    return this.#query('gsi1', `ACKSTATE#${state}`, { since: since.toISOString(), limit });
  }

  dueBefore(vendorCode: string, until: Date, limit: number): Promise<AcknowledgementRecord[]> {
    return this.#query('gsi2', `ACKDUE#${vendorCode}`, { until: until.toISOString(), limit });
  }
}
