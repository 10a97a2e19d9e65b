import type { SpApiClient } from './client.ts';
import {
  getPurchaseOrdersResponseSchema,
  getPurchaseOrdersStatusResponseSchema,
  type OrderStatus,
  type PurchaseOrder,
} from './schemas/orders.ts';

/** Filters of getPurchaseOrders that Acorn uses. Dates are ISO-8601; a window spans at most 7 days. */
export interface PurchaseOrderQuery {
  readonly createdAfter?: string;
  readonly createdBefore?: string;
  readonly changedAfter?: string;
  readonly changedBefore?: string;
  readonly isPOChanged?: boolean;
  readonly orderingVendorCode?: string;
  readonly purchaseOrderState?: 'New' | 'Acknowledged' | 'Closed';
  readonly limit?: number;
}

/** Filters of getPurchaseOrdersStatus that Acorn uses. */
export interface PurchaseOrderStatusQuery {
  readonly updatedAfter?: string;
  readonly updatedBefore?: string;
  readonly createdAfter?: string;
  readonly createdBefore?: string;
  readonly orderingVendorCode?: string;
  readonly purchaseOrderNumber?: string;
  readonly limit?: number;
}

/** One page and where the next one starts. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextToken?: string;
}

/** The Retail Procurement Orders v1 operations, typed and paginated. */
export function makeVendorOrdersApi(client: SpApiClient) {
  return {
    /** All pages of a purchase-order search, one at a time, so callers can store each before asking for the next. */
    async *purchaseOrderPages(query: PurchaseOrderQuery): AsyncGenerator<Page<PurchaseOrder>> {
      let nextToken: string | undefined;
      do {
        const res = await client.call({
          operation: 'getPurchaseOrders',
          method: 'GET',
          path: '/vendor/orders/v1/purchaseOrders',
          query: { limit: 100, sortOrder: 'ASC', ...query, nextToken },
          responseSchema: getPurchaseOrdersResponseSchema,
        });
        nextToken = res.payload?.pagination?.nextToken || undefined;
        yield { items: res.payload?.orders ?? [], nextToken };
      } while (nextToken);
    },

    /** All pages of a purchase-order status search. */
    async *purchaseOrderStatusPages(query: PurchaseOrderStatusQuery): AsyncGenerator<Page<OrderStatus>> {
      let nextToken: string | undefined;
      do {
        const res = await client.call({
          operation: 'getPurchaseOrdersStatus',
          method: 'GET',
          path: '/vendor/orders/v1/purchaseOrdersStatus',
          query: { limit: 100, sortOrder: 'ASC', ...query, nextToken },
          responseSchema: getPurchaseOrdersStatusResponseSchema,
        });
        nextToken = res.payload?.pagination?.nextToken || undefined;
        yield { items: res.payload?.ordersStatus ?? [], nextToken };
      } while (nextToken);
    },
  };
}

export type VendorOrdersApi = ReturnType<typeof makeVendorOrdersApi>;
