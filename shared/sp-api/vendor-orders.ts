import type { SpApiClient } from './client.ts';
import { transactionIdResponseSchema } from './schemas/common.ts';
import {
  getPurchaseOrderResponseSchema,
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

    /** One PO in its current form (state, lines). */
    async purchaseOrder(purchaseOrderNumber: string): Promise<PurchaseOrder> {
      const res = await client.call({
        operation: 'getPurchaseOrder',
        method: 'GET',
        path: `/vendor/orders/v1/purchaseOrders/${encodeURIComponent(purchaseOrderNumber)}`,
        responseSchema: getPurchaseOrderResponseSchema,
      });
      return res.payload;
    },

    /**
     * Submits an acknowledgement body exactly as stored by the outbox. Never resent blindly: an
     * answer that does not prove rejection raises SpApiOutcomeUnknownError.
     */
    async submitAcknowledgement(rawBody: string): Promise<{ transactionId: string }> {
      const res = await client.call({
        operation: 'submitAcknowledgement',
        method: 'POST',
        path: '/vendor/orders/v1/acknowledgements',
        rawBody,
        submission: true,
        responseSchema: transactionIdResponseSchema,
      });
      return { transactionId: res.payload.transactionId };
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
