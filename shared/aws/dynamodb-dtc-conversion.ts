import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import type { DtcDay, StoredDtcDay } from '../domain/storefront/dtc-conversion.ts';
import type { DtcConversionStore, DtcDayWrite } from '../use-cases/storefront/ports.ts';
import { batchGetItems } from './dynamodb-query.ts';

const key = (day: string) => ({ pk: { S: `DTC#${day}` }, sk: { S: 'DTC' } });

const count = z.object({ N: z.string().regex(/^\d+$/) }).transform((v) => Number(v.N));
/** A stored day, checked on the way in: a hand-edited item fails loudly, not silently. */
const itemSchema = z.object({
  day: z.object({ S: z.string() }).transform((v) => v.S),
  sessions: count,
  checkouts: count,
  orders: count,
  pulledAt: z.object({ S: z.string() }).transform((v) => v.S),
  closed: z.object({ BOOL: z.boolean() }).transform((v) => v.BOOL),
  version: count,
});

/**
 * The store's conversion per day as one item each (`DTC#<day>` / `DTC`, type `DtcConversionDay`).
 * A write is one conditional `UpdateItem`: it lands when the day is new, or when its figures
 * differ and no later pull stored it; the version counts every change.
 */
export class DynamoDbDtcConversionStore implements DtcConversionStore {
  constructor(private readonly deps: { client: DynamoDBClient; tableName: string }) {}

  async upsertDay(day: DtcDay, pull: { pulledAt: string; closed: boolean }): Promise<DtcDayWrite> {
    try {
      const res = await this.deps.client.send(
        new UpdateItemCommand({
          TableName: this.deps.tableName,
          Key: key(day.day),
          UpdateExpression:
            'SET #type = :type, #day = :day, #sessions = :sessions, #checkouts = :checkouts, #orders = :orders, #closed = :closed, #pulledAt = :pulledAt, #version = if_not_exists(#version, :zero) + :one',
          ConditionExpression:
            'attribute_not_exists(pk) OR (#pulledAt <= :pulledAt AND (#sessions <> :sessions OR #checkouts <> :checkouts OR #orders <> :orders OR #closed <> :closed))',
          ExpressionAttributeNames: {
            '#type': 'type',
            '#day': 'day',
            '#sessions': 'sessions',
            '#checkouts': 'checkouts',
            '#orders': 'orders',
            '#closed': 'closed',
            '#pulledAt': 'pulledAt',
            '#version': 'version',
          },
          ExpressionAttributeValues: {
            ':type': { S: 'DtcConversionDay' },
            ':day': { S: day.day },
            ':sessions': { N: String(day.sessions) },
            ':checkouts': { N: String(day.checkouts) },
            ':orders': { N: String(day.orders) },
            ':closed': { BOOL: pull.closed },
            ':pulledAt': { S: pull.pulledAt },
            ':zero': { N: '0' },
            ':one': { N: '1' },
          },
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      return res.Attributes?.version ? 'updated' : 'created';
    } catch (error) {
      // The same figures, or a later pull's: nothing to change.
      if (error instanceof ConditionalCheckFailedException) return 'unchanged';
      throw error;
    }
  }

  async getDays(days: readonly string[]): Promise<StoredDtcDay[]> {
    const items = await batchGetItems(this.deps.client, this.deps.tableName, [...new Set(days)].map(key));
    return items.map((item) => itemSchema.parse(item)).sort((a, b) => a.day.localeCompare(b.day));
  }
}
