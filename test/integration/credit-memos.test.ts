import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import { api, memoOf, pulledOrder, seedInvoice, waitForMemo } from '../support/credit-memo-system.ts';
import { startTestSystem } from '../support/local-system.ts';
import { officialModels } from '../support/official-models.ts';

type System = Awaited<ReturnType<typeof startTestSystem>>;

/** A return of `quantity` units of the PO's first line, by API. */
function returnBody(
  order: PurchaseOrder,
  reference: string,
  quantity: number,
  status: string,
  marketplace = 'DE',
) {
  const item = order.orderDetails!.items[0]!;
  return {
    type: 'return',
    return: {
      vendorCode: order.orderDetails!.sellingParty!.partyId,
      marketplace,
      returnReference: reference,
      returnDate: new Date(Date.now() - 3600_000).toISOString(),
      currency: item.netCost!.currencyCode!,
      status,
      items: [
        { asin: item.amazonProductIdentifier!, purchaseOrderNumber: order.purchaseOrderNumber, quantity },
      ],
    },
  };
}

describe('credit memos on the local system', () => {
  let system: System;
  let order: PurchaseOrder;

  beforeAll(async () => {
    system = await startTestSystem({
      speed: 600,
      poGeneration: { backlog: 30, perHour: 0 },
      log: (l) => { if (l.level === 'error' || l.level === 'warn') console.log(l.source, l.message, JSON.stringify(l.data ?? {}).slice(0, 600)); },
      configPatch: (c) => ({ ...c, creditMemos: { ...(c.creditMemos as object), recheckReceiptMinutes: 5 } }),
    });
    order = await pulledOrder(system, 'ACMEDE');
    await seedInvoice(system, order, 'ACME-DE-INV-000101');
  }, 120_000);

  afterAll(async () => {
    await system?.dispose();
  });

  it('auto-approves a small received return and Amazon accepts the credit note', async () => {
    const res = await api(
      system,
      'POST',
      '/api/credit-requests',
      returnBody(order, 'RN-IT-AUTO', 1, 'Delivered to Warehouse'),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const memoId = 'RET-ACMEDE-RN-IT-AUTO';
    const memo = await waitForMemo(system, memoId, 'accepted');
    expect(memo).toMatchObject({ filing: 'api', policy: { decision: 'auto-approve' } });
    const sent = system.sandbox.invoices().find((r) => r.invoice.invoiceType === 'CreditNote');
    expect(sent).toBeDefined();
    expect(officialModels().validate('vendorInvoices', 'Invoice', sent!.invoice)).toEqual([]);
    expect(sent!.invoice.items?.[0]?.creditNoteDetails).toMatchObject({
      returnsReferenceNumber: 'RN-IT-AUTO',
      referenceInvoiceNumber: 'ACME-DE-INV-000101',
    });
  });

  it('asks a person for a large return; the emailed link only shows, the page approves once', async () => {
    const res = await api(system, 'POST', '/api/credit-requests', returnBody(order, 'RN-IT-HUMAN', 40, 'Delivered to Warehouse'));
    expect(res.status).toBe(202);
    const memoId = 'RET-ACMEDE-RN-IT-HUMAN';
    const memo = await waitForMemo(system, memoId, 'pending-approval');
    const email = await vi.waitFor(() => {
      const found = system.messages.emails().find((e) => e.text.includes(memoId));
      if (!found) throw new Error('no email yet');
      return found;
    });
    expect(email.to).toEqual(['dana@example.com']);
    const link = email.links.find((l) => l.includes('/approvals/'))!;
    expect(link).toContain(String(memo.approvalId));
    // A mail scanner: GET and HEAD change nothing.
    const scanned = await fetch(link);
    expect(scanned.status).toBe(200);
    expect((await fetch(link, { method: 'HEAD' })).status).toBe(200);
    expect((await memoOf(system, memoId))?.state).toBe('pending-approval');
    // The approver presses Approve on the page: the form's nonce and the cookie the page set.
    const page = await scanned.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
    const token = new URL(link).searchParams.get('t')!;
    const cookie = scanned.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const decide = () =>
      fetch(link.split('?')[0]!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ t: token, csrf: csrf!, decision: 'approve' }).toString(),
      });
    expect((await decide()).status).toBe(200);
    const second = await decide();
    expect(second.status).toBe(409);
    expect(await second.text()).toContain('already decided');
    await waitForMemo(system, memoId, 'accepted');
    const note = system.sandbox.invoices().find((r) => r.invoice.items?.[0]?.creditNoteDetails?.returnsReferenceNumber === 'RN-IT-HUMAN');
    expect(officialModels().validate('vendorInvoices', 'Invoice', note!.invoice)).toEqual([]);
  });
});
