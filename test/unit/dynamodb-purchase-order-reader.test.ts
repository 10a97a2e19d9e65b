import { BatchGetItemCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbPurchaseOrderReader } from '#shared/aws/dynamodb-catalog.ts';
import { purchaseOrder } from '../support/acknowledgement-fakes.ts';

const ddb = mockClient(DynamoDBClient);
const reader = new DynamoDbPurchaseOrderReader({
  client: new DynamoDBClient({ region: 'eu-west-1' }),
  tableName: 'T',
});
const stored = (n: string) => ({
  purchaseOrderNumber: { S: n },
  document: {
    S: JSON.stringify(purchaseOrder({ number: n, lines: [{ ean: '4006381333931', quantity: 1 }] })),
  },
});

describe('DynamoDbPurchaseOrderReader.getMany', () => {
  beforeEach(() => ddb.reset());

  it('reads 100 keys per BatchGetItem, reads unprocessed keys again, and skips POs not stored', async () => {
    const numbers = Array.from({ length: 150 }, (_, i) => `PO${String(i).padStart(4, '0')}`);
    ddb
      .on(BatchGetItemCommand)
      .resolvesOnce({
        Responses: { T: numbers.slice(0, 98).map(stored) },
        UnprocessedKeys: { T: { Keys: [{ pk: { S: 'PO#PO0098' }, sk: { S: 'PO' } }] } },
      })
      .resolvesOnce({ Responses: { T: [stored('PO0098')] } })
      .resolvesOnce({ Responses: { T: numbers.slice(100).map(stored) } });
    const found = await reader.getMany([...numbers, 'PO0001']);
    // PO0099 was never stored: absent, not an error.
    expect(found.size).toBe(149);
    expect(found.has('PO0099')).toBe(false);
    expect(found.get('PO0098')?.purchaseOrderNumber).toBe('PO0098');
    const calls = ddb
      .commandCalls(BatchGetItemCommand)
      .map((c) => c.args[0].input.RequestItems?.T?.Keys?.length);
    expect(calls).toEqual([100, 1, 50]);
    expect(ddb.commandCalls(GetItemCommand)).toHaveLength(0);
  });
});
