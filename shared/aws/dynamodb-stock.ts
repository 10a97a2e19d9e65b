import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { StockPosition } from '../domain/purchase-orders/stock-file.ts';
import type { StockStore } from '../use-cases/purchase-orders/ports.ts';

const key = (sku: string) => ({ pk: { S: `STOCK#${sku}` }, sk: { S: 'STOCK' } });

/**
 * Stock positions, one item per SKU: `atp` and `asOf` from the latest stock file, `available` =
 * atp less what Acorn promised since, and `reservations` (PO → eaches) so a PO reserves at most
 * once. Every change is one conditional update on that item; `available` never goes below zero.
 * A newer stock file resets the reservations: the ERP's count already includes what it shipped
 * or allocated before `asOf`.
 */
export class DynamoDbStockStore implements StockStore {
  constructor(private readonly deps: { client: DynamoDBClient; tableName: string }) {}

  async available(skus: readonly string[]): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    for (let i = 0; i < skus.length; i += 100) {
      let keys = skus.slice(i, i + 100).map(key);
      for (let attempt = 0; keys.length > 0 && attempt < 5; attempt++) {
        const res = await this.deps.client.send(
          new BatchGetItemCommand({
            RequestItems: {
              [this.deps.tableName]: {
                Keys: keys,
                ProjectionExpression: 'pk, available',
                ConsistentRead: true,
              },
            },
          }),
        );
        for (const item of res.Responses?.[this.deps.tableName] ?? []) {
          const sku = item.pk?.S?.slice('STOCK#'.length);
          if (sku && item.available?.N !== undefined) result.set(sku, Number(item.available.N));
        }
        keys = (res.UnprocessedKeys?.[this.deps.tableName]?.Keys ?? []) as typeof keys;
      }
    }
    return result;
  }

  async reserve(sku: string, purchaseOrderNumber: string, quantity: number): Promise<boolean> {
    try {
      await this.deps.client.send(
        new UpdateItemCommand({
          TableName: this.deps.tableName,
          Key: key(sku),
          UpdateExpression: 'SET available = available - :q, reservations.#po = :q',
          ConditionExpression: 'available >= :q AND attribute_not_exists(reservations.#po)',
          ExpressionAttributeNames: { '#po': purchaseOrderNumber },
          ExpressionAttributeValues: { ':q': { N: String(quantity) } },
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    // Either already reserved for this PO (a replay: fine) or not enough left.
    const res = await this.deps.client.send(
      new BatchGetItemCommand({
        RequestItems: {
          [this.deps.tableName]: {
            Keys: [key(sku)],
            ProjectionExpression: 'reservations.#po',
            ExpressionAttributeNames: { '#po': purchaseOrderNumber },
            ConsistentRead: true,
          },
        },
      }),
    );
    const item = res.Responses?.[this.deps.tableName]?.[0];
    return item?.reservations?.M?.[purchaseOrderNumber] !== undefined;
  }

  async release(sku: string, purchaseOrderNumber: string): Promise<void> {
    try {
      await this.deps.client.send(
        new UpdateItemCommand({
          TableName: this.deps.tableName,
          Key: key(sku),
          UpdateExpression: 'SET available = available + reservations.#po REMOVE reservations.#po',
          ConditionExpression: 'attribute_exists(reservations.#po)',
          ExpressionAttributeNames: { '#po': purchaseOrderNumber },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * Applies a stock file's position unless a newer one is already stored (an older snapshot never
   * overwrites a newer one). Returns whether it was applied.
   */
  async applyPosition(position: StockPosition): Promise<boolean> {
    try {
      await this.deps.client.send(
        new UpdateItemCommand({
          TableName: this.deps.tableName,
          Key: key(position.sku),
          UpdateExpression:
            'SET atp = :atp, available = :atp, asOf = :asOf, reservations = :none, #type = :type',
          ConditionExpression: 'attribute_not_exists(asOf) OR asOf < :asOf',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: {
            ':atp': { N: String(position.availableToPromise) },
            ':asOf': { S: position.asOf },
            ':none': { M: {} },
            ':type': { S: 'StockPosition' },
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
