import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbOutboxStore } from '#shared/aws/dynamodb-outbox.ts';
import { applyTransition, newOutboxMessage } from '#shared/domain/outbox.ts';
import { ValidationError } from '#shared/errors.ts';

const ddb = mockClient(DynamoDBClient);
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const AT = '2026-03-01T10:00:00.000Z';
const pending = newOutboxMessage(
  {
    key: 'ack#4R9DIAQD#1',
    module: 'purchaseOrders',
    operation: 'submitAcknowledgement',
    target: 'acct-eu',
    subject: { type: 'PurchaseOrder', id: '4R9DIAQD' },
    payload: { acknowledgements: [] },
    actor: { type: 'rule', id: 'ack-rules' },
  },
  AT,
);
const claimed = applyTransition(pending, {
  to: 'sending',
  action: 'outbox.claimed',
  actor: { type: 'system', id: 'outbox' },
  reason: 'attempt 1',
  at: '2026-03-01T10:00:01.000Z',
  claim: true,
  leaseUntil: '2026-03-01T10:05:01.000Z',
});

describe('DynamoDbOutboxStore', () => {
  const store = new DynamoDbOutboxStore({ client: new DynamoDBClient({}), tableName: 'T' });

  beforeEach(() => {
    ddb.reset();
  });

  it('creates a message with one conditional put carrying both index keys', async () => {
    // Prepare
    ddb.on(PutItemCommand).resolves({});
    // Act
    const result = await store.create(pending);
    // Assess
    expect(result).toBe('created');
    const input = ddb.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(input?.Item).toMatchObject({
      pk: { S: 'OUTBOX#ack#4R9DIAQD#1' },
      sk: { S: 'OUTBOX' },
      gsi1pk: { S: 'OUTBOX#pending' },
      gsi1sk: { S: `${AT}#ack#4R9DIAQD#1` },
      gsi2pk: { S: 'OUTBOX#PurchaseOrder#4R9DIAQD' },
      gsi2sk: { S: `${AT}#ack#4R9DIAQD#1` },
      state: { S: 'pending' },
      revision: { N: '0' },
      recordedRevision: { N: '-1' },
      payload: { S: '{"acknowledgements":[]}' },
    });
  });

  it('reports a duplicate key when the condition fails', async () => {
    ddb.on(PutItemCommand).rejects(conditionFailed());
    await expect(store.create(pending)).resolves.toBe('duplicate');
  });

  it('moves a message with one update conditional on the state and revision it read', async () => {
    ddb.on(UpdateItemCommand).resolves({});
    const result = await store.transition({ key: pending.key, state: 'pending', revision: 0 }, claimed);
    expect(result).toEqual({ ok: true });
    const calls = ddb.commandCalls(UpdateItemCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input).toMatchObject({
      TableName: 'T',
      Key: { pk: { S: 'OUTBOX#ack#4R9DIAQD#1' }, sk: { S: 'OUTBOX' } },
      ConditionExpression: '#state = :expectedState AND #revision = :expectedRevision',
    });
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':expectedState': { S: 'pending' },
      ':expectedRevision': { N: '0' },
      ':state': { S: 'sending' },
      ':revision': { N: '1' },
      ':attempts': { N: '1' },
      ':leaseUntil': { S: '2026-03-01T10:05:01.000Z' },
      ':gsi1pk': { S: 'OUTBOX#sending' },
      ':gsi1sk': { S: '2026-03-01T10:00:01.000Z#ack#4R9DIAQD#1' },
    });
    expect(input?.UpdateExpression).toContain('REMOVE #lastError, #result, #resolution');
    expect(input?.UpdateExpression).not.toMatch(/gsi2|payload|recordedRevision/);
  });

  it('removes the lease when the message leaves sending', async () => {
    ddb.on(UpdateItemCommand).resolves({});
    const sent = applyTransition(claimed, {
      to: 'sent',
      action: 'outbox.sent',
      actor: { type: 'system', id: 'outbox' },
      reason: 'ok',
      at: '2026-03-01T10:00:02.000Z',
      result: { transactionId: 'tx-1' },
    });
    await store.transition({ key: sent.key, state: 'sending', revision: 1 }, sent);
    const input = ddb.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toMatch(/REMOVE .*#leaseUntil/);
    expect(input?.ExpressionAttributeValues?.[':result']).toEqual({ S: '{"transactionId":"tx-1"}' });
  });

  it('reads the current message back after losing the condition', async () => {
    // Prepare: the item as create() stored it, then claimed by someone else
    ddb.on(PutItemCommand).resolves({});
    await store.create(claimed);
    const storedItem = ddb.commandCalls(PutItemCommand)[0]!.args[0].input.Item!;
    ddb.on(UpdateItemCommand).rejects(conditionFailed()).on(GetItemCommand).resolves({ Item: storedItem });
    // Act
    const result = await store.transition({ key: pending.key, state: 'pending', revision: 0 }, claimed);
    // Assess
    expect(result).toEqual({ ok: false, current: claimed });
    expect(ddb.commandCalls(GetItemCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: { S: 'OUTBOX#ack#4R9DIAQD#1' }, sk: { S: 'OUTBOX' } },
      ConsistentRead: true,
    });
  });

  it('refuses a transition that carries another message', async () => {
    await expect(
      store.transition({ key: 'other', state: 'pending', revision: 0 }, claimed),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  it('lets other DynamoDB errors through untouched', async () => {
    ddb.on(UpdateItemCommand).rejects(new Error('ProvisionedThroughputExceeded'));
    await expect(
      store.transition({ key: pending.key, state: 'pending', revision: 0 }, claimed),
    ).rejects.toThrow('ProvisionedThroughputExceeded');
  });

  it('marks a revision recorded only while the message is still at it', async () => {
    ddb.on(UpdateItemCommand).rejectsOnce(conditionFailed()).resolves({});
    await store.markRecorded(pending.key, 3);
    await store.markRecorded(pending.key, 3);
    const input = ddb.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      UpdateExpression: 'SET #recorded = :revision',
      ConditionExpression: '#revision = :revision AND #recorded < :revision',
      ExpressionAttributeValues: { ':revision': { N: '3' } },
    });
  });

  it('returns undefined for a key never stored', async () => {
    ddb.on(GetItemCommand).resolves({});
    await expect(store.get('nope')).resolves.toBeUndefined();
  });

  it('refuses a stored item that does not match the message shape', async () => {
    ddb.on(GetItemCommand).resolves({ Item: { pk: { S: 'OUTBOX#x' }, state: { S: 'teleported' } } });
    await expect(store.get('x')).rejects.toBeInstanceOf(ValidationError);
  });

  it('lists by state from gsi1 newest first, and continues after the cursor', async () => {
    ddb.on(PutItemCommand).resolves({});
    await store.create(pending);
    const item = ddb.commandCalls(PutItemCommand)[0]!.args[0].input.Item!;
    ddb.on(QueryCommand).resolves({ Items: [item], LastEvaluatedKey: { pk: item.pk! } });
    // Act
    const first = await store.listByState('pending', { limit: 1 });
    await store.listByState('pending', { limit: 1, cursor: first.cursor });
    // Assess
    expect(first.items).toEqual([pending]);
    const [firstQuery, secondQuery] = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(firstQuery).toMatchObject({
      IndexName: 'gsi1',
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'gsi1pk' },
      ExpressionAttributeValues: { ':pk': { S: 'OUTBOX#pending' } },
      ScanIndexForward: false,
      Limit: 1,
    });
    expect(secondQuery).toMatchObject({
      KeyConditionExpression: '#pk = :pk AND #sk < :after',
      ExpressionAttributeNames: { '#pk': 'gsi1pk', '#sk': 'gsi1sk' },
      ExpressionAttributeValues: { ':after': { S: `${AT}#ack#4R9DIAQD#1` } },
    });
  });

  it('lists by subject from gsi2, oldest first on request, with no cursor on the last page', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const page = await store.listBySubject(
      { type: 'PurchaseOrder', id: '4R9DIAQD' },
      { limit: 20, order: 'oldest-first' },
    );
    expect(page).toEqual({ items: [] });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      IndexName: 'gsi2',
      ExpressionAttributeNames: { '#pk': 'gsi2pk' },
      ExpressionAttributeValues: { ':pk': { S: 'OUTBOX#PurchaseOrder#4R9DIAQD' } },
      ScanIndexForward: true,
    });
  });

  it('refuses a cursor it did not issue', async () => {
    await expect(store.listByState('sent', { limit: 1, cursor: '!!!' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
