import { DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbArchiveSource } from '#shared/aws/dynamodb-archive-source.ts';
import { INVOICE_STATES } from '#shared/domain/invoices/invoice-record.ts';
import type { SourceRecord } from '#shared/use-cases/archive/ports.ts';

const ddb = mockClient(DynamoDBClient);

async function all(records: AsyncIterable<SourceRecord>): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const record of records) out.push(record);
  return out;
}

describe('DynamoDbArchiveSource', () => {
  const source = new DynamoDbArchiveSource({ client: new DynamoDBClient({}), tableName: 'T' });

  beforeEach(() => {
    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [] });
  });

  it('reads a vendor code’s PO versions of one hour as one key range of gsi2, every page', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({
        Items: [{ pk: { S: 'PO#A' }, sk: { S: 'PO' }, lineCount: { N: '3' }, document: { S: '{}' } }],
        LastEvaluatedKey: { pk: { S: 'PO#A' } },
      })
      .resolvesOnce({ Items: [{ pk: { S: 'PO#B' }, sk: { S: 'PO' }, flag: { BOOL: true } }] });

    const records = await all(source.purchaseOrders('ACMEDE', '2026-11-24T08'));

    expect(records).toEqual([
      { source: 'PO#A|PO', item: { pk: 'PO#A', sk: 'PO', lineCount: 3, document: '{}' } },
      { source: 'PO#B|PO', item: { pk: 'PO#B', sk: 'PO', flag: true } },
    ]);
    const calls = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(calls[0]).toEqual({
      TableName: 'T',
      IndexName: 'gsi2',
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :sk0 AND :sk1',
      ExpressionAttributeNames: { '#pk': 'gsi2pk', '#sk': 'gsi2sk' },
      ExpressionAttributeValues: {
        ':pk': { S: 'ARCHIVE#PO#ACMEDE#2026-11-24' },
        ':sk0': { S: '2026-11-24T08' },
        ':sk1': { S: '2026-11-24T08\uffff' },
      },
      ExclusiveStartKey: undefined,
    });
    expect(calls[1]?.ExclusiveStartKey).toEqual({ pk: { S: 'PO#A' } });
  });

  it('reads acknowledgements under every state, settled outbox messages and the day’s audit events, never scanning', async () => {
    await all(source.acknowledgements('2026-11-24T08'));
    await all(source.settledOutboxMessages('2026-11-24T08'));
    await all(source.auditEvents('2026-11-24T08'));

    const pks = ddb
      .commandCalls(QueryCommand)
      .map((c) => c.args[0].input.ExpressionAttributeValues?.[':pk']?.S);
    expect(pks).toEqual([
      ...[
        'review',
        'queued',
        'held',
        'simulated',
        'submitted',
        'accepted',
        'rejected',
        'failed',
        'unknown',
      ].map((s) => `ACKSTATE#${s}`),
      'OUTBOX#sent',
      'OUTBOX#simulated',
      'OUTBOX#failed',
      'AUDIT#2026-11-24',
    ]);
    expect(ddb.commandCalls(QueryCommand).every((c) => c.args[0].input.IndexName === 'gsi1')).toBe(true);
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it('reads invoices under every invoice state from gsi1 as the hour’s key range, never scanning', async () => {
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': { S: 'INVSTATE#accepted' } } }, false)
      .resolves({ Items: [{ pk: { S: 'INVOICE#INV-1' }, sk: { S: 'INVOICE' }, revision: { N: '2' } }] });

    const records = await all(source.invoices('2026-11-24T08'));

    expect(records).toEqual([
      { source: 'INVOICE#INV-1|INVOICE', item: { pk: 'INVOICE#INV-1', sk: 'INVOICE', revision: 2 } },
    ]);
    const calls = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.ExpressionAttributeValues?.[':pk']?.S)).toEqual(
      INVOICE_STATES.map((state) => `INVSTATE#${state}`),
    );
    for (const call of calls) {
      expect(call).toMatchObject({
        IndexName: 'gsi1',
        ExpressionAttributeValues: { ':sk0': { S: '2026-11-24T08' }, ':sk1': { S: '2026-11-24T08\uffff' } },
      });
    }
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });
});
