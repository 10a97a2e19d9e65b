import { type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { purchaseOrderSchema } from '../sp-api/schemas/orders.ts';
import type {
  PurchaseOrderIndex,
  PurchaseOrderSummary,
} from '../use-cases/purchase-orders/list-purchase-orders.ts';
import { purchaseOrderKeys } from '../use-cases/vendor-ingest/pull-purchase-orders.ts';
import { batchGetItems } from './dynamodb-query.ts';

const storedOrderSchema = z.object({
  purchaseOrderNumber: z.object({ S: z.string() }),
  vendorCode: z.object({ S: z.string() }),
  state: z.object({ S: z.string() }),
  purchaseOrderDate: z.object({ S: z.string() }),
  version: z.object({ S: z.string() }),
  lineCount: z.object({ N: z.string() }),
  gsi1sk: z.object({ S: z.string() }),
  document: z.object({ S: z.string() }),
});

/** Purchase orders by vendor code and PO date, from gsi1: one Query per page, never a Scan. */
export class DynamoDbPurchaseOrderIndex implements PurchaseOrderIndex {
  constructor(private readonly deps: { client: DynamoDBClient; tableName: string }) {}

  async newestFirst(
    vendorCode: string,
    opts: { limit: number; afterSortKey?: string },
  ): Promise<{ items: (PurchaseOrderSummary & { sortKey: string })[] }> {
    const pk = purchaseOrderKeys.byVendorPk(vendorCode);
    const res = await this.deps.client.send(
      new QueryCommand({
        TableName: this.deps.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: opts.afterSortKey ? 'gsi1pk = :pk AND gsi1sk < :after' : 'gsi1pk = :pk',
        ExpressionAttributeValues: {
          ':pk': { S: pk },
          ...(opts.afterSortKey ? { ':after': { S: opts.afterSortKey } } : {}),
        },
        ScanIndexForward: false,
        Limit: opts.limit,
      }),
    );
    const items = (res.Items ?? []).map((raw) => {
      const item = storedOrderSchema.parse(raw);
      const order = purchaseOrderSchema.safeParse(JSON.parse(item.document.S));
      const details = order.success ? order.data.orderDetails : undefined;
      return {
        sortKey: item.gsi1sk.S,
        purchaseOrderNumber: item.purchaseOrderNumber.S,
        vendorCode: item.vendorCode.S,
        state: item.state.S,
        purchaseOrderDate: item.purchaseOrderDate.S,
        version: item.version.S,
        lineCount: Number(item.lineCount.N),
        shipWindow: details?.shipWindow,
        deliveryWindow: details?.deliveryWindow,
        shipTo: details?.shipToParty?.partyId,
        purchaseOrderType: details?.purchaseOrderType,
      };
    });
    return { items };
  }

  async acknowledgements(
    purchaseOrderNumbers: readonly string[],
  ): Promise<Map<string, { state: string; deadline: string }>> {
    const items = await batchGetItems(
      this.deps.client,
      this.deps.tableName,
      purchaseOrderNumbers.map((po) => ({ pk: { S: `PO#${po}` }, sk: { S: 'ACK' } })),
      { ProjectionExpression: 'pk, #state, deadline', ExpressionAttributeNames: { '#state': 'state' } },
    );
    const found = new Map<string, { state: string; deadline: string }>();
    for (const item of items) {
      const po = item.pk?.S?.slice('PO#'.length);
      if (po && item.state?.S && item.deadline?.S)
        found.set(po, { state: item.state.S, deadline: item.deadline.S });
    }
    return found;
  }
}
