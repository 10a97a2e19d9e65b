import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbAuditLog } from '#shared/aws/dynamodb-audit.ts';
import type { AuditEvent } from '#shared/domain/audit.ts';
import { ValidationError } from '#shared/errors.ts';

const ddb = mockClient(DynamoDBClient);

const event: AuditEvent = {
  id: 'outbox:ack#4R9DIAQD#1:r000002',
  at: '2026-03-01T10:00:02.000Z',
  actor: { type: 'system', id: 'outbox' },
  action: 'outbox.sent',
  entity: { type: 'PurchaseOrder', id: '4R9DIAQD' },
  reason: 'acct-eu accepted submitAcknowledgement',
  before: { state: 'sending' },
  after: { state: 'sent', result: { transactionId: 'tx-1' } },
  module: 'purchaseOrders',
};

describe('DynamoDbAuditLog', () => {
  const log = new DynamoDbAuditLog({ client: new DynamoDBClient({}), tableName: 'T' });

  beforeEach(() => {
    ddb.reset();
  });

  it('writes each event once, under its entity and its day', async () => {
    // Prepare
    ddb.on(PutItemCommand).resolves({});
    // Act
    const result = await log.record(event);
    // Assess
    expect(result).toBe('recorded');
    const input = ddb.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TableName: 'T',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: { S: 'AUDIT#PurchaseOrder#4R9DIAQD' },
        sk: { S: '2026-03-01T10:00:02.000Z#outbox:ack#4R9DIAQD#1:r000002' },
        gsi1pk: { S: 'AUDIT#2026-03-01' },
        gsi1sk: { S: '2026-03-01T10:00:02.000Z#outbox:ack#4R9DIAQD#1:r000002' },
        action: { S: 'outbox.sent' },
        actorId: { S: 'outbox' },
        module: { S: 'purchaseOrders' },
      },
    });
    expect(JSON.parse(input?.Item?.event?.S ?? '')).toEqual(event);
  });

  it('reports an event already written as a duplicate', async () => {
    ddb.on(PutItemCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    await expect(log.record(event)).resolves.toBe('duplicate');
  });

  it('refuses an event that does not match the schema, before writing', async () => {
    await expect(log.record({ ...event, action: 'Sent!' })).rejects.toBeInstanceOf(ValidationError);
    await expect(log.record({ ...event, at: 'yesterday' })).rejects.toBeInstanceOf(ValidationError);
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(0);
  });

  it('reads one entity’s history from the table and one day from gsi1, by Query only', async () => {
    ddb.on(PutItemCommand).resolves({});
    await log.record(event);
    const item = ddb.commandCalls(PutItemCommand)[0]!.args[0].input.Item!;
    ddb.on(QueryCommand).resolves({ Items: [item] });
    // Act
    const history = await log.byEntity(event.entity, { limit: 50, order: 'oldest-first' });
    const day = await log.byDay('2026-03-01', { limit: 50 });
    // Assess
    expect(history.items).toEqual([event]);
    expect(day.items).toEqual([event]);
    const [entityQuery, dayQuery] = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(entityQuery).toMatchObject({
      ExpressionAttributeValues: { ':pk': { S: 'AUDIT#PurchaseOrder#4R9DIAQD' } },
      ScanIndexForward: true,
    });
    expect(entityQuery?.IndexName).toBeUndefined();
    expect(dayQuery).toMatchObject({
      IndexName: 'gsi1',
      ExpressionAttributeValues: { ':pk': { S: 'AUDIT#2026-03-01' } },
      ScanIndexForward: false,
    });
  });

  it('refuses a day that is not YYYY-MM-DD', async () => {
    await expect(log.byDay('1 March', { limit: 10 })).rejects.toBeInstanceOf(ValidationError);
  });
});
