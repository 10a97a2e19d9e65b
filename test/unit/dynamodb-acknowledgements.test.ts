import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbAcknowledgementStore } from '#shared/aws/dynamodb-acknowledgements.ts';
import type {
  AcknowledgementRecord,
  AcknowledgementState,
} from '#shared/domain/purchase-orders/acknowledgement-record.ts';

const ddb = mockClient(DynamoDBClient);
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const record: AcknowledgementRecord = {
  purchaseOrderNumber: '4R9DIAQD',
  vendorCode: 'ACMEDE',
  marketplace: 'DE',
  purchaseOrderDate: '2026-12-01T08:00:00Z',
  deadline: '2026-12-02T08:00:00.000Z',
  state: 'review',
  revision: 1,
  lines: [
    {
      itemSequenceNumber: '1',
      outcome: 'review',
      ruleId: 'item.unknown',
      reason: 'Review: product 4000000000017 is not in the catalogue',
      decidedBy: { type: 'rule', id: 'item.unknown' },
      decidedAt: '2026-12-01T09:00:00.000Z',
    },
  ],
  remindersSent: [],
  updatedAt: '2026-12-01T09:00:00.000Z',
};

describe('DynamoDbAcknowledgementStore', () => {
  const store = new DynamoDbAcknowledgementStore({ client: new DynamoDBClient({}), tableName: 'T' });

  beforeEach(() => {
    ddb.reset();
  });

  it('creates a record with one put conditional on the PO having none, indexed by state and by deadline', async () => {
    // Prepare
    ddb.on(PutItemCommand).resolves({});
    // Act
    const result = await store.create(record);
    // Assess
    expect(result).toBe('created');
    const input = ddb.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(input?.TableName).toBe('T');
    expect(input?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(input?.Item).toEqual({
      pk: { S: 'PO#4R9DIAQD' },
      sk: { S: 'ACK' },
      type: { S: 'Acknowledgement' },
      revision: { N: '1' },
      state: { S: 'review' },
      vendorCode: { S: 'ACMEDE' },
      deadline: { S: '2026-12-02T08:00:00.000Z' },
      document: { S: JSON.stringify(record) },
      gsi1pk: { S: 'ACKSTATE#review' },
      gsi1sk: { S: '2026-12-01T09:00:00.000Z#4R9DIAQD' },
      gsi2pk: { S: 'ACKDUE#ACMEDE' },
      gsi2sk: { S: '2026-12-02T08:00:00.000Z#4R9DIAQD' },
    });
  });

  it('reports an existing record when the create condition fails', async () => {
    ddb.on(PutItemCommand).rejects(conditionFailed());
    await expect(store.create(record)).resolves.toBe('exists');
  });

  it('updates with a put conditional on the revision it was read at', async () => {
    // Prepare
    ddb.on(PutItemCommand).resolves({});
    const next: AcknowledgementRecord = { ...record, state: 'queued', revision: 2 };
    // Act
    const result = await store.update(next);
    // Assess
    expect(result).toBe('updated');
    const input = ddb.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('revision = :previous');
    expect(input?.ExpressionAttributeValues).toEqual({ ':previous': { N: '1' } });
    expect(input?.Item).toMatchObject({
      revision: { N: '2' },
      state: { S: 'queued' },
      gsi1pk: { S: 'ACKSTATE#queued' },
    });
  });

  it('reports a conflict, not an error, when the record moved on', async () => {
    ddb.on(PutItemCommand).rejects(conditionFailed());
    await expect(store.update({ ...record, revision: 2 })).resolves.toBe('conflict');
  });

  it('passes other DynamoDB errors on', async () => {
    ddb.on(PutItemCommand).rejects(new Error('ProvisionedThroughputExceeded'));
    await expect(store.update({ ...record, revision: 2 })).rejects.toThrow('ProvisionedThroughputExceeded');
  });

  it.each<AcknowledgementState>(['simulated', 'submitted', 'accepted'])(
    'drops a %s record from the due index (the whole item is replaced without the gsi2 keys)',
    async (state) => {
      ddb.on(PutItemCommand).resolves({});
      await store.update({ ...record, state, revision: 2 });
      const item = ddb.commandCalls(PutItemCommand)[0]?.args[0].input.Item;
      expect(item?.gsi1pk).toEqual({ S: `ACKSTATE#${state}` });
      expect(item).not.toHaveProperty('gsi2pk');
      expect(item).not.toHaveProperty('gsi2sk');
    },
  );

  it.each<AcknowledgementState>(['review', 'queued', 'held', 'rejected', 'failed', 'unknown'])(
    'keeps a %s record in the due index',
    async (state) => {
      ddb.on(PutItemCommand).resolves({});
      await store.update({ ...record, state, revision: 2 });
      const item = ddb.commandCalls(PutItemCommand)[0]?.args[0].input.Item;
      expect(item).toMatchObject({
        gsi2pk: { S: 'ACKDUE#ACMEDE' },
        gsi2sk: { S: `${record.deadline}#4R9DIAQD` },
      });
    },
  );

  it('reads a record strongly consistently', async () => {
    ddb.on(GetItemCommand).resolves({ Item: { document: { S: JSON.stringify(record) } } });
    await expect(store.get('4R9DIAQD')).resolves.toEqual(record);
    expect(ddb.commandCalls(GetItemCommand)[0]?.args[0].input).toEqual({
      TableName: 'T',
      Key: { pk: { S: 'PO#4R9DIAQD' }, sk: { S: 'ACK' } },
      ConsistentRead: true,
    });
  });

  it('finds the open records due soon with a Query on gsi2 by vendor code and deadline, never a Scan', async () => {
    // Prepare: two pages
    ddb
      .on(QueryCommand)
      .resolvesOnce({
        Items: [{ document: { S: JSON.stringify(record) } }],
        LastEvaluatedKey: { pk: { S: 'PO#4R9DIAQD' } },
      })
      .resolvesOnce({
        Items: [{ document: { S: JSON.stringify({ ...record, purchaseOrderNumber: 'SECOND01' }) } }],
      });
    // Act
    const due = await store.dueBefore('ACMEDE', new Date('2026-12-04T08:00:00Z'), 50);
    // Assess
    expect(due.map((r) => r.purchaseOrderNumber)).toEqual(['4R9DIAQD', 'SECOND01']);
    const calls = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(calls[0]).toEqual({
      TableName: 'T',
      IndexName: 'gsi2',
      KeyConditionExpression: '#pk = :pk AND #sk < :sk0',
      ExpressionAttributeNames: { '#pk': 'gsi2pk', '#sk': 'gsi2sk' },
      ExpressionAttributeValues: {
        ':pk': { S: 'ACKDUE#ACMEDE' },
        ':sk0': { S: '2026-12-04T08:00:00.000Z' },
      },
      Limit: 50,
      ExclusiveStartKey: undefined,
    });
    expect(calls[1]).toMatchObject({ Limit: 49, ExclusiveStartKey: { pk: { S: 'PO#4R9DIAQD' } } });
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it('stops reading pages once it has the limit', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [{ document: { S: JSON.stringify(record) } }],
      LastEvaluatedKey: { pk: { S: 'PO#4R9DIAQD' } },
    });
    await store.dueBefore('ACMEDE', new Date('2026-12-04T08:00:00Z'), 1);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
  });

  it('lists records of a state with a Query on gsi1, never a Scan', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ document: { S: JSON.stringify(record) } }] });
    const found = await store.listByState('review', 100);
    expect(found).toEqual([record]);
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      IndexName: 'gsi1',
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'gsi1pk' },
      ExpressionAttributeValues: { ':pk': { S: 'ACKSTATE#review' } },
      Limit: 100,
    });
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it('reads the records of a state changed since an instant as the time range of gsi1, oldest first', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ document: { S: JSON.stringify(record) } }] });
    expect(await store.changedSince('accepted', new Date('2026-11-30T00:00:00.000Z'), 5000)).toEqual([
      record,
    ]);
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      IndexName: 'gsi1',
      KeyConditionExpression: '#pk = :pk AND #sk > :sk0',
      ExpressionAttributeNames: { '#pk': 'gsi1pk', '#sk': 'gsi1sk' },
      ExpressionAttributeValues: {
        ':pk': { S: 'ACKSTATE#accepted' },
        ':sk0': { S: '2026-11-30T00:00:00.000Z' },
      },
      Limit: 5000,
    });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input.ScanIndexForward).toBeUndefined();
  });
});
