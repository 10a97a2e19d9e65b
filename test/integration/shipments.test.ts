import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { packShipment, toShipmentCsv } from '#local/warehouse/shipment-files.ts';
import { departureWindow } from '#shared/domain/shipments/fulfilment.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '#shared/events.ts';
import { lwaTokenResponseSchema } from '#shared/sp-api/schemas/lwa.ts';
import type { PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import { getShipmentDetailsResponseSchema } from '#shared/sp-api/schemas/shipments.ts';
import { startTestSystem, tableItems } from '../support/local-system.ts';
import { officialModels } from '../support/official-models.ts';

type System = Awaited<ReturnType<typeof startTestSystem>>;

/** Puts a file into the system's inbox bucket, as the warehouse's WMS would. */
async function dropInInbox(system: System, key: string, body: string): Promise<void> {
  const s3 = new S3Client({
    endpoint: system.runtime.endpoints.s3,
    region: system.runtime.env.AWS_REGION ?? 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await s3.send(
      new PutObjectCommand({ Bucket: system.runtime.physicalName('InboxBucket'), Key: key, Body: body }),
    );
  } finally {
    s3.destroy();
  }
}

/** GET on the sandbox's SP-API with a fresh LWA token. */
async function sandboxGet(system: System, path: string): Promise<unknown> {
  const credentials = system.sandbox.credentials();
  const token = await fetch(`${system.sandbox.url}/auth/o2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: credentials.refreshTokens[0]!,
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    }),
  });
  const { access_token } = lwaTokenResponseSchema.parse(await token.json());
  const res = await fetch(`${system.sandbox.url}${path}`, {
    headers: { 'x-amz-access-token': access_token },
  });
  expect(res.status).toBe(200);
  return res.json();
}

const itemStateSchema = z.looseObject({ state: z.object({ S: z.string() }) });

/** The state of Acorn's shipment record, from the table. */
async function shipmentState(
  system: System,
  vendorCode: string,
  shipmentId: string,
): Promise<string | undefined> {
  const item = (await tableItems(system)).find((i) => i.pk?.S === `SHIPMENT#${vendorCode}#${shipmentId}`);
  return item ? itemStateSchema.parse(item).state.S : undefined;
}

describe('shipments on the local system', () => {
  let system: System;
  let order: PurchaseOrder;
  let vendorCode: string;
  let csv: string;

  beforeAll(async () => {
    system = await startTestSystem({ poGeneration: { backlog: 40, perHour: 0 } });
    // The catalogue and stock files are imported, the POs pulled and acknowledged to the sandbox.
    await vi.waitFor(
      async () => {
        const items = await tableItems(system);
        if (!items.some((i) => i.type?.S === 'StockPosition') || !items.some((i) => i.pk?.S === 'CATALOG')) {
          throw new Error('vendor files not imported yet');
        }
      },
      { timeout: 30_000, interval: 250 },
    );
    await system.runtime.invoke('PullPurchaseOrders', {});
    // A PO Amazon shows acknowledged, with a window, and lines it accepted.
    const found = await vi.waitFor(
      () => {
        for (const po of system.sandbox.purchaseOrders()) {
          if (po.purchaseOrderState !== 'Acknowledged' || !departureWindow(po, 2)) continue;
          const status = system.sandbox.purchaseOrderStatus(po.purchaseOrderNumber);
          if (status?.itemStatus.some((i) => (i.acknowledgementStatus?.acceptedQuantity?.amount ?? 0) > 0))
            return po;
        }
        throw new Error('no PO acknowledged yet');
      },
      { timeout: 60_000, interval: 500 },
    );
    order = found;
    vendorCode = order.orderDetails!.sellingParty!.partyId;
    const status = system.sandbox.purchaseOrderStatus(order.purchaseOrderNumber)!;
    const window = departureWindow(order, 2)!;
    const now = system.runtime.clock.now().toISOString();
    // Inside the window (ISO instants compare as strings).
    let shipDate = now;
    if (shipDate < window.start) shipDate = window.start;
    if (shipDate > window.end) shipDate = window.end;
    const lines = order.orderDetails!.items.flatMap((item) => {
      const accepted =
        status.itemStatus.find((s) => s.itemSequenceNumber === item.itemSequenceNumber)?.acknowledgementStatus
          ?.acceptedQuantity?.amount ?? 0;
      return accepted > 0
        ? [
            {
              ean: item.vendorProductIdentifier!,
              unitOfMeasure:
                item.orderedQuantity.unitOfMeasure === 'Cases' ? ('Cases' as const) : ('Eaches' as const),
              unitSize:
                item.orderedQuantity.unitOfMeasure === 'Cases' ? (item.orderedQuantity.unitSize ?? 1) : 1,
              quantity: accepted,
              lotNumber: 'L2611-01',
            },
          ]
        : [];
    });
    csv = toShipmentCsv(
      packShipment(
        {
          shipmentId: 'IT-SHIP-1',
          shipDate,
          purchaseOrders: [{ purchaseOrderNumber: order.purchaseOrderNumber, lines }],
        },
        { firstSerial: 5000 },
      ).rows,
    );
  }, 180_000);

  afterAll(async () => {
    await system?.dispose();
  });

  it('confirms a warehouse file for an acknowledged PO: Amazon reports Success and lists the PO shipped', async () => {
    // Act: the file lands in the inbox; the follow-up polls the transaction until Amazon decides.
    await dropInInbox(system, 'shipments/IT-SHIP-1.csv', csv);
    await vi.waitFor(
      async () => {
        if ((await shipmentState(system, vendorCode, 'IT-SHIP-1')) !== 'submitted')
          throw new Error('not submitted');
      },
      { timeout: 30_000, interval: 250 },
    );
    await vi.waitFor(
      async () => {
        await system.runtime.invoke('FollowUpShipments', {});
        if ((await shipmentState(system, vendorCode, 'IT-SHIP-1')) !== 'accepted')
          throw new Error('not accepted yet');
      },
      { timeout: 60_000, interval: 1000 },
    );

    // Assess: Amazon's side.
    const confirmations = system.sandbox.shipmentConfirmations();
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]).toMatchObject({
      accepted: true,
      confirmation: { shipmentIdentifier: 'IT-SHIP-1' },
    });
    const transaction = system.sandbox
      .transactions()
      .find((t) => t.transactionId === confirmations[0]!.transactionId);
    expect(transaction?.status).toBe('Success');
    const details = await sandboxGet(
      system,
      '/vendor/shipping/v1/shipments?vendorShipmentIdentifier=IT-SHIP-1',
    );
    expect(officialModels().validate('vendorShipments', 'GetShipmentDetailsResponse', details)).toEqual([]);
    const listed = getShipmentDetailsResponseSchema.parse(details).payload?.shipments ?? [];
    expect(listed).toEqual([
      expect.objectContaining({
        vendorShipmentIdentifier: 'IT-SHIP-1',
        currentShipmentStatus: 'Shipped',
        sellingParty: { partyId: vendorCode },
        purchaseOrders: [expect.objectContaining({ purchaseOrderNumber: order.purchaseOrderNumber })],
      }),
    ]);
    // Acorn's side: the PO shipped, the confirmed quantities ready for invoicing, the event on the bus.
    const res = await fetch(`${system.url}/api/shipments?purchaseOrderNumber=${order.purchaseOrderNumber}`, {
      headers: {
        authorization: `Bearer ${system.signIn({ username: 'test-analyst', groups: ['analyst'] })}`,
      },
    });
    const body = z
      .object({
        fulfilment: z.object({ state: z.string() }),
        confirmedShipments: z.array(z.object({ shipmentId: z.string(), lines: z.array(z.unknown()) })),
      })
      .parse(await res.json());
    expect(body.fulfilment.state).toBe('shipped');
    expect(body.confirmedShipments).toEqual([expect.objectContaining({ shipmentId: 'IT-SHIP-1' })]);
    expect(system.runtime.publishedEvents().map((p) => p.event['detail-type'])).toContain(
      DETAIL_TYPE.shipmentConfirmed,
    );
  });

  it('sends one confirmation when the same file lands again', async () => {
    // Act
    await dropInInbox(system, 'shipments/IT-SHIP-1-resent.csv', csv);
    await vi.waitFor(
      () => {
        // Invocations are recorded once they end.
        const done = system.runtime
          .invocations()
          .filter((i) => i.functionId === 'ImportShipmentFile' && i.ok);
        if (done.length < 2) throw new Error('second import not finished');
      },
      { timeout: 30_000, interval: 250 },
    );

    // Assess
    expect(system.sandbox.shipmentConfirmations()).toHaveLength(1);
  });

  it('refuses a file with a misprinted SSCC, naming the row and the field, and sends nothing', async () => {
    // Prepare
    const [header = '', first = '', ...rest] = csv.trim().split('\n');
    const columns = header.split(',');
    const cells = first.split(',');
    const at = columns.indexOf('cartonSscc');
    const label = cells[at]!;
    const bad = `${label.slice(0, 17)}${(Number(label[17]) + 1) % 10}`;
    const text = [header, first.replaceAll(label, bad), ...rest.map((r) => r.replaceAll(label, bad))]
      .join('\n')
      .replaceAll('IT-SHIP-1', 'IT-SHIP-2');

    // Act
    await dropInInbox(system, 'shipments/IT-SHIP-2.csv', text);
    const rejected = await vi.waitFor(
      () => {
        const found = system.runtime
          .publishedEvents()
          .find(
            (p) =>
              p.event.source === EVENT_SOURCE.shipments &&
              p.event['detail-type'] === DETAIL_TYPE.inboxFileRejectedRows &&
              p.event.detail.file === 'shipments/IT-SHIP-2.csv',
          );
        if (!found) throw new Error('no rejection yet');
        return found.event.detail;
      },
      { timeout: 30_000, interval: 250 },
    );

    // Assess
    expect(rejected).toMatchObject({
      refusedShipments: ['IT-SHIP-2'],
      problems: [{ row: 2, field: 'cartonSscc', message: expect.stringMatching(/check digit \d is wrong/) }],
    });
    expect(system.sandbox.shipmentConfirmations()).toHaveLength(1);
  });

  it('lists the shipments and the POs still to ship from GET /api/shipments', async () => {
    // Act
    const shipments = z
      .object({ items: z.array(z.object({ shipmentId: z.string(), state: z.string() })) })
      .parse(
        await (
          await fetch(`${system.url}/api/shipments`, {
            headers: {
              authorization: `Bearer ${system.signIn({ username: 'test-analyst', groups: ['analyst'] })}`,
            },
          })
        ).json(),
      );
    const due = await fetch(`${system.url}/api/shipments?state=due&days=30`, {
      headers: {
        authorization: `Bearer ${system.signIn({ username: 'test-analyst', groups: ['analyst'] })}`,
      },
    });

    // Assess
    expect(shipments.items).toEqual([
      expect.objectContaining({ shipmentId: 'IT-SHIP-1', state: 'accepted' }),
    ]);
    expect(due.status).toBe(200);
  });
});
