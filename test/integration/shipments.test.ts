import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { DETAIL_TYPE, EVENT_SOURCE } from '#shared/events.ts';
import type { PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import { getShipmentDetailsResponseSchema } from '#shared/sp-api/schemas/shipments.ts';
import { dropInInbox, sandboxGet, startTestSystem, tableItems } from '../support/local-system.ts';
import { officialModels } from '../support/official-models.ts';
import { acceptedShipmentCsv, acknowledgedOrder, waitForVendorFiles } from '../support/shipped-orders.ts';

type System = Awaited<ReturnType<typeof startTestSystem>>;

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
    await waitForVendorFiles(system);
    // A PO Amazon shows acknowledged, with a window, and lines it accepted.
    order = await acknowledgedOrder(system);
    vendorCode = order.orderDetails!.sellingParty!.partyId;
    csv = acceptedShipmentCsv(system, order, { shipmentId: 'IT-SHIP-1', firstSerial: 5000 });
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
