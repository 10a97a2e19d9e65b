import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { invoiceOf } from '#shared/aws/dynamodb-invoices.ts';
import { addMoney, moneyEquals, parseMoney } from '#shared/domain/money.ts';
import { DETAIL_TYPE } from '#shared/events.ts';
import type { PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import { dropInInbox, sandboxGet, startTestSystem, tableItems } from '../support/local-system.ts';
import { officialModels } from '../support/official-models.ts';
import { acceptedShipmentCsv, acknowledgedOrder, waitForVendorFiles } from '../support/shipped-orders.ts';

type System = Awaited<ReturnType<typeof startTestSystem>>;

async function invoices(system: System) {
  return (await tableItems(system)).filter((i) => i.type?.S === 'Invoice').map(invoiceOf);
}

const listSchema = z.object({
  invoices: z.array(
    z.object({
      invoiceNumber: z.string(),
      state: z.string(),
      pdf: z.string(),
      paymentStatus: z.string().optional(),
    }),
  ),
});

/** A signed-in operator: every console route checks the caller's group. */
const operatorToken = (system: { signIn(request: { username: string; groups: string[] }): string }) =>
  system.signIn({ username: 'olga', groups: ['operator'] });

const reconciliationSchema = z.object({
  reconciliation: z.object({
    billed: z.string(),
    paid: z.string(),
    deductedTotal: z.string(),
    open: z.string(),
  }),
});

describe('invoicing on the local system', () => {
  let system: System;
  let order: PurchaseOrder;
  let csv: string;

  beforeAll(async () => {
    // A live vendor code in the EU (ACMEDE or ACMEUK) whose POs are accepted.
    system = await startTestSystem({ poGeneration: { backlog: 40, perHour: 0 } });
    await waitForVendorFiles(system);
    order = await acknowledgedOrder(system, ['ACMEDE', 'ACMEUK']);
    csv = acceptedShipmentCsv(system, order, { shipmentId: 'IT-INV-1', firstSerial: 7000 });
  }, 180_000);

  afterAll(async () => {
    await system?.dispose();
  });

  it('invoices a confirmed shipment, submits it to Amazon once, follows it to accepted and serves its PDF', async () => {
    // Act: the shipment is confirmed; ShipmentConfirmed starts the invoice.
    await dropInInbox(system, 'shipments/IT-INV-1.csv', csv);
    await vi.waitFor(
      async () => {
        await system.runtime.invoke('FollowUpShipments', {});
        if (
          !system.runtime
            .publishedEvents()
            .some((p) => p.event['detail-type'] === DETAIL_TYPE.shipmentConfirmed)
        )
          throw new Error('not confirmed yet');
      },
      { timeout: 90_000, interval: 1000 },
    );
    const [invoice] = await vi.waitFor(
      async () => {
        const found = (await invoices(system)).filter((i) =>
          i.purchaseOrderNumbers.includes(order.purchaseOrderNumber),
        );
        if (found[0]?.state !== 'submitted') throw new Error(`no submitted invoice yet (${found[0]?.state})`);
        return found;
      },
      { timeout: 60_000, interval: 500 },
    );

    // Assess: Amazon got exactly this invoice, valid against the official model.
    const received = system.sandbox.invoices().filter((r) => r.invoice.id === invoice!.invoiceNumber);
    expect(received).toHaveLength(1);
    expect(officialModels().validate('vendorInvoices', 'Invoice', received[0]!.invoice)).toEqual([]);
    expect(received[0]!.invoice.invoiceTotal.amount).toBe(invoice!.total);
    expect(invoice!.invoiceNumber).toMatch(/^ACME-INV-\d{6}$/);
    expect(invoice!.marketplace).toMatch(/^(DE|FR|IT|ES|GB)$/);

    // The follow-up: still Processing 15 minutes (15 s at 60×) after submission → accepted.
    await vi.waitFor(
      async () => {
        await system.runtime.invoke('FollowUpInvoices', {});
        const now = (await invoices(system)).find((i) => i.invoiceNumber === invoice!.invoiceNumber);
        if (now?.state !== 'accepted') throw new Error(`still ${now?.state}`);
      },
      { timeout: 60_000, interval: 2000 },
    );
    expect(system.runtime.publishedEvents().map((p) => p.event['detail-type'])).toContain(
      DETAIL_TYPE.invoiceAccepted,
    );

    // The console API lists it, and its PDF opens.
    const list = listSchema.parse(
      await (
        await fetch(`${system.url}/api/invoices`, {
          headers: { authorization: `Bearer ${operatorToken(system)}` },
        })
      ).json(),
    );
    const row = list.invoices.find((i) => i.invoiceNumber === invoice!.invoiceNumber);
    expect(row?.state).toBe('accepted');
    const pdf = await fetch(`${system.url}${row!.pdf}`, {
      headers: { authorization: `Bearer ${operatorToken(system)}` },
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');

    // Amazon's Finances Invoices API reports it (IN_PROGRESS) in the official model's shape, and the poll records it.
    const marketplaceId = {
      DE: 'A1PA6795UKMFR9',
      FR: 'A13V1IB3VIYZZH',
      IT: 'APJ6JRA9NG5V4',
      ES: 'A1RKKUPIHCS9HS',
      GB: 'A1F83G8C2ARO7P',
    }[invoice!.marketplace]!;
    const headers = await sandboxGet(
      system,
      `/finances/invoices/2026-06-25/invoices?marketplaceId=${marketplaceId}`,
    );
    expect(officialModels().validateResponse('getInvoiceHeaders', 200, headers)).toEqual([]);
    await system.runtime.invoke('SyncPaymentStatuses', {});
    const synced = (await invoices(system)).find((i) => i.invoiceNumber === invoice!.invoiceNumber);
    expect(synced?.paymentStatus).toBe('IN_PROGRESS');

    // Amazon pays it: the sandbox's remittance export lands in the inbox, and the payments capability
    // reconciles it against this very invoice record (billed = paid + deducted + open).
    const dropped = await system.remittances.round();
    expect(dropped.length).toBeGreaterThan(0);
    const reconciled = await vi.waitFor(
      async () => {
        const res = await fetch(
          `${system.url}/api/payments?invoiceNumber=${encodeURIComponent(invoice!.invoiceNumber)}`,
          { headers: { authorization: `Bearer ${operatorToken(system)}` } },
        );
        if (res.status !== 200) throw new Error(`not reconciled yet (${res.status})`);
        return reconciliationSchema.parse(await res.json()).reconciliation;
      },
      { timeout: 60_000, interval: 500 },
    );
    expect(reconciled.billed).toBe(invoice!.total);
    const currency = invoice!.currency;
    const accounted = [reconciled.paid, reconciled.deductedTotal, reconciled.open]
      .map((amount) => parseMoney(amount, currency))
      .reduce((a, b) => addMoney(a, b));
    expect(moneyEquals(accounted, parseMoney(invoice!.total, currency))).toBe(true);
  });

  it('refuses an on-demand invoice for a PO already billed, naming the PO', async () => {
    const res = await fetch(`${system.url}/api/invoices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorToken(system)}` },
      body: JSON.stringify({ purchaseOrderNumbers: [order.purchaseOrderNumber] }),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { issues: { path: string; message: string }[] };
    expect(body.issues[0]?.message).toContain(order.purchaseOrderNumber);
  });
});
