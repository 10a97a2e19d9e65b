import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { packShipment, toShipmentCsv } from '#local/warehouse/shipment-files.ts';
import {
  DynamoDbFulfilmentStore,
  DynamoDbShipmentStore,
  DynamoDbShippedQuantities,
} from '#shared/aws/dynamodb-shipments.ts';
import type { FulfilmentRecord, ShipmentRecord } from '#shared/domain/shipments/fulfilment.ts';
import { makeImportShipmentFile } from '#shared/use-cases/shipments/import-shipment-file.ts';
import { makeRegisterShipments } from '#shared/use-cases/shipments/register-shipments.ts';
import { shipmentWorld } from '../support/shipment-fakes.ts';

const ddb = mockClient(DynamoDBClient);
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const table = { client: new DynamoDBClient({}), tableName: 'T' };

/** A real held shipment and the PO's fulfilment, made by the use case with shipments off. */
let held: ShipmentRecord;
let fulfilment: FulfilmentRecord;

beforeAll(async () => {
  const world = shipmentWorld();
  world.state.mode = 'off';
  const csv = toShipmentCsv(
    packShipment(
      {
        shipmentId: 'WH-1',
        shipDate: '2026-11-30T13:50:00Z',
        purchaseOrders: [
          {
            purchaseOrderNumber: '4Z32PABC',
            lines: [{ ean: '4006381333931', unitOfMeasure: 'Eaches', unitSize: 1, quantity: 24 }],
          },
        ],
      },
      { firstSerial: 1 },
    ).rows,
  );
  await makeImportShipmentFile({
    read: async () => csv,
    register: makeRegisterShipments(world.deps),
    events: world.deps.events,
  })('shipments/WH-1.csv');
  held = (await world.shipments.get('ACMEDE', 'WH-1'))!;
  fulfilment = (await world.fulfilments.get('4Z32PABC'))!;
});

describe('the shipments table adapters', () => {
  beforeEach(() => {
    ddb.reset();
  });

  it('keep a shipment without an ASN in the reminder index, and take it out once it is sent', async () => {
    // Prepare
    ddb.on(PutItemCommand).resolves({});
    const store = new DynamoDbShipmentStore(table);
    const { nextNoticeAt: _n, ...sent } = {
      ...held,
      state: 'submitted' as const,
      revision: held.revision + 1,
    };

    // Act
    await store.create(held);
    await store.update(sent);

    // Assess
    const [create, update] = ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input);
    expect(create?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(create?.Item).toMatchObject({
      pk: { S: 'SHIPMENT#ACMEDE#WH-1' },
      sk: { S: 'SHIPMENT' },
      gsi1pk: { S: 'SHIPSTATE#held' },
      gsi2pk: { S: 'ASNNOTICE#ACMEDE' },
      gsi2sk: { S: `${held.nextNoticeAt}#WH-1` },
    });
    expect(update?.ConditionExpression).toBe('revision = :previous');
    expect(update?.ExpressionAttributeValues).toEqual({ ':previous': { N: String(held.revision) } });
    expect(update?.Item?.gsi2pk).toBeUndefined();
    expect(update?.Item?.gsi1pk).toEqual({ S: 'SHIPSTATE#submitted' });
  });

  it('answer a conflict when the record moved on, and read it back through its schema', async () => {
    // Prepare
    ddb.on(PutItemCommand).rejects(conditionFailed());
    ddb.on(GetItemCommand).resolves({ Item: { document: { S: JSON.stringify(held) } } });
    const store = new DynamoDbShipmentStore(table);

    // Act
    const outcome = await store.update({ ...held, revision: held.revision + 1 });
    const read = await store.get('ACMEDE', 'WH-1');

    // Assess
    expect(outcome).toBe('conflict');
    expect(read).toEqual(held);
    expect(ddb.commandCalls(GetItemCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: { S: 'SHIPMENT#ACMEDE#WH-1' }, sk: { S: 'SHIPMENT' } },
      ConsistentRead: true,
    });
  });

  it('read the notices due and the POs due to ship from sparse indexes, never with a scan', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [{ document: { S: JSON.stringify(fulfilment) } }] });
    const store = new DynamoDbFulfilmentStore(table);
    const now = new Date('2026-11-30T15:00:00Z');

    // Act
    const notices = await store.noticesDue('ACMEDE', now, 50);
    const due = await store.dueBefore('ACMEDE', new Date('2026-12-07T15:00:00Z'), 50);

    // Assess
    expect(notices).toEqual([fulfilment]);
    expect(due).toEqual([fulfilment]);
    const [noticeQuery, dueQuery] = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(noticeQuery).toMatchObject({
      IndexName: 'gsi2',
      KeyConditionExpression: '#pk = :pk AND #sk < :sk0',
      ExpressionAttributeNames: { '#pk': 'gsi2pk', '#sk': 'gsi2sk' },
      ExpressionAttributeValues: {
        ':pk': { S: 'SHIPNOTICE#ACMEDE' },
        ':sk0': { S: '2026-11-30T15:00:00.000Z$' },
      },
    });
    expect(dueQuery).toMatchObject({
      IndexName: 'gsi1',
      ExpressionAttributeValues: {
        ':pk': { S: 'SHIPDUE#ACMEDE' },
        ':sk0': { S: '2026-12-07T15:00:00.000Z' },
      },
    });
    expect(ddb.commandCalls(ScanCommand)).toEqual([]);
  });

  it('keep a PO in the due index until it ships, and in the reminder index only while nothing ships', async () => {
    // Prepare
    ddb.on(PutItemCommand).resolves({});
    const store = new DynamoDbFulfilmentStore(table);
    const { nextNoticeAt: _n, ...partial } = fulfilment;
    const shipped = { ...partial, state: 'shipped' as const, revision: fulfilment.revision + 1 };

    // Act
    await store.update({ ...fulfilment, state: 'awaiting', nextNoticeAt: '2026-11-30T07:00:00.000Z' });
    await store.update(shipped);

    // Assess
    const [awaiting, done] = ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input.Item);
    expect(awaiting).toMatchObject({
      pk: { S: 'PO#4Z32PABC' },
      sk: { S: 'FULFILMENT' },
      gsi1pk: { S: 'SHIPDUE#ACMEDE' },
      gsi1sk: { S: '2026-12-02T07:00:00.000Z#4Z32PABC' },
      gsi2pk: { S: 'SHIPNOTICE#ACMEDE' },
      gsi2sk: { S: '2026-11-30T07:00:00.000Z#4Z32PABC' },
    });
    expect(done?.gsi1pk).toBeUndefined();
    expect(done?.gsi2pk).toBeUndefined();
  });

  it('write the confirmed quantities once, replaced only by a later revision of the shipment', async () => {
    // Prepare
    ddb.on(PutItemCommand).resolvesOnce({}).rejects(conditionFailed());
    const store = new DynamoDbShippedQuantities(table);
    const entry = {
      purchaseOrderNumber: '4Z32PABC',
      vendorCode: 'ACMEDE',
      shipmentId: 'WH-1',
      revision: 3,
      shippedDate: '2026-11-30T13:50:00.000Z',
      confirmedAt: '2026-11-30T14:10:00.000Z',
      lines: [
        {
          itemSequenceNumber: '1',
          shippedQuantity: { amount: 24, unitOfMeasure: 'Eaches' as const, unitSize: 1 },
        },
      ],
    };

    // Act
    const first = await store.put(entry);
    const second = await store.put(entry);

    // Assess
    expect([first, second]).toEqual(['created', 'exists']);
    expect(ddb.commandCalls(PutItemCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk) OR revision < :revision',
      ExpressionAttributeValues: { ':revision': { N: '3' } },
      Item: {
        pk: { S: 'PO#4Z32PABC' },
        sk: { S: 'SHIPPED#ACMEDE#WH-1' },
        gsi1pk: { S: 'SHIPPED#ACMEDE' },
        gsi1sk: { S: '2026-11-30T14:10:00.000Z#4Z32PABC#WH-1' },
      },
    });
  });
});
