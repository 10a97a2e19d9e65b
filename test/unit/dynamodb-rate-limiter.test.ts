import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbRateLimiter } from '#shared/aws/dynamodb-rate-limiter.ts';
import { gcraParams } from '#shared/rate-limit/gcra.ts';
import { RateLimitBacklogError } from '#shared/rate-limit/rate-limiter.ts';

const ddb = mockClient(DynamoDBClient);
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('DynamoDbRateLimiter', () => {
  let now: number;
  let slept: number[];
  const timer = {
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
  };
  const params = gcraParams({ rate: 10, burst: 10 }, 1);

  beforeEach(() => {
    ddb.reset();
    now = 1_000_000;
    slept = [];
  });

  it('books the slot after the last one with a single conditional update when the bucket is busy', async () => {
    // Prepare: the bucket is booked 1.5 s ahead; the tolerance is 0.8 s, so this caller waits 0.7 s
    ddb.on(UpdateItemCommand).resolves({ Attributes: { tat: { N: String(now + 1500 + 100) } } });
    const limiter = new DynamoDbRateLimiter({ client: new DynamoDBClient({}), tableName: 'T', timer });
    // Act
    await limiter.acquire('acct#eu#getPurchaseOrders', params);
    // Assess
    const calls = ddb.commandCalls(UpdateItemCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toMatchObject({
      TableName: 'T',
      Key: { pk: { S: 'RATELIMIT#acct#eu#getPurchaseOrders' }, sk: { S: 'RATELIMIT' } },
      UpdateExpression: 'SET tat = tat + :interval',
      ConditionExpression: 'tat >= :now AND tat <= :latest',
    });
    expect(slept).toEqual([700]);
  });

  it('restarts an idle bucket at now and sends at once', async () => {
    ddb
      .on(UpdateItemCommand, { UpdateExpression: 'SET tat = tat + :interval' })
      .rejects(conditionFailed())
      .on(UpdateItemCommand, { UpdateExpression: 'SET tat = :next' })
      .resolves({});
    const limiter = new DynamoDbRateLimiter({ client: new DynamoDBClient({}), tableName: 'T', timer });
    await limiter.acquire('b', params);
    const restart = ddb.commandCalls(UpdateItemCommand)[1]?.args[0].input;
    expect(restart?.ConditionExpression).toBe('attribute_not_exists(tat) OR tat < :now');
    expect(restart?.ExpressionAttributeValues?.[':next']).toEqual({ N: String(now + 100) });
    expect(slept).toEqual([]);
  });

  it('gives the work back when the bucket is booked beyond the longest wait', async () => {
    ddb.on(UpdateItemCommand).rejects(conditionFailed());
    const limiter = new DynamoDbRateLimiter({ client: new DynamoDBClient({}), tableName: 'T', timer });
    await expect(limiter.acquire('b', params, { maxWaitMs: 1_000 })).rejects.toBeInstanceOf(
      RateLimitBacklogError,
    );
  });

  it('lets other DynamoDB errors through untouched', async () => {
    ddb.on(UpdateItemCommand).rejects(new Error('ProvisionedThroughputExceeded'));
    const limiter = new DynamoDbRateLimiter({ client: new DynamoDBClient({}), tableName: 'T', timer });
    await expect(limiter.acquire('b', params)).rejects.toThrow('ProvisionedThroughputExceeded');
  });
});
