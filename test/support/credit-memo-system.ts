import { expect, vi } from 'vitest';
import * as z from 'zod';
import { creditMemoRecordSchema } from '#shared/domain/credit-memos/credit-memo.ts';
import type { PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import type { startTestSystem } from './local-system.ts';
import { sandboxAccessToken } from './sp-api-sandbox.ts';

type System = Awaited<ReturnType<typeof startTestSystem>>;

/** A JSON request to the local system's API, signed in as an operator (every route checks its policy). */
export async function api(system: System, method: string, path: string, body?: unknown) {
  const authorization = `Bearer ${system.signIn({ username: 'olga', groups: ['operator'] })}`;
  const res = await fetch(`${system.url}${path}`, {
    method,
    headers: body === undefined ? { authorization } : { authorization, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

const listSchema = z.object({ items: z.array(z.looseObject({ memoId: z.string(), state: z.string() })) });

/** The memo as GET /api/credit-memos?memoId= shows it. */
export async function memoOf(system: System, memoId: string) {
  const res = await api(system, 'GET', `/api/credit-memos?memoId=${encodeURIComponent(memoId)}`);
  if (res.status !== 200) return undefined;
  return listSchema.parse(res.body).items[0];
}

/** Waits until the memo reaches `state`. */
export async function waitForMemo(system: System, memoId: string, state: string, timeout = 60_000) {
  return vi.waitFor(
    async () => {
      const memo = await memoOf(system, memoId);
      expect(memo?.state, `memo ${memoId}`).toBe(state);
      return memo!;
    },
    { timeout, interval: 200 },
  );
}

/**
 * The body of `POST /api/credit-requests` for a return of `quantity` units of the PO's first line,
 * an hour ago, by the PO's vendor code and in its currency.
 */
export function returnRequest(
  order: PurchaseOrder,
  reference: string,
  quantity: number,
  status = 'Delivered to Warehouse',
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

/** Pulls the sandbox's POs into the table and returns one of the vendor's with priced lines. */
export async function pulledOrder(system: System, vendorCode: string): Promise<PurchaseOrder> {
  await system.runtime.invoke('PullPurchaseOrders', {});
  const order = system.sandbox
    .purchaseOrders()
    .find(
      (po) =>
        po.orderDetails?.sellingParty?.partyId === vendorCode &&
        po.orderDetails.items.every((i) => i.netCost?.amount && i.amazonProductIdentifier),
    );
  if (!order) throw new Error(`no PO for ${vendorCode}`);
  return order;
}

export { creditMemoRecordSchema };

/**
 * Stores the invoice of a PO as the invoicing capability will (`INVOICE#<number>` / `INVOICE`
 * and the PO's pointer `PO#<po>` / `INVOICE#<number>`): every line at its PO net cost, 19 % tax.
 */
export async function seedInvoice(
  system: System,
  order: PurchaseOrder,
  invoiceNumber: string,
): Promise<void> {
  const { DynamoDBClient, PutItemCommand } = await import('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({
    endpoint: system.runtime.endpoints.dynamodb,
    region: system.runtime.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const currency = order.orderDetails!.items[0]!.netCost!.currencyCode!;
  const lines = order.orderDetails!.items.map((item) => {
    const quantity =
      (item.orderedQuantity.amount ?? 0) *
      (item.orderedQuantity.unitOfMeasure === 'Cases' ? (item.orderedQuantity.unitSize ?? 1) : 1);
    const cents = Math.round(Number(item.netCost!.amount) * 100) * quantity;
    const tax = Math.round(cents * 0.19);
    return {
      M: {
        itemSequenceNumber: { S: item.itemSequenceNumber },
        purchaseOrderNumber: { S: order.purchaseOrderNumber },
        amazonProductIdentifier: { S: item.amazonProductIdentifier! },
        ...(item.vendorProductIdentifier
          ? { vendorProductIdentifier: { S: item.vendorProductIdentifier } }
          : {}),
        quantity: { N: String(quantity) },
        netCost: { S: item.netCost!.amount! },
        taxAmount: { S: (tax / 100).toFixed(2) },
      },
    };
  });
  const table = system.runtime.physicalName('Table');
  try {
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          pk: { S: `INVOICE#${invoiceNumber}` },
          sk: { S: 'INVOICE' },
          invoiceNumber: { S: invoiceNumber },
          invoiceType: { S: 'Invoice' },
          vendorCode: { S: order.orderDetails!.sellingParty!.partyId },
          marketplace: { S: 'DE' },
          currency: { S: currency },
          invoiceDate: { S: '2026-11-20T10:00:00Z' },
          total: { S: '0' },
          taxTotal: { S: '0' },
          purchaseOrderNumbers: { L: [{ S: order.purchaseOrderNumber }] },
          lines: { L: lines },
        },
      }),
    );
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: { pk: { S: `PO#${order.purchaseOrderNumber}` }, sk: { S: `INVOICE#${invoiceNumber}` } },
      }),
    );
  } finally {
    client.destroy();
  }
}

/** POSTs an invoices body straight to the sandbox's submitInvoices, as another client of Amazon would. */
export async function submitToSandbox(system: System, body: unknown): Promise<void> {
  const res = await fetch(`${system.sandbox.url}/vendor/payments/v1/invoices`, {
    method: 'POST',
    headers: {
      'x-amz-access-token': await sandboxAccessToken(system.sandbox),
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
}
