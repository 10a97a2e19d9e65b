import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_KEYS } from '#infra/stacks/stateful-stack.ts';
import { type Emulators, startEmulators } from '#local/runtime/emulators.ts';
import { ensureTable } from '#local/runtime/resources.ts';
import { DynamoDbAcknowledgementStore } from '#shared/aws/dynamodb-acknowledgements.ts';
import { DynamoDbInvoiceLookup, invoiceKeys } from '#shared/aws/dynamodb-invoice-lookup.ts';
import { DynamoDbPaymentEvidence } from '#shared/aws/dynamodb-payment-evidence.ts';
import { DynamoDbPaymentsStore } from '#shared/aws/dynamodb-payments.ts';
import { batchWriteItems } from '#shared/aws/dynamodb-query.ts';
import { DynamoDbShippedQuantities } from '#shared/aws/dynamodb-shipments.ts';
import type { InvoiceReconciliation } from '#shared/domain/payments/reconciliation.ts';
import type { Finding, StoredLine } from '#shared/use-cases/payments/ports.ts';
import { purchaseOrder } from '../support/acknowledgement-fakes.ts';

const TABLE = 'acorn';

/** Invoicing's record as the contract describes it, with the attributes payments never reads. */
function invoiceItem(n: number, overrides: Record<string, unknown> = {}) {
  const invoiceNumber = `INV-${String(n).padStart(5, '0')}`;
  return {
    pk: invoiceKeys.pk(invoiceNumber),
    sk: invoiceKeys.sk,
    invoiceNumber,
    invoiceType: 'Invoice',
    vendorCode: 'ACMEDE',
    marketplace: 'DE',
    currency: 'EUR',
    invoiceDate: `2026-08-${String((n % 28) + 1).padStart(2, '0')}T10:00:00.000Z`,
    total: `${100 + n}.19`,
    taxTotal: '19.00',
    purchaseOrderNumbers: [`PO-${n}`, `PO-${n}B`],
    lines: [
      {
        itemSequenceNumber: '1',
        purchaseOrderNumber: `PO-${n}`,
        vendorProductIdentifier: '4006381333931',
        quantity: 2,
        netCost: '40.50',
        taxAmount: '19.00',
      },
    ],
    state: 'Submitted',
    ...overrides,
  };
}

function record(
  invoiceNumber: string,
  overrides: Partial<InvoiceReconciliation> = {},
): InvoiceReconciliation {
  return {
    invoiceNumber,
    vendorCode: 'ACMEDE',
    marketplace: 'DE',
    currency: 'EUR',
    billed: '100.00',
    invoiceDate: '2026-07-01',
    dueDate: '2026-08-30',
    purchaseOrderNumbers: ['PO-1'],
    paid: '0',
    paymentReceived: false,
    deducted: {},
    deductedTotal: '0',
    open: '100.00',
    status: 'unpaid',
    payments: [],
    appliedLines: [],
    ...overrides,
  };
}

function line(i: number, invoiceNumber?: string): StoredLine {
  return {
    lineId: `P1:${invoiceNumber ?? 'X'}:${i}`,
    vendorCode: 'ACMEDE',
    marketplace: 'DE',
    file: 'remittance/ACMEDE/DE/r.csv',
    row: 10 + i,
    paymentNumber: 'P1',
    paymentDate: '2026-09-15',
    number: invoiceNumber ? `${invoiceNumber}SC` : `1234-0000000${i}`,
    kind: invoiceNumber ? 'shortage-claim' : 'coop',
    rule: 'test',
    ...(invoiceNumber ? { invoiceNumber } : {}),
    matched: invoiceNumber !== undefined,
    purchaseOrderNumbers: [],
    currency: 'EUR',
    invoiceAmount: `-${i}.00`,
    amountPaid: `-${i}.00`,
    withholdingAmount: '0',
    termsDiscount: '0',
    importedAt: '2026-09-15T10:00:00.000Z',
  };
}

describe('the payments DynamoDB adapters against dynalite', () => {
  let emulators: Emulators;
  let client: DynamoDBClient;
  let table: { client: DynamoDBClient; tableName: string };

  beforeAll(async () => {
    emulators = await startEmulators();
    client = new DynamoDBClient({
      endpoint: emulators.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    table = { client, tableName: TABLE };
    // The stateful stack's table, from the key schema the stack declares.
    await ensureTable(TABLE, TABLE_KEYS, { dynamodb: client, log: () => {} });
  });

  afterAll(async () => {
    client?.destroy();
    await emulators?.close();
  });

  describe('DynamoDbInvoiceLookup', () => {
    it("reads invoicing's records of the contract shape, more than one BatchGet page, and skips what is not one", async () => {
      // Prepare: 230 invoices, one credit note with terms and a payment status, one malformed item
      const items = [
        ...Array.from({ length: 230 }, (_, i) => invoiceItem(i)),
        invoiceItem(900, {
          invoiceType: 'CreditNote',
          total: '-12.50',
          paymentStatus: 'PAID',
          paymentTermsNetDays: 30,
        }),
        invoiceItem(901, { total: 'twelve' }),
      ];
      await batchWriteItems(
        client,
        TABLE,
        items.map((item) => marshall(item)),
      );
      const lookup = new DynamoDbInvoiceLookup(table);
      const wanted = [
        ...Array.from({ length: 230 }, (_, i) => `INV-${String(i).padStart(5, '0')}`),
        'INV-00900',
        'INV-00901',
        'INV-99999',
        'INV-00003',
      ];
      // Act
      const found = await lookup.get(wanted);
      // Assess
      expect(found.size).toBe(231);
      expect(found.has('INV-00901')).toBe(false);
      expect(found.has('INV-99999')).toBe(false);
      expect(found.get('INV-00007')).toEqual({
        invoiceNumber: 'INV-00007',
        invoiceType: 'Invoice',
        vendorCode: 'ACMEDE',
        marketplace: 'DE',
        currency: 'EUR',
        invoiceDate: '2026-08-08T10:00:00.000Z',
        total: '107.19',
        purchaseOrderNumbers: ['PO-7', 'PO-7B'],
      });
      expect(found.get('INV-00900')).toMatchObject({
        invoiceType: 'CreditNote',
        total: '-12.50',
        paymentStatus: 'PAID',
        paymentTermsNetDays: 30,
      });
    });
  });

  describe('DynamoDbPaymentsStore', () => {
    it('stores lines in batches, once however often they are put, with their invoice', async () => {
      // Prepare
      const store = new DynamoDbPaymentsStore(table);
      const lines = [...Array.from({ length: 40 }, (_, i) => line(i + 1, 'INV-L1')), line(1), line(2)];
      // Act
      await store.putLines(lines);
      // The twin file: the same lines at other rows of another file
      await store.putLines(lines.slice(0, 30).map((l) => ({ ...l, row: l.row + 1000, file: 'twin.xlsx' })));
      await store.saveReconciliation(record('INV-L1'), 0, '2026-09-15T10:00:00.000Z');
      // Assess
      const { record: stored, lines: read } = await store.invoice('INV-L1');
      expect(stored?.invoiceNumber).toBe('INV-L1');
      expect(read).toHaveLength(40);
      expect(read.map((l) => l.lineId).sort()).toEqual(
        lines
          .slice(0, 40)
          .map((l) => l.lineId)
          .sort(),
      );
      expect(read.find((l) => l.lineId === 'P1:INV-L1:7')).toEqual(line(7, 'INV-L1'));
      expect(read.every((l) => l.file === 'remittance/ACMEDE/DE/r.csv')).toBe(true);
      expect((await store.invoice('INV-NONE')).lines).toEqual([]);
    });

    it('saves a record only at the version read and reads many at once', async () => {
      // Prepare
      const store = new DynamoDbPaymentsStore(table);
      const at = '2026-09-15T10:00:00.000Z';
      // Act
      const created = await store.saveReconciliation(record('INV-V1'), 0, at);
      const createdAgain = await store.saveReconciliation(record('INV-V1'), 0, at);
      const updated = await store.saveReconciliation(
        record('INV-V1', { paid: '60.00', open: '40.00' }),
        1,
        at,
      );
      const stale = await store.saveReconciliation(record('INV-V1', { paid: '1.00' }), 1, at);
      for (let i = 0; i < 120; i++) await store.saveReconciliation(record(`INV-M${i}`), 0, at);
      const many = await store.getReconciliations([
        ...Array.from({ length: 120 }, (_, i) => `INV-M${i}`),
        'INV-V1',
        'INV-V1',
        'INV-ABSENT',
      ]);
      // Assess
      expect([created, createdAgain, updated, stale]).toEqual([true, false, true, false]);
      expect(many.size).toBe(121);
      expect(many.get('INV-V1')).toEqual({
        record: record('INV-V1', { paid: '60.00', open: '40.00' }),
        version: 2,
      });
    });

    it('lists the latest records of a vendor code and only the open ones as receivables, by due date', async () => {
      // Prepare
      const store = new DynamoDbPaymentsStore({ client, tableName: TABLE });
      await store.saveReconciliation(
        record('INV-R1', { vendorCode: 'RECV', dueDate: '2026-09-01' }),
        0,
        '2026-09-10T00:00:00.000Z',
      );
      await store.saveReconciliation(
        record('INV-R2', { vendorCode: 'RECV', dueDate: '2026-08-01', open: '-5.00', status: 'overpaid' }),
        0,
        '2026-09-11T00:00:00.000Z',
      );
      await store.saveReconciliation(
        record('INV-R3', { vendorCode: 'RECV', dueDate: '2026-07-01', open: '0.00', status: 'settled' }),
        0,
        '2026-09-12T00:00:00.000Z',
      );
      await store.saveReconciliation(
        record('INV-R4', { vendorCode: 'RECV', dueDate: '2026-10-01' }),
        0,
        '2026-09-09T00:00:00.000Z',
      );
      // Settling R4 takes it out of the receivables
      await store.saveReconciliation(
        record('INV-R4', { vendorCode: 'RECV', dueDate: '2026-10-01', open: '0', status: 'settled' }),
        1,
        '2026-09-13T00:00:00.000Z',
      );
      // Act
      const latest = await store.latest('RECV', 3);
      const open: string[] = [];
      for await (const r of store.openReceivables('RECV')) open.push(r.invoiceNumber);
      const overdue: string[] = [];
      for await (const r of store.openReceivables('RECV', '2026-08-15')) overdue.push(r.invoiceNumber);
      // Assess
      expect(latest.map((r) => r.invoiceNumber)).toEqual(['INV-R4', 'INV-R3', 'INV-R2']);
      expect(open).toEqual(['INV-R2', 'INV-R1']);
      expect(overdue).toEqual(['INV-R2']);
    });

    it('stores a finding once and remembers whether it was announced', async () => {
      // Prepare
      const store = new DynamoDbPaymentsStore(table);
      const finding = (id: string, detectedAt: string): Finding => ({
        id,
        type: 'discrepancy',
        vendorCode: 'FIND',
        marketplace: 'DE',
        detectedAt,
        detail: { kind: 'paid-mismatch', amount: '3.50' },
      });
      // Act
      const first = await store.putFinding(finding('paid-mismatch:F1', '2026-09-15T10:00:00.000Z'));
      const again = await store.putFinding(finding('paid-mismatch:F1', '2026-09-16T10:00:00.000Z'));
      await store.markAnnounced('paid-mismatch:F1');
      const afterAnnounce = await store.putFinding(finding('paid-mismatch:F1', '2026-09-17T10:00:00.000Z'));
      await store.putFinding(finding('paid-mismatch:F2', '2026-09-16T10:00:00.000Z'));
      // Assess
      expect([first, again, afterAnnounce]).toEqual(['created', 'unannounced', 'announced']);
      const listed = await store.findings('discrepancy', 'FIND', 10);
      expect(listed.map((f) => [f.id, f.announced, f.detectedAt])).toEqual([
        ['paid-mismatch:F2', false, '2026-09-16T10:00:00.000Z'],
        ['paid-mismatch:F1', true, '2026-09-15T10:00:00.000Z'],
      ]);
      expect(await store.findings('dispute', 'FIND', 10)).toEqual([]);
      await expect(store.markAnnounced('never-stored')).rejects.toThrow();
    });

    it('records a file hash once and names the first file when the same bytes come again', async () => {
      const store = new DynamoDbPaymentsStore(table);
      expect(await store.recordFile('abc123', 'remittance/A/DE/one.csv', '2026-09-15T10:00:00.000Z')).toEqual(
        {
          first: true,
        },
      );
      expect(await store.recordFile('abc123', 'remittance/A/DE/two.csv', '2026-09-16T10:00:00.000Z')).toEqual(
        {
          first: false,
          file: 'remittance/A/DE/one.csv',
          at: '2026-09-15T10:00:00.000Z',
        },
      );
    });
  });

  describe('DynamoDbPaymentEvidence', () => {
    it('references the PO, its acknowledgement and its shipment confirmations as the other modules stored them', async () => {
      // Prepare: PO-E1 ingested, acknowledged and shipped twice; PO-E2 known to no module
      await client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: {
            pk: { S: 'PO#PO-E1' },
            sk: { S: 'PO' },
            vendorCode: { S: 'ACMEDE' },
            document: {
              S: JSON.stringify(
                purchaseOrder({ number: 'PO-E1', lines: [{ ean: '4006381333931', quantity: 4 }] }),
              ),
            },
          },
        }),
      );
      await new DynamoDbAcknowledgementStore(table).create({
        purchaseOrderNumber: 'PO-E1',
        vendorCode: 'ACMEDE',
        marketplace: 'DE',
        purchaseOrderDate: '2026-07-01T08:00:00Z',
        deadline: '2026-07-02T08:00:00Z',
        state: 'submitted',
        revision: 1,
        lines: [],
        messageKey: 'ack#PO-E1#1',
        remindersSent: [],
        updatedAt: '2026-07-01T09:00:00Z',
      });
      const shipped = new DynamoDbShippedQuantities(table);
      for (const shipmentId of ['SH-1', 'SH-2']) {
        await shipped.put({
          purchaseOrderNumber: 'PO-E1',
          vendorCode: 'ACMEDE',
          shipmentId,
          revision: 1,
          shippedDate: '2026-07-03T10:00:00Z',
          confirmedAt: '2026-07-03T11:00:00Z',
          lines: [
            {
              itemSequenceNumber: '1',
              vendorProductIdentifier: '4006381333931',
              shippedQuantity: { amount: 2, unitOfMeasure: 'Eaches', unitSize: 1 },
            },
          ],
        });
      }
      // Act
      const evidence = await new DynamoDbPaymentEvidence(table).forPurchaseOrders(['PO-E1', 'PO-E2']);
      // Assess
      expect(evidence).toEqual([
        {
          purchaseOrderNumber: 'PO-E1',
          purchaseOrder: true,
          acknowledgement: { state: 'submitted', messageKey: 'ack#PO-E1#1' },
          shipmentConfirmations: ['SH-1', 'SH-2'],
        },
        { purchaseOrderNumber: 'PO-E2', purchaseOrder: false, shipmentConfirmations: [] },
      ]);
    });
  });
});
