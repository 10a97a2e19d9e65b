import * as z from 'zod';
import type { Clock } from '../../clock.ts';
import { applyOrder, applyRefund, type OrderLineState } from '../../domain/inventory/allocation.ts';
import { AppError, ValidationError } from '../../errors.ts';
import { EVENT_SOURCE, INVENTORY_DETAIL_TYPE } from '../../events.ts';
import { verifyShopifyHmac } from '../../shopify/webhooks.ts';
import { describeIssues } from '../../validation.ts';
import type { EventPublisher } from '../ports.ts';
import { mutate } from './mutate.ts';
import type { InventoryStore, WebhookLedger } from './ports.ts';
import { announceChanged } from './stock-positions.ts';

/** The signature does not match the body: not from Shopify, or altered on the way. */
export class WebhookSignatureError extends AppError {
  readonly retryable = false;
}

/** The webhook topics Acorn subscribes to. */
export const WEBHOOK_TOPICS = [
  'orders/create',
  'orders/updated',
  'orders/cancelled',
  'orders/fulfilled',
  'refunds/create',
  'inventory_levels/update',
] as const;

const lineItem = z.looseObject({
  sku: z.string().nullable().optional(),
  quantity: z.number().int().min(0),
  fulfillable_quantity: z.number().int().min(0).optional(),
});
/** Only what inventory needs of an order: ids, times, SKUs and quantities — no customer data. */
const orderSchema = z.looseObject({
  id: z.union([z.number(), z.string()]),
  updated_at: z.string(),
  cancelled_at: z.string().nullable().optional(),
  line_items: z.array(lineItem),
});
const refundSchema = z.looseObject({
  id: z.union([z.number(), z.string()]),
  order_id: z.union([z.number(), z.string()]),
  created_at: z.string(),
  refund_line_items: z.array(
    z.looseObject({
      quantity: z.number().int().min(0),
      restock_type: z.string().nullable().optional(),
      line_item: z.looseObject({ sku: z.string().nullable().optional() }),
    }),
  ),
});
const levelSchema = z.looseObject({
  inventory_item_id: z.union([z.number(), z.string()]),
  location_id: z.union([z.number(), z.string()]),
  available: z.number().int().nullable().optional(),
});

export interface WebhookDelivery {
  readonly rawBody: Buffer;
  readonly hmac: string | undefined;
  readonly topic: string | undefined;
  readonly webhookId: string | undefined;
}

export type WebhookResult =
  | { readonly outcome: 'applied'; readonly skus: readonly string[]; readonly unknownSkus: readonly string[] }
  | { readonly outcome: 'replay' }
  | { readonly outcome: 'ignored'; readonly reason: string };

function parse<S extends z.ZodType>(schema: S, value: unknown, topic: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error);
    throw new ValidationError(
      `The ${topic} webhook body is not what Shopify sends: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return parsed.data;
}

/**
 * One Shopify webhook over HTTPS: the HMAC checked on the raw bytes first (a bad one changes
 * nothing), the delivery id claimed once (a replay changes nothing), then the order, refund or
 * inventory level applied to each SKU's record with a conditional write. Deliveries may come
 * late, twice or out of order: an order's older state never overwrites a newer one, a refund is
 * applied once by its id. SKUs Acorn has no stock position for are reported, never invented.
 */
export function makeReceiveShopifyWebhook(deps: {
  store: InventoryStore;
  ledger: WebhookLedger;
  events: EventPublisher;
  clock: Clock;
  secret: () => Promise<string>;
}) {
  return async function receiveShopifyWebhook(delivery: WebhookDelivery): Promise<WebhookResult> {
    if (!verifyShopifyHmac(delivery.rawBody, delivery.hmac, await deps.secret())) {
      throw new WebhookSignatureError('X-Shopify-Hmac-Sha256 does not match the body');
    }
    const topic = delivery.topic ?? '';
    if (!(WEBHOOK_TOPICS as readonly string[]).includes(topic))
      return { outcome: 'ignored', reason: `topic ${topic || '(none)'} is not used` };
    if (!delivery.webhookId)
      throw new ValidationError('X-Shopify-Webhook-Id is missing', [
        { path: 'X-Shopify-Webhook-Id', message: 'required' },
      ]);
    let body: unknown;
    try {
      body = JSON.parse(delivery.rawBody.toString('utf8'));
    } catch {
      throw new ValidationError('The webhook body is not JSON', [
        { path: '(body)', message: 'expected JSON' },
      ]);
    }
    const at = deps.clock.now().toISOString();
    if ((await deps.ledger.claim(delivery.webhookId, topic, at)) === 'replay') return { outcome: 'replay' };
    try {
      return await apply(topic, body, at);
    } catch (error) {
      // Not applied: let Shopify's retry of the same delivery through.
      await deps.ledger.release(delivery.webhookId);
      throw error;
    }
  };

  async function apply(topic: string, body: unknown, at: string): Promise<WebhookResult> {
    if (topic === 'inventory_levels/update') {
      // Not trusted as a quantity (notes/domain.md §4.6): only a reason to look again.
      parse(levelSchema, body, topic);
      return { outcome: 'ignored', reason: 'inventory level changes are checked by the reconciliation' };
    }
    const known = async (skus: string[]) => {
      const records = await deps.store.getMany(skus);
      return skus.filter((s) => (records.get(s)?.revision ?? 0) > 0);
    };
    if (topic === 'refunds/create') {
      const refund = parse(refundSchema, body, topic);
      const bySku = new Map<string, { quantity: number; restocked: boolean }>();
      for (const line of refund.refund_line_items) {
        const sku = line.line_item.sku?.trim();
        if (!sku) continue;
        const held = bySku.get(sku) ?? { quantity: 0, restocked: false };
        bySku.set(sku, {
          quantity: held.quantity + line.quantity,
          restocked: held.restocked || (line.restock_type ?? 'no_restock') !== 'no_restock',
        });
      }
      const skus = await known([...bySku.keys()]);
      for (const sku of skus) {
        const r = bySku.get(sku);
        if (!r) continue;
        await mutate(deps.store, sku, (record) => {
          const next = applyRefund(
            record,
            {
              orderId: String(refund.order_id),
              refundId: String(refund.id),
              quantity: r.quantity,
              restocked: r.restocked,
              at: refund.created_at,
            },
            at,
          );
          return { result: undefined, ...(next ? { next } : {}) };
        });
      }
      return finish(topic, String(refund.order_id), skus, [...bySku.keys()]);
    }
    const order = parse(orderSchema, body, topic);
    const bySku = new Map<string, { quantity: number; open: number }>();
    for (const line of order.line_items) {
      const sku = line.sku?.trim();
      if (!sku) continue;
      const held = bySku.get(sku) ?? { quantity: 0, open: 0 };
      bySku.set(sku, {
        quantity: held.quantity + line.quantity,
        open: held.open + (line.fulfillable_quantity ?? line.quantity),
      });
    }
    const skus = await known([...bySku.keys()]);
    for (const sku of skus) {
      const line = bySku.get(sku);
      if (!line) continue;
      const state: OrderLineState = {
        orderId: String(order.id),
        updatedAt: order.updated_at,
        quantity: line.quantity,
        cancelled: Boolean(order.cancelled_at),
        ...(line.open === 0 && !order.cancelled_at ? { fulfilledAt: order.updated_at } : {}),
      };
      await mutate(deps.store, sku, (record) => {
        const next = applyOrder(record, state, at);
        return { result: undefined, ...(next ? { next } : {}) };
      });
    }
    return finish(topic, String(order.id), skus, [...bySku.keys()]);
  }

  async function finish(
    topic: string,
    orderId: string,
    skus: string[],
    all: string[],
  ): Promise<WebhookResult> {
    const unknownSkus = all.filter((s) => !skus.includes(s));
    await deps.events.publish([
      {
        source: EVENT_SOURCE.inventory,
        detailType: INVENTORY_DETAIL_TYPE.shopifyOrderReceived,
        detail: { orderId, topic, skus, unknownSkus },
      },
    ]);
    if (skus.length > 0) await announceChanged(deps.events, skus, `Shopify ${topic}`);
    return { outcome: 'applied', skus, unknownSkus };
  }
}
