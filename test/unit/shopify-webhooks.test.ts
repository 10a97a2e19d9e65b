import { describe, expect, it } from 'vitest';
import { ManualClock } from '#shared/clock.ts';
import { allocate, DEFAULT_ALLOCATION_RULES } from '#shared/domain/inventory/allocation.ts';
import { signShopifyBody } from '#shared/shopify/webhooks.ts';
import {
  makeReceiveShopifyWebhook,
  WebhookSignatureError,
} from '#shared/use-cases/inventory/shopify-webhooks.ts';
import { makeApplyStockPositions } from '#shared/use-cases/inventory/stock-positions.ts';
import { RecordingPublisher } from '../support/fakes.ts';
import { InMemoryInventoryStore, InMemoryWebhookLedger } from '../support/inventory-fakes.ts';

const SECRET = 'client-secret';

async function world() {
  const clock = new ManualClock('2026-11-30T08:00:00Z');
  const store = new InMemoryInventoryStore();
  const events = new RecordingPublisher();
  await makeApplyStockPositions({ store, events, clock })('test', {
    positions: [{ sku: 'PAN', location: 'WH1', onHand: 20, asOf: '2026-11-30T06:00:00.000Z' }],
    problems: [],
  });
  const receive = makeReceiveShopifyWebhook({
    store,
    ledger: new InMemoryWebhookLedger(),
    events,
    clock,
    secret: async () => SECRET,
  });
  return { store, events, receive };
}

const order = (lines: { sku: string; quantity: number }[]) =>
  Buffer.from(
    JSON.stringify({ id: 501, updated_at: '2026-11-30T08:00:00Z', cancelled_at: null, line_items: lines }),
  );

describe('Shopify webhooks', () => {
  it('rejects a body whose HMAC does not match and changes nothing', async () => {
    const { store, receive } = await world();
    const body = order([{ sku: 'PAN', quantity: 2 }]);
    const before = await store.get('PAN');
    await expect(
      receive({
        rawBody: body,
        hmac: signShopifyBody(body, 'another-secret'),
        topic: 'orders/create',
        webhookId: 'w1',
      }),
    ).rejects.toBeInstanceOf(WebhookSignatureError);
    await expect(
      receive({ rawBody: body, hmac: undefined, topic: 'orders/create', webhookId: 'w1' }),
    ).rejects.toBeInstanceOf(WebhookSignatureError);
    const tampered = order([{ sku: 'PAN', quantity: 20 }]);
    await expect(
      receive({
        rawBody: tampered,
        hmac: signShopifyBody(body, SECRET),
        topic: 'orders/create',
        webhookId: 'w1',
      }),
    ).rejects.toBeInstanceOf(WebhookSignatureError);
    expect(await store.get('PAN')).toEqual(before);
  });

  it('applies a good delivery once and ignores its replay', async () => {
    const { store, receive } = await world();
    const body = order([{ sku: 'PAN', quantity: 2 }]);
    const delivery = {
      rawBody: body,
      hmac: signShopifyBody(body, SECRET),
      topic: 'orders/create',
      webhookId: 'w1',
    };
    expect(await receive(delivery)).toMatchObject({ outcome: 'applied', skus: ['PAN'] });
    expect(await receive(delivery)).toEqual({ outcome: 'replay' });
    // The same order redelivered under a new id (Shopify's retry) is still applied once.
    expect(await receive({ ...delivery, webhookId: 'w2' })).toMatchObject({ outcome: 'applied' });
    expect(allocate(await store.get('PAN'), DEFAULT_ALLOCATION_RULES).shopify.committed).toBe(2);
  });

  it('reports SKUs without a stock position and invents no record for them', async () => {
    const { store, events, receive } = await world();
    const body = order([
      { sku: 'NOPE', quantity: 1 },
      { sku: 'PAN', quantity: 1 },
    ]);
    const result = await receive({
      rawBody: body,
      hmac: signShopifyBody(body, SECRET),
      topic: 'orders/create',
      webhookId: 'w1',
    });
    expect(result).toEqual({ outcome: 'applied', skus: ['PAN'], unknownSkus: ['NOPE'] });
    expect((await store.get('NOPE')).revision).toBe(0);
    expect(
      events.published.some((e) => (e.detail as { unknownSkus?: string[] }).unknownSkus?.includes('NOPE')),
    ).toBe(true);
  });
});
