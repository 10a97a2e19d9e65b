import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DynamoDBClient,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  batchGetItems,
  batchWriteItems,
  keyCondition,
  queryItems,
  queryPages,
} from '#shared/aws/dynamodb-query.ts';

const ddb = mockClient(DynamoDBClient);
const client = new DynamoDBClient({ region: 'us-east-1' });
const item = (n: number) => ({ pk: { S: `P#${n}` } });

describe('keyCondition', () => {
  it("names the table's keys, or the index's, through placeholders", () => {
    expect(keyCondition({ pk: 'A' })).toEqual({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':pk': { S: 'A' } },
    });
    expect(
      keyCondition({ index: 'gsi2', pk: 'A', between: ['2026-11-24T08', '2026-11-24T08\uffff'] }),
    ).toEqual({
      IndexName: 'gsi2',
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :sk0 AND :sk1',
      ExpressionAttributeNames: { '#pk': 'gsi2pk', '#sk': 'gsi2sk' },
      ExpressionAttributeValues: {
        ':pk': { S: 'A' },
        ':sk0': { S: '2026-11-24T08' },
        ':sk1': { S: '2026-11-24T08\uffff' },
      },
    });
  });

  it('takes each sort-key bound with its own operator', () => {
    const expressionOf = (range: Parameters<typeof keyCondition>[0]) =>
      keyCondition(range).KeyConditionExpression;
    expect(expressionOf({ pk: 'A', below: 'x' })).toBe('#pk = :pk AND #sk < :sk0');
    expect(expressionOf({ pk: 'A', atMost: 'x' })).toBe('#pk = :pk AND #sk <= :sk0');
    expect(expressionOf({ pk: 'A', above: 'x' })).toBe('#pk = :pk AND #sk > :sk0');
    expect(expressionOf({ pk: 'A', beginsWith: 'x' })).toBe('#pk = :pk AND begins_with(#sk, :sk0)');
  });
});

describe('queryPages', () => {
  beforeEach(() => ddb.reset());

  it('reads every page when unlimited, never scanning', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [item(1), item(2)], LastEvaluatedKey: item(2) })
      .resolvesOnce({ Items: [item(3)] });
    const items = await queryItems(client, { TableName: 'T', ...keyCondition({ pk: 'A' }) });
    expect(items).toEqual([item(1), item(2), item(3)]);
    const calls = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(calls[0]?.Limit).toBeUndefined();
    expect(calls[1]?.ExclusiveStartKey).toEqual(item(2));
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it('asks each page only for the items still missing and stops at the limit', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [item(1), item(2)], LastEvaluatedKey: item(2) })
      .resolvesOnce({ Items: [item(3)], LastEvaluatedKey: item(3) });
    const items = await queryItems(client, { TableName: 'T', ...keyCondition({ pk: 'A' }) }, 3);
    expect(items).toHaveLength(3);
    expect(ddb.commandCalls(QueryCommand).map((c) => c.args[0].input.Limit)).toEqual([3, 1]);
  });

  it('sends no query for a limit of zero', async () => {
    const read: unknown[] = [];
    for await (const found of queryPages(client, { TableName: 'T', ...keyCondition({ pk: 'A' }) }, 0)) {
      read.push(found);
    }
    expect(read).toEqual([]);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });
});

describe('batchGetItems', () => {
  beforeEach(() => ddb.reset());
  afterEach(() => vi.useRealTimers());
  const keys = Array.from({ length: 130 }, (_, i) => ({ pk: { S: `K#${i}` }, sk: { S: 'K' } }));

  it('asks 100 keys at a time with the given options and reads unprocessed keys again', async () => {
    ddb
      .on(BatchGetItemCommand)
      .resolvesOnce({ Responses: { T: [item(1)] }, UnprocessedKeys: { T: { Keys: [keys[5]!] } } })
      .resolvesOnce({ Responses: { T: [item(2)] } })
      .resolvesOnce({ Responses: { T: [item(3)] } });
    const found = await batchGetItems(client, 'T', keys, { ConsistentRead: true });
    expect(found).toEqual([item(1), item(2), item(3)]);
    const requests = ddb.commandCalls(BatchGetItemCommand).map((c) => c.args[0].input.RequestItems?.T);
    expect(requests.map((r) => r?.Keys?.length)).toEqual([100, 1, 30]);
    expect(requests.every((r) => r?.ConsistentRead === true)).toBe(true);
  });

  it('throws rather than answer without the keys DynamoDB keeps leaving unprocessed', async () => {
    vi.useFakeTimers();
    ddb.on(BatchGetItemCommand).resolves({ UnprocessedKeys: { T: { Keys: [keys[0]!] } } });
    const read = batchGetItems(client, 'T', keys.slice(0, 1));
    const settled = expect(read).rejects.toThrow(/left 1 keys of T unprocessed after 8 reads/);
    await vi.runAllTimersAsync();
    await settled;
    expect(ddb.commandCalls(BatchGetItemCommand)).toHaveLength(8);
  });
});

describe('batchWriteItems', () => {
  const items = Array.from({ length: 30 }, (_, i) => item(i));
  beforeEach(() => ddb.reset());
  afterEach(() => vi.useRealTimers());

  it('puts 25 items a request and sends again what DynamoDB left unprocessed', async () => {
    ddb
      .on(BatchWriteItemCommand)
      .resolvesOnce({ UnprocessedItems: { T: [{ PutRequest: { Item: items[3]! } }] } })
      .resolves({});
    await batchWriteItems(client, 'T', items);
    const requests = ddb
      .commandCalls(BatchWriteItemCommand)
      .map((c) => c.args[0].input.RequestItems?.T ?? []);
    expect(requests.map((r) => r.length)).toEqual([25, 1, 5]);
    expect(requests[1]).toEqual([{ PutRequest: { Item: items[3] } }]);
    // Every item written, the unprocessed one twice.
    expect(requests.flat().map((r) => r.PutRequest?.Item?.pk?.S)).toEqual([
      ...items.slice(0, 25).map((i) => i.pk.S),
      'P#3',
      ...items.slice(25).map((i) => i.pk.S),
    ]);
  });

  it('throws rather than report a write DynamoDB keeps leaving unprocessed', async () => {
    vi.useFakeTimers();
    ddb
      .on(BatchWriteItemCommand)
      .resolves({ UnprocessedItems: { T: [{ PutRequest: { Item: items[0]! } }] } });
    const write = batchWriteItems(client, 'T', items.slice(0, 1));
    const settled = expect(write).rejects.toThrow(/left 1 items of T unwritten after 8 requests/);
    await vi.runAllTimersAsync();
    await settled;
    expect(ddb.commandCalls(BatchWriteItemCommand)).toHaveLength(8);
  });
});
