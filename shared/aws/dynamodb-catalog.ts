import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { type CatalogEntry, CatalogIndex } from '../domain/purchase-orders/catalog.ts';
import { type PurchaseOrder, purchaseOrderSchema } from '../sp-api/schemas/orders.ts';
import type { CatalogSource, PurchaseOrderReader } from '../use-cases/purchase-orders/ports.ts';
import { batchGetItems, batchWriteItems, keyCondition, queryPages } from './dynamodb-query.ts';

const catalogEntrySchema = z.looseObject({
  sku: z.string(),
  marketplace: z.string(),
  expectedNetCost: z.string(),
  currency: z.string(),
  status: z.enum(['active', 'discontinued']),
  leadTimeDays: z.number(),
});

/** How long a warm function trusts its copy of the catalogue. */
const CATALOG_TTL_MS = 5 * 60 * 1000;

/**
 * The catalogue on the table: partition `CATALOG`, one item per SKU and marketplace. Read whole
 * (a few pages for thousands of SKUs) and cached per container for five minutes.
 */
export class DynamoDbCatalog implements CatalogSource {
  #cached: { index: CatalogIndex; until: number } | undefined;

  constructor(private readonly deps: { client: DynamoDBClient; tableName: string; now?: () => number }) {}

  async index(): Promise<CatalogIndex> {
    const now = this.deps.now?.() ?? Date.now();
    if (this.#cached && this.#cached.until > now) return this.#cached.index;
    const entries: CatalogEntry[] = [];
    for await (const item of queryPages(this.deps.client, {
      TableName: this.deps.tableName,
      ...keyCondition({ pk: 'CATALOG' }),
    })) {
      if (item.entry?.S) entries.push(catalogEntrySchema.parse(JSON.parse(item.entry.S)) as CatalogEntry);
    }
    const index = CatalogIndex.build(entries);
    this.#cached = { index, until: now + CATALOG_TTL_MS };
    return index;
  }

  /** Stores catalogue entries (a newer file's row replaces the same SKU and marketplace). */
  async put(entries: readonly CatalogEntry[], importedAt: string): Promise<void> {
    await batchWriteItems(
      this.deps.client,
      this.deps.tableName,
      entries.map((entry) => ({
        pk: { S: 'CATALOG' },
        sk: { S: `${entry.sku}#${entry.marketplace}` },
        type: { S: 'CatalogEntry' },
        entry: { S: JSON.stringify(entry) },
        importedAt: { S: importedAt },
      })),
    );
    this.#cached = undefined;
  }
}

/** The purchase orders the ingest stored (pk `PO#<n>`, sk `PO`). */
export class DynamoDbPurchaseOrderReader implements PurchaseOrderReader {
  constructor(private readonly deps: { client: DynamoDBClient; tableName: string }) {}

  async get(purchaseOrderNumber: string): Promise<{ order: PurchaseOrder; vendorCode: string } | undefined> {
    const res = await this.deps.client.send(
      new GetItemCommand({
        TableName: this.deps.tableName,
        Key: { pk: { S: `PO#${purchaseOrderNumber}` }, sk: { S: 'PO' } },
        ConsistentRead: true,
      }),
    );
    if (!res.Item?.document?.S || !res.Item.vendorCode?.S) return undefined;
    return {
      order: purchaseOrderSchema.parse(JSON.parse(res.Item.document.S)),
      vendorCode: res.Item.vendorCode.S,
    };
  }
  /** Several stored POs by number (BatchGetItem, 100 keys at a time, unprocessed keys read again). */
  async getMany(purchaseOrderNumbers: readonly string[]): Promise<Map<string, PurchaseOrder>> {
    const keys = [...new Set(purchaseOrderNumbers)].map((n) => ({ pk: { S: `PO#${n}` }, sk: { S: 'PO' } }));
    const items = await batchGetItems(this.deps.client, this.deps.tableName, keys, {
      ProjectionExpression: 'purchaseOrderNumber, #document',
      ExpressionAttributeNames: { '#document': 'document' },
    });
    const found = new Map<string, PurchaseOrder>();
    for (const item of items) {
      const number = item.purchaseOrderNumber?.S;
      if (number && item.document?.S)
        found.set(number, purchaseOrderSchema.parse(JSON.parse(item.document.S)));
    }
    return found;
  }
}
