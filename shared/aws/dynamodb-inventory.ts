import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { emptyRecord, type InventoryRecord, inventoryRecordSchema } from '../domain/inventory/allocation.ts';
import type { InventoryStore, WebhookLedger } from '../use-cases/inventory/ports.ts';
import { batchGetItems } from './dynamodb-query.ts';

const key = (sku: string) => ({ pk: { S: `STOCK#${sku}` }, sk: { S: 'STOCK' } });
const INDEX_PK = 'INVENTORY';

/** Index partitions the SKUs changed on one day are spread over (the archive export queries each). */
export const STOCK_CHANGE_SHARDS = 4;

/** The change-index shard of a SKU: FNV-1a of its UTF-16 code units, stable across processes. */
export function stockChangeShard(sku: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < sku.length; i++) hash = Math.imul(hash ^ sku.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % STOCK_CHANGE_SHARDS;
}

/**
 * Keys of the stock-position items besides `STOCK#<sku>` / `STOCK`: gsi1 `INVENTORY` / sku (every
 * SKU, for the console and the reconciliation) and gsi2 `STOCKCHANGE#<day>#<shard>` /
 * `<updatedAt>#<sku>` (the SKUs changed in an hour, for the archive export's `inventory_snapshots`).
 */
export const inventoryKeys = {
  changedPk: (day: string, shard: number) => `STOCKCHANGE#${day}#${shard}`,
  changedSk: (record: Pick<InventoryRecord, 'sku' | 'updatedAt'>) => `${record.updatedAt}#${record.sku}`,
} as const;

function fromItem(item: Record<string, { S?: string }> | undefined): InventoryRecord | undefined {
  const body = item?.record?.S;
  return body ? inventoryRecordSchema.parse(JSON.parse(body)) : undefined;
}

/**
 * The inventory of each SKU as one item (`STOCK#<sku>` / `STOCK`, type `StockPosition`): the
 * record as JSON and its revision. Every write is one conditional put on the revision read, so
 * stock counts, PO reservations, Shopify orders and pushes to Shopify serialise per SKU without
 * transactions. gsi1 (`INVENTORY` / sku) lists every SKU for the console and the reconciliation;
 * gsi2 (`STOCKCHANGE#<day>#<shard>` / `<updatedAt>#<sku>`) the SKUs changed in an hour, for the
 * archive export (each write moves the item to its latest change: {@link inventoryKeys}).
 */
export class DynamoDbInventoryStore implements InventoryStore {
  constructor(private readonly deps: { client: DynamoDBClient; tableName: string }) {}

  async get(sku: string): Promise<InventoryRecord> {
    const res = await this.deps.client.send(
      new GetItemCommand({ TableName: this.deps.tableName, Key: key(sku), ConsistentRead: true }),
    );
    return (
      fromItem(res.Item as Record<string, { S?: string }> | undefined) ??
      emptyRecord(sku, '1970-01-01T00:00:00.000Z')
    );
  }

  async getMany(skus: readonly string[]): Promise<Map<string, InventoryRecord>> {
    const items = await batchGetItems(this.deps.client, this.deps.tableName, [...new Set(skus)].map(key), {
      ConsistentRead: true,
    });
    const out = new Map<string, InventoryRecord>();
    for (const item of items) {
      const record = fromItem(item as Record<string, { S?: string }>);
      if (record) out.set(record.sku, record);
    }
    return out;
  }

  async write(record: InventoryRecord): Promise<'written' | 'conflict'> {
    try {
      await this.deps.client.send(
        new PutItemCommand({
          TableName: this.deps.tableName,
          Item: {
            ...key(record.sku),
            type: { S: 'StockPosition' },
            revision: { N: String(record.revision) },
            record: { S: JSON.stringify(record) },
            gsi1pk: { S: INDEX_PK },
            gsi1sk: { S: record.sku },
            gsi2pk: {
              S: inventoryKeys.changedPk(record.updatedAt.slice(0, 10), stockChangeShard(record.sku)),
            },
            gsi2sk: { S: inventoryKeys.changedSk(record) },
          },
          ConditionExpression: record.revision === 1 ? 'attribute_not_exists(pk)' : 'revision = :previous',
          ...(record.revision === 1
            ? {}
            : { ExpressionAttributeValues: { ':previous': { N: String(record.revision - 1) } } }),
        }),
      );
      return 'written';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'conflict';
      throw error;
    }
  }

  async list(options: { limit: number; cursor?: string }) {
    const res = await this.deps.client.send(
      new QueryCommand({
        TableName: this.deps.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: INDEX_PK } },
        Limit: options.limit,
        ...(options.cursor
          ? { ExclusiveStartKey: JSON.parse(Buffer.from(options.cursor, 'base64url').toString()) }
          : {}),
      }),
    );
    const items = (res.Items ?? []).flatMap((i) => fromItem(i as Record<string, { S?: string }>) ?? []);
    return {
      items,
      ...(res.LastEvaluatedKey
        ? { cursor: Buffer.from(JSON.stringify(res.LastEvaluatedKey)).toString('base64url') }
        : {}),
    };
  }
}

/** Webhook ids seen (`SHOPIFY-WEBHOOK#<id>`), one conditional put each; kept, never expiring for correctness. */
export class DynamoDbWebhookLedger implements WebhookLedger {
  constructor(private readonly deps: { client: DynamoDBClient; tableName: string }) {}

  async claim(webhookId: string, topic: string, at: string): Promise<'first' | 'replay'> {
    try {
      await this.deps.client.send(
        new PutItemCommand({
          TableName: this.deps.tableName,
          Item: {
            pk: { S: `SHOPIFY-WEBHOOK#${webhookId}` },
            sk: { S: 'WEBHOOK' },
            type: { S: 'ShopifyWebhook' },
            topic: { S: topic },
            at: { S: at },
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'first';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'replay';
      throw error;
    }
  }

  async release(webhookId: string): Promise<void> {
    await this.deps.client.send(
      new DeleteItemCommand({
        TableName: this.deps.tableName,
        Key: { pk: { S: `SHOPIFY-WEBHOOK#${webhookId}` }, sk: { S: 'WEBHOOK' } },
      }),
    );
  }
}
