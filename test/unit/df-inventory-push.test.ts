import { beforeAll, describe, expect, it } from 'vitest';
import type { OfficialModels } from '#local/amazon-sandbox/official-models.ts';
import { makeInventoryOutbox } from '#shared/aws/inventory-outbox.ts';
import { ManualClock } from '#shared/clock.ts';
import type { AutomationMode } from '#shared/config/runtime.ts';
import {
  DEFAULT_ALLOCATION_RULES,
  emptyRecord,
  type InventoryRecord,
} from '#shared/domain/inventory/allocation.ts';
import { SpApiOutcomeUnknownError } from '#shared/sp-api/errors.ts';
import { submitInventoryUpdateRequestSchema } from '#shared/sp-api/schemas/df-inventory.ts';
import type { VendorDfInventoryApi } from '#shared/sp-api/vendor-df-inventory.ts';
import {
  buildDfInventoryUpdate,
  type DfInventoryTarget,
  makePushDfInventory,
} from '#shared/use-cases/inventory/df-inventory-push.ts';
import { RecordingArchive, RecordingAuditTrail } from '../support/acknowledgement-fakes.ts';
import { InMemoryInventoryStore } from '../support/inventory-fakes.ts';
import { officialModels } from '../support/official-models.ts';
import { InMemoryOutboxStore } from '../support/outbox-fakes.ts';

const AT = '2026-03-02T10:00:00.000Z';
const TARGET: DfInventoryTarget = {
  vendorCode: 'ACME1',
  warehouseId: 'ACME_WH1',
  sellingPartyId: 'ACMEDF',
  spApiAccount: 'eu-main',
};

function stocked(sku: string, onHand: number): InventoryRecord {
  return { ...emptyRecord(sku, AT), revision: 1, locations: { main: { onHand, asOf: AT } } };
}

function world(opts: { mode?: AutomationMode; targets?: DfInventoryTarget[]; fail?: 'unknown' } = {}) {
  const clock = new ManualClock(new Date(AT));
  const store = new InMemoryInventoryStore();
  const sent: { accountId: string; warehouseId: string; body: unknown }[] = [];
  const api = (accountId: string): VendorDfInventoryApi => ({
    async submitInventoryUpdate(warehouseId, rawBody) {
      if (opts.fail === 'unknown') throw new SpApiOutcomeUnknownError('submitInventoryUpdate', 503, []);
      sent.push({ accountId, warehouseId, body: JSON.parse(rawBody) });
      return { transactionId: `tx-${sent.length}` };
    },
  });
  const outboxStore = new InMemoryOutboxStore();
  const outbox = makeInventoryOutbox({
    store: outboxStore,
    archive: new RecordingArchive(),
    audit: new RecordingAuditTrail(),
    clock,
    modeOf: () => opts.mode ?? 'live',
    api: () => Promise.reject(new Error('no Shopify in this test')),
    leaseMs: 60_000,
    directFulfillment: { dfInventoryApiOfAccount: api, store },
  });
  const push = makePushDfInventory({
    store,
    outbox,
    rules: DEFAULT_ALLOCATION_RULES,
    targets: opts.targets ?? [TARGET],
  });
  return { store, sent, push, outbox };
}

describe('Direct Fulfillment inventory push', () => {
  let models: OfficialModels;
  beforeAll(() => {
    models = officialModels();
  });

  it('sends the Amazon-side available quantity of the allocation per SKU, incremental', async () => {
    const w = world();
    await w.store.write(stocked('SKU-1', 40));
    expect(await w.push('SKU-1')).toEqual({ ACME1: 'sent' });
    expect(w.sent).toHaveLength(1);
    expect(w.sent[0]?.warehouseId).toBe('ACME_WH1');
    expect(w.sent[0]?.accountId).toBe('eu-main');
    const body = submitInventoryUpdateRequestSchema.parse(w.sent[0]?.body);
    expect(body.inventory.isFullUpdate).toBe(false);
    expect(body.inventory.sellingParty.partyId).toBe('ACMEDF');
    const [item] = body.inventory.items;
    expect(item?.vendorProductIdentifier).toBe('SKU-1');
    expect(item?.availableQuantity.unitOfMeasure).toBe('Each');
    expect(item?.availableQuantity.amount).toBeGreaterThan(0);
    expect(item?.availableQuantity.amount).toBeLessThanOrEqual(40);
  });

  it('keys the message by SKU revision: the same revision is not sent twice', async () => {
    const w = world();
    await w.store.write(stocked('SKU-1', 10));
    await w.push('SKU-1');
    await w.push('SKU-1');
    expect(w.sent).toHaveLength(1);
  });

  it('sends nothing in simulate, and records the message as simulated', async () => {
    const w = world({ mode: 'simulate' });
    await w.store.write(stocked('SKU-1', 10));
    expect(await w.push('SKU-1')).toEqual({ ACME1: 'simulated' });
    expect(w.sent).toHaveLength(0);
  });

  it('sends nothing when no vendor code is configured for DF', async () => {
    const w = world({ targets: [] });
    await w.store.write(stocked('SKU-1', 10));
    expect(await w.push('SKU-1')).toEqual({});
    expect(w.sent).toHaveLength(0);
  });

  it('sends nothing for a SKU without a stock position', async () => {
    const w = world();
    expect(await w.push('SKU-NONE')).toEqual({ ACME1: 'no-stock-position' });
    expect(w.sent).toHaveLength(0);
  });

  it('leaves an attempt of unknown outcome pending, for the event to be retried', async () => {
    const w = world({ fail: 'unknown' });
    await w.store.write(stocked('SKU-1', 10));
    await expect(w.push('SKU-1')).rejects.toThrow(/unknown|retry/);
  });

  it('builds a payload the official model accepts', () => {
    const payload = buildDfInventoryUpdate(TARGET, 'SKU-1', 7);
    expect(
      models.validate('vendorDirectFulfillmentInventory', 'SubmitInventoryUpdateRequest', payload),
    ).toEqual([]);
    expect(payload.inventory.items[0]?.availableQuantity.amount).toBe(7);
  });

  it('the official model rejects an update without isFullUpdate (the cross-check can fail)', () => {
    const { isFullUpdate: _, ...rest } = buildDfInventoryUpdate(TARGET, 'SKU-1', 7).inventory;
    expect(
      models.validate('vendorDirectFulfillmentInventory', 'SubmitInventoryUpdateRequest', {
        inventory: rest,
      }),
    ).not.toEqual([]);
    expect(submitInventoryUpdateRequestSchema.safeParse({ inventory: rest }).success).toBe(false);
  });
});
