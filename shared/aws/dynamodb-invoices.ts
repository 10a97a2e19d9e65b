import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod';
import {
  type InvoiceRecord,
  type InvoiceState,
  invoiceRecordSchema,
} from '../domain/invoices/invoice-record.ts';
import type {
  ExistingInvoice,
  ExistingInvoiceStore,
  InvoiceClaims,
  InvoiceStore,
} from '../use-cases/invoices/ports.ts';
import { keyCondition, queryItems } from './dynamodb-query.ts';

/**
 * The invoicing capability on the single table:
 *
 * | item | pk / sk | gsi1 | gsi2 |
 * |---|---|---|---|
 * | invoice | `INVOICE#<number>` / `INVOICE` | `INVSTATE#<state>` / `<updatedAt>#<number>` | `INVDATE#<yyyy-mm-dd>` / `<invoiceDate>#<number>` |
 * | claim of a PO shipment | `PO#<po>` / `INVOICED#<vendor>#<shipment>` | | |
 * | existing invoice (parallel run) | `EXTINVOICE#<vendor>` / `<invoice number>` | | |
 *
 * The invoice's fields are plain DynamoDB attributes (the contract other capabilities read,
 * shared/domain/invoices/invoice-record.ts); every write is one conditional item write.
 */
export const invoiceKeys = {
  invoicePk: (invoiceNumber: string) => `INVOICE#${invoiceNumber}`,
  invoiceSk: 'INVOICE',
  byStatePk: (state: InvoiceState) => `INVSTATE#${state}`,
  byDatePk: (day: string) => `INVDATE#${day}`,
  claimSk: (vendorCode: string, shipmentId: string) => `INVOICED#${vendorCode}#${shipmentId}`,
  existingPk: (vendorCode: string) => `EXTINVOICE#${vendorCode}`,
};

const KEY_ATTRIBUTES = ['pk', 'sk', 'type', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'] as const;

function itemOf(record: InvoiceRecord): Record<string, AttributeValue> {
  return {
    ...marshall(record, { removeUndefinedValues: true }),
    pk: { S: invoiceKeys.invoicePk(record.invoiceNumber) },
    sk: { S: invoiceKeys.invoiceSk },
    type: { S: 'Invoice' },
    gsi1pk: { S: invoiceKeys.byStatePk(record.state) },
    gsi1sk: { S: `${record.updatedAt}#${record.invoiceNumber}` },
    gsi2pk: { S: invoiceKeys.byDatePk(record.invoiceDate.slice(0, 10)) },
    gsi2sk: { S: `${record.invoiceDate}#${record.invoiceNumber}` },
  };
}

/** Reads an invoice item back through the contract's schema. */
export function invoiceOf(item: Record<string, AttributeValue>): InvoiceRecord {
  const plain = unmarshall(item);
  for (const key of KEY_ATTRIBUTES) delete plain[key];
  return invoiceRecordSchema.parse(plain);
}

class TableAccess {
  constructor(protected readonly deps: { client: DynamoDBClient; tableName: string }) {}

  protected async putItem(
    item: Record<string, AttributeValue>,
    condition?: string,
    values?: Record<string, AttributeValue>,
  ): Promise<boolean> {
    try {
      await this.deps.client.send(
        new PutItemCommand({
          TableName: this.deps.tableName,
          Item: item,
          ...(condition ? { ConditionExpression: condition } : {}),
          ...(values ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  protected query(input: {
    index?: 'gsi1' | 'gsi2';
    pk: string;
    beginsWith?: string;
    newestFirst?: boolean;
    limit: number;
  }): Promise<Record<string, AttributeValue>[]> {
    return queryItems(
      this.deps.client,
      {
        TableName: this.deps.tableName,
        ...keyCondition(input),
        ...(input.index ? {} : { ConsistentRead: true }),
        ScanIndexForward: !input.newestFirst,
      },
      input.limit,
    );
  }
}

/** Invoice records, one item per number (the contract other capabilities read). */
export class DynamoDbInvoiceStore extends TableAccess implements InvoiceStore {
  async get(invoiceNumber: string): Promise<InvoiceRecord | undefined> {
    const res = await this.deps.client.send(
      new GetItemCommand({
        TableName: this.deps.tableName,
        Key: { pk: { S: invoiceKeys.invoicePk(invoiceNumber) }, sk: { S: invoiceKeys.invoiceSk } },
        ConsistentRead: true,
      }),
    );
    return res.Item ? invoiceOf(res.Item) : undefined;
  }

  async create(record: InvoiceRecord): Promise<'created' | 'exists'> {
    return (await this.putItem(itemOf(record), 'attribute_not_exists(pk)')) ? 'created' : 'exists';
  }

  async update(record: InvoiceRecord): Promise<'updated' | 'conflict'> {
    const ok = await this.putItem(itemOf(record), 'revision = :previous', {
      ':previous': { N: String(record.revision - 1) },
    });
    return ok ? 'updated' : 'conflict';
  }

  async listByState(state: InvoiceState, limit: number): Promise<InvoiceRecord[]> {
    const items = await this.query({
      index: 'gsi1',
      pk: invoiceKeys.byStatePk(state),
      newestFirst: true,
      limit,
    });
    // The index is eventually consistent: read each record back and keep those still in the state.
    const records = await Promise.all(items.map((i) => this.get(invoiceOf(i).invoiceNumber)));
    return records.filter((r): r is InvoiceRecord => r?.state === state);
  }

  async listRecent(today: string, days: number, limit: number): Promise<InvoiceRecord[]> {
    const out: InvoiceRecord[] = [];
    const start = Date.parse(`${today.slice(0, 10)}T00:00:00Z`);
    for (let d = 0; d < days && out.length < limit; d++) {
      const day = new Date(start - d * 86_400_000).toISOString().slice(0, 10);
      const items = await this.query({
        index: 'gsi2',
        pk: invoiceKeys.byDatePk(day),
        newestFirst: true,
        limit: limit - out.length,
      });
      out.push(...items.map(invoiceOf));
    }
    return out;
  }
}

/** One claim per PO shipment: which invoice bills it. */
export class DynamoDbInvoiceClaims extends TableAccess implements InvoiceClaims {
  async claim(
    entry: { purchaseOrderNumber: string; vendorCode: string; shipmentId: string },
    invoiceNumber: string,
    at: string,
  ): Promise<{ outcome: 'claimed' } | { outcome: 'taken'; invoiceNumber: string }> {
    const key = {
      pk: { S: `PO#${entry.purchaseOrderNumber}` },
      sk: { S: invoiceKeys.claimSk(entry.vendorCode, entry.shipmentId) },
    };
    const ok = await this.putItem(
      {
        ...key,
        type: { S: 'InvoiceClaim' },
        vendorCode: { S: entry.vendorCode },
        shipmentId: { S: entry.shipmentId },
        invoiceNumber: { S: invoiceNumber },
        claimedAt: { S: at },
      },
      'attribute_not_exists(pk)',
    );
    if (ok) return { outcome: 'claimed' };
    const res = await this.deps.client.send(
      new GetItemCommand({ TableName: this.deps.tableName, Key: key, ConsistentRead: true }),
    );
    return { outcome: 'taken', invoiceNumber: res.Item?.invoiceNumber?.S ?? '(unknown)' };
  }

  async release(
    entry: { purchaseOrderNumber: string; vendorCode: string; shipmentId: string },
    invoiceNumber: string,
  ): Promise<void> {
    try {
      await this.deps.client.send(
        new DeleteItemCommand({
          TableName: this.deps.tableName,
          Key: {
            pk: { S: `PO#${entry.purchaseOrderNumber}` },
            sk: { S: invoiceKeys.claimSk(entry.vendorCode, entry.shipmentId) },
          },
          ConditionExpression: 'invoiceNumber = :n',
          ExpressionAttributeValues: { ':n': { S: invoiceNumber } },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async ofPurchaseOrder(purchaseOrderNumber: string) {
    const items = await this.query({ pk: `PO#${purchaseOrderNumber}`, beginsWith: 'INVOICED#', limit: 1000 });
    return items.map((i) => ({
      vendorCode: i.vendorCode?.S ?? '',
      shipmentId: i.shipmentId?.S ?? '',
      invoiceNumber: i.invoiceNumber?.S ?? '',
    }));
  }
}

const existingInvoiceSchema = z.object({
  vendorCode: z.string(),
  invoiceNumber: z.string(),
  invoiceDate: z.string(),
  purchaseOrderNumbers: z.array(z.string()),
  currency: z.string(),
  total: z.string(),
  taxTotal: z.string().optional(),
  source: z.string(),
});

/** The vendor's own invoices (Vendor Central, EDI) imported for the parallel run. */
export class DynamoDbExistingInvoices extends TableAccess implements ExistingInvoiceStore {
  async put(invoice: ExistingInvoice): Promise<void> {
    await this.putItem({
      pk: { S: invoiceKeys.existingPk(invoice.vendorCode) },
      sk: { S: invoice.invoiceNumber },
      type: { S: 'ExistingInvoice' },
      document: { S: JSON.stringify(invoice) },
    });
  }

  async listByVendor(vendorCode: string, limit: number): Promise<ExistingInvoice[]> {
    const items = await this.query({ pk: invoiceKeys.existingPk(vendorCode), limit });
    return items.map((i) => existingInvoiceSchema.parse(JSON.parse(i.document?.S ?? '{}')));
  }
}
