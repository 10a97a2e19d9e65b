import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { GcraParams } from '../rate-limit/gcra.ts';
import {
  DEFAULT_MAX_WAIT_MS,
  RateLimitBacklogError,
  type RateLimiter,
  realTimer,
  type Timer,
} from '../rate-limit/rate-limiter.ts';

/**
 * GCRA on one DynamoDB item per bucket, shared by every concurrent Lambda and process.
 *
 * Each acquisition is one conditional UpdateItem in the common case (the bucket is busy):
 * `SET tat = tat + interval IF tat >= now AND tat <= now + maxWait + tolerance`. The returned
 * `tat` tells the caller how long to wait for its reserved slot. An idle bucket (`tat` in the past
 * or absent) takes a second conditional update that restarts it at `now + interval`. No read,
 * no transaction, no TTL: correctness rests on the conditions alone (ARCHITECTURE rules 9 and 12).
 * Time is each caller's wall clock; the configured fraction of Amazon's rate (85 % by default)
 * absorbs clock skew between hosts and network jitter.
 */
export class DynamoDbRateLimiter implements RateLimiter {
  constructor(private readonly deps: { client: DynamoDBClient; tableName: string; timer?: Timer }) {}

  async acquire(bucket: string, params: GcraParams, opts?: { maxWaitMs?: number }): Promise<void> {
    const timer = this.deps.timer ?? realTimer;
    const maxWait = opts?.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    const key = { pk: { S: `RATELIMIT#${bucket}` }, sk: { S: 'RATELIMIT' } };
    for (let attempt = 0; attempt < 6; attempt++) {
      const now = timer.now();
      // Busy bucket: book the slot after the last one booked.
      try {
        const res = await this.deps.client.send(
          new UpdateItemCommand({
            TableName: this.deps.tableName,
            Key: key,
            UpdateExpression: 'SET tat = tat + :interval',
            ConditionExpression: 'tat >= :now AND tat <= :latest',
            ExpressionAttributeValues: {
              ':interval': { N: String(params.intervalMs) },
              ':now': { N: String(now) },
              ':latest': { N: String(now + maxWait + params.toleranceMs) },
            },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        const newTat = Number(res.Attributes?.tat?.N);
        const delay = newTat - params.intervalMs - params.toleranceMs - now;
        if (delay > 0) await timer.sleep(delay);
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      // Idle bucket (or a fresh one): restart it at now.
      try {
        await this.deps.client.send(
          new UpdateItemCommand({
            TableName: this.deps.tableName,
            Key: key,
            UpdateExpression: 'SET tat = :next',
            ConditionExpression: 'attribute_not_exists(tat) OR tat < :now',
            ExpressionAttributeValues: {
              ':next': { N: String(now + params.intervalMs) },
              ':now': { N: String(now) },
            },
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      // Neither idle nor within reach: either another caller raced us or the bucket is booked
      // beyond maxWait. A short pause tells the two apart on the next round.
      await timer.sleep(Math.min(params.intervalMs, 50));
    }
    throw new RateLimitBacklogError(bucket, maxWait);
  }
}
