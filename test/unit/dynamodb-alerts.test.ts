import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbAlertStore } from '#shared/aws/dynamodb-alerts.ts';
import type { Alert } from '#shared/domain/notifications/alerts.ts';
import { ValidationError } from '#shared/errors.ts';

const ddb = mockClient(DynamoDBClient);

const queued: Alert = {
  id: 'evt-1.ops-slack',
  eventId: 'evt-1',
  source: 'acorn.purchaseOrders',
  detailType: 'AcknowledgementFailed',
  channel: 'ops-slack',
  severity: 'critical',
  people: ['dana'],
  rules: ['failures'],
  title: 'Acknowledgement of 4R9DIAQD failed',
  lines: ['Amazon refused it'],
  link: 'http://127.0.0.1:4280/?alert=evt-1.ops-slack',
  createdAt: '2026-03-02T11:00:00.000Z',
  dueAt: '2026-03-02T11:00:00.000Z',
  state: 'queued',
  updatedAt: '2026-03-02T11:00:00.000Z',
};
const stored = (alert: Alert) => ({ data: { S: JSON.stringify(alert) } });

describe('DynamoDbAlertStore', () => {
  const store = new DynamoDbAlertStore({ client: new DynamoDBClient({}), tableName: 'T' });

  beforeEach(() => {
    ddb.reset();
  });

  it('creates an alert once, in its channel’s queued partition by due time and under its day', async () => {
    ddb.on(PutItemCommand).resolves({});
    await expect(store.create(queued)).resolves.toBe('created');
    const input = ddb.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TableName: 'T',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: { S: 'ALERT#evt-1.ops-slack' },
        sk: { S: 'ALERT' },
        gsi1pk: { S: 'ALERTQ#ops-slack#queued' },
        gsi1sk: { S: '2026-03-02T11:00:00.000Z#evt-1.ops-slack' },
        gsi2pk: { S: 'ALERTDAY#2026-03-02' },
        gsi2sk: { S: '2026-03-02T11:00:00.000Z#evt-1.ops-slack' },
        state: { S: 'queued' },
      },
    });
    expect(JSON.parse(input?.Item?.data?.S ?? '')).toEqual(queued);
  });

  it('reports an alert that exists (a redelivered event) without writing it again', async () => {
    ddb.on(PutItemCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    await expect(store.create(queued)).resolves.toBe('exists');
  });

  it('lets any other DynamoDB error through', async () => {
    ddb.on(PutItemCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(store.create(queued)).rejects.toThrow('throttled');
  });

  it('moves an alert between partitions only from the expected state', async () => {
    ddb
      .on(PutItemCommand)
      .resolvesOnce({})
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'state moved', $metadata: {} }));
    const assigned: Alert = { ...queued, state: 'assigned', deliveryKey: 'alert.ops-slack.abc' };
    await expect(store.update(assigned, 'queued')).resolves.toBe('updated');
    const delivered: Alert = { ...assigned, state: 'delivered', deliveredAt: '2026-03-02T11:00:05.000Z' };
    await expect(store.update(delivered, 'assigned')).resolves.toBe('conflict');
    const [first, second] = ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input);
    expect(first).toMatchObject({
      ConditionExpression: 'attribute_exists(pk) AND #state = :expected',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':expected': { S: 'queued' } },
      Item: {
        gsi1pk: { S: 'ALERTQ#ops-slack#assigned' },
        gsi1sk: { S: 'alert.ops-slack.abc#evt-1.ops-slack' },
      },
    });
    // A settled alert leaves the channel's partitions for its state's.
    expect(second?.Item).toMatchObject({
      gsi1pk: { S: 'ALERTS#delivered' },
      gsi1sk: { S: '2026-03-02T11:00:00.000Z#evt-1.ops-slack' },
    });
  });

  it('reads one alert consistently, and none when absent', async () => {
    ddb
      .on(GetItemCommand)
      .resolvesOnce({ Item: stored(queued) })
      .resolvesOnce({});
    await expect(store.get(queued.id)).resolves.toEqual(queued);
    await expect(store.get('missing')).resolves.toBeUndefined();
    expect(ddb.commandCalls(GetItemCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: { S: 'ALERT#evt-1.ops-slack' }, sk: { S: 'ALERT' } },
      ConsistentRead: true,
    });
  });

  it('queries a channel’s due alerts on the index, page after page up to the limit — never a scan', async () => {
    const second = { ...queued, id: 'evt-2.ops-slack', eventId: 'evt-2' };
    const third = { ...queued, id: 'evt-3.ops-slack', eventId: 'evt-3' };
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [stored(queued)], LastEvaluatedKey: { pk: { S: 'x' } } })
      .resolvesOnce({ Items: [stored(second), stored(third)], LastEvaluatedKey: { pk: { S: 'y' } } });
    const due = await store.queuedDue('ops-slack', new Date('2026-03-02T11:00:01.000Z'), 3);
    expect(due.map((a) => a.id)).toEqual([queued.id, second.id, third.id]);
    const calls = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({
      IndexName: 'gsi1',
      KeyConditionExpression: '#pk = :pk AND #sk < :sk0',
      ExpressionAttributeNames: { '#pk': 'gsi1pk', '#sk': 'gsi1sk' },
      ExpressionAttributeValues: {
        ':pk': { S: 'ALERTQ#ops-slack#queued' },
        ':sk0': { S: '2026-03-02T11:00:01.000Z#~' },
      },
      ScanIndexForward: true,
      Limit: 3,
    });
    expect(calls[1]).toMatchObject({ Limit: 2, ExclusiveStartKey: { pk: { S: 'x' } } });
  });

  it('finds one message’s alerts by its delivery key, and a day’s alerts newest first', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await store.assigned('ops-slack', 100, 'alert.ops-slack.abc');
    await store.createdOn('2026-03-02', 50);
    const [byKey, byDay] = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(byKey).toMatchObject({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :sk0)',
      ExpressionAttributeNames: { '#pk': 'gsi1pk', '#sk': 'gsi1sk' },
      ExpressionAttributeValues: {
        ':pk': { S: 'ALERTQ#ops-slack#assigned' },
        ':sk0': { S: 'alert.ops-slack.abc#' },
      },
    });
    expect(byDay).toMatchObject({
      IndexName: 'gsi2',
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'gsi2pk' },
      ExpressionAttributeValues: { ':pk': { S: 'ALERTDAY#2026-03-02' } },
      ScanIndexForward: false,
    });
  });

  it('refuses a stored item that is not an alert, naming it', async () => {
    ddb.on(GetItemCommand).resolves({ Item: { data: { S: JSON.stringify({ ...queued, state: 'lost' }) } } });
    const error = await store.get(queued.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('stored alert');
  });
});
