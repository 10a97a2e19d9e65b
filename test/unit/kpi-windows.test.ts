import { DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbCreditMemoStore } from '#shared/aws/dynamodb-credit-memos.ts';
import { DynamoDbPaymentsStore } from '#shared/aws/dynamodb-payments.ts';

// The KPIs' time windows: the records changed since an instant, read as an index's time range.

const ddb = mockClient(DynamoDBClient);
const deps = { client: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'T' };
const SINCE = new Date('2026-09-01T00:00:00.000Z');

const reconciliation = {
  invoiceNumber: 'ACME-DE-000101',
  currency: 'EUR',
  purchaseOrderNumbers: ['4Z32PABC'],
  billed: '119.00',
  paid: '100.00',
  paymentReceived: true,
  deducted: { shortage: '19.00' },
  deductedTotal: '19.00',
  open: '0.00',
  status: 'settled',
  payments: ['P1'],
  appliedLines: ['L1'],
};

describe('records changed since an instant (KPI windows)', () => {
  beforeEach(() => ddb.reset());

  it("reads a vendor code's reconciliations from gsi1's time range, every page, never a scan", async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({
        Items: [{ document: { S: JSON.stringify(reconciliation) } }],
        LastEvaluatedKey: { pk: { S: 'PAY#1' } },
      })
      .resolvesOnce({ Items: [{ document: { S: '{"not":"a reconciliation"}' } }] });
    const found = await new DynamoDbPaymentsStore(deps).changedSince('ACMEDE', SINCE, 10_000);
    expect(found).toEqual([expect.objectContaining({ invoiceNumber: 'ACME-DE-000101', billed: '119.00' })]);
    const calls = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(calls[0]).toMatchObject({
      IndexName: 'gsi1',
      KeyConditionExpression: '#pk = :pk AND #sk > :sk0',
      ExpressionAttributeValues: { ':pk': { S: 'PAYMENTS#ACMEDE' }, ':sk0': { S: SINCE.toISOString() } },
      Limit: 10_000,
    });
    expect(calls).toHaveLength(2);
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it("reads a state's credit memos from gsi2's time range", async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    expect(await new DynamoDbCreditMemoStore(deps).changedSince('accepted', SINCE, 500)).toEqual([]);
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      IndexName: 'gsi2',
      KeyConditionExpression: '#pk = :pk AND #sk > :sk0',
      ExpressionAttributeNames: { '#pk': 'gsi2pk', '#sk': 'gsi2sk' },
      ExpressionAttributeValues: { ':pk': { S: 'CMSTATE#accepted' }, ':sk0': { S: SINCE.toISOString() } },
      Limit: 500,
    });
  });
});
