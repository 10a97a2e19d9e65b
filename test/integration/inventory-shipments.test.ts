import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoDbAcknowledgementStore } from '#shared/aws/dynamodb-acknowledgements.ts';
import { DynamoDbInventoryStore } from '#shared/aws/dynamodb-inventory.ts';
import {
  allocate,
  applyPosition,
  DEFAULT_ALLOCATION_RULES,
  emptyRecord,
  type InventoryRecord,
  reserveForPurchaseOrder,
} from '#shared/domain/inventory/allocation.ts';
import type { AcknowledgementRecord } from '#shared/domain/purchase-orders/acknowledgement-record.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '#shared/events.ts';
import { startTestSystem } from '../support/local-system.ts';

const AT = '2026-12-01T08:00:00.000Z';
const SKU = 'ACORN-PAN-28';

describe('ShipmentConfirmed releases PO reservations (local system)', () => {
  let system: Awaited<ReturnType<typeof startTestSystem>>;
  let client: DynamoDBClient;
  let store: DynamoDbInventoryStore;

  beforeAll(async () => {
    system = await startTestSystem();
    client = new DynamoDBClient({
      endpoint: system.runtime.endpoints.dynamodb,
      region: system.runtime.env.AWS_REGION ?? 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const tableName = system.runtime.physicalName('Table');
    store = new DynamoDbInventoryStore({ client, tableName });
    // A counted SKU with 40 eaches reserved for PO1, and PO1's decision placing line 1 on it.
    const counted = applyPosition(
      emptyRecord(SKU, AT),
      { sku: SKU, location: 'WH1', onHand: 100, asOf: '2026-12-01T06:00:00.000Z' },
      AT,
    ).next as InventoryRecord;
    const reservation = reserveForPurchaseOrder(counted, DEFAULT_ALLOCATION_RULES, 'PO1', 40, AT);
    if (reservation.outcome !== 'reserved' || !reservation.next) throw new Error('not reserved');
    expect(await store.write({ ...reservation.next, revision: 1 })).toBe('written');
    const decidedBy = { type: 'rule', id: 'stock' } as const;
    const acknowledgement = {
      purchaseOrderNumber: 'PO1',
      vendorCode: 'ACMEDE',
      marketplace: 'DE',
      purchaseOrderDate: AT,
      deadline: '2026-12-02T08:00:00.000Z',
      state: 'accepted',
      revision: 1,
      lines: [
        {
          itemSequenceNumber: '1',
          sku: SKU,
          outcome: 'decided',
          ruleId: 'stock',
          reason: 'in stock',
          decidedBy,
          decidedAt: AT,
        },
      ],
      remindersSent: [],
      updatedAt: AT,
    } as unknown as AcknowledgementRecord;
    expect(await new DynamoDbAcknowledgementStore({ client, tableName }).create(acknowledgement)).toBe(
      'created',
    );
  }, 120_000);

  afterAll(async () => {
    client?.destroy();
    await system?.dispose();
  });

  it('takes the shipped eaches off the reservation exactly once when the event is delivered twice', async () => {
    const event = {
      source: EVENT_SOURCE.shipments,
      'detail-type': DETAIL_TYPE.shipmentConfirmed,
      detail: {
        shipmentId: 'SHIP-1',
        vendorCode: 'ACMEDE',
        transactionId: 'tx-1',
        shippedDate: '2026-12-02T07:00:00Z',
        confirmedAt: '2026-12-02T07:05:00.000Z',
        purchaseOrders: [
          {
            purchaseOrderNumber: 'PO1',
            lines: [{ itemSequenceNumber: '1', amount: 2, unitOfMeasure: 'Cases', unitSize: 6 }],
          },
        ],
      },
    };
    const before = allocate(await store.get(SKU), DEFAULT_ALLOCATION_RULES).amazon;
    expect(before.reserved).toBe(40);

    await system.runtime.invoke('ReleaseShippedReservations', event);
    const once = allocate(await store.get(SKU), DEFAULT_ALLOCATION_RULES).amazon;
    expect(once.reserved).toBe(28);
    expect(once.shipped).toBe(12);
    // The ERP's count still includes the shipped units: nothing becomes available early.
    expect(once.available).toBe(before.available);

    const revision = (await store.get(SKU)).revision;
    await system.runtime.invoke('ReleaseShippedReservations', event);
    const twice = await store.get(SKU);
    expect(twice.revision).toBe(revision);
    expect(allocate(twice, DEFAULT_ALLOCATION_RULES).amazon).toEqual(once);
  });

  it('gives back the unshipped rest when the bus announces the PO closed', async () => {
    const bus = new EventBridgeClient({
      endpoint: system.runtime.endpoints.eventbridge,
      region: system.runtime.env.AWS_REGION ?? 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const put = (purchaseOrderStatus: string) =>
      bus.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: system.runtime.physicalName('EventBus'),
              Source: EVENT_SOURCE.vendorIngest,
              DetailType: DETAIL_TYPE.purchaseOrderStatusChanged,
              Detail: JSON.stringify({
                purchaseOrderNumber: 'PO1',
                vendorCode: 'ACMEDE',
                purchaseOrderStatus,
                version: 2,
              }),
            },
          ],
        }),
      );
    const releases = () =>
      system.runtime.invocations().filter((i) => i.functionId === 'ReleaseShippedReservations').length;
    const before = releases();
    try {
      // Still open: the rule does not match, the 28 unshipped eaches stay reserved.
      await put('OPEN');
      const closed = await put('CLOSED');
      expect(closed.FailedEntryCount ?? 0).toBe(0);
      await vi.waitFor(
        async () => {
          const amazon = allocate(await store.get(SKU), DEFAULT_ALLOCATION_RULES).amazon;
          expect(amazon.reserved).toBe(0);
          // The 12 shipped stay counted as shipped until the ERP counts after them.
          expect(amazon.shipped).toBe(12);
        },
        { timeout: 30_000, interval: 200 },
      );
      // Only the CLOSED announcement reached the function.
      expect(releases()).toBe(before + 1);
    } finally {
      bus.destroy();
    }
  });
});
