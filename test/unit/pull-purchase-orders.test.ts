import { describe, expect, it } from 'vitest';
import { ManualClock } from '#shared/clock.ts';
import { DETAIL_TYPE } from '#shared/events.ts';
import type { PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import type { Page, PurchaseOrderQuery, VendorOrdersApi } from '#shared/sp-api/vendor-orders.ts';
import { makePullPurchaseOrders } from '#shared/use-cases/vendor-ingest/pull-purchase-orders.ts';
import { InMemoryCursorStore, InMemoryDocumentStore, RecordingPublisher } from '../support/fakes.ts';

const NOW = '2026-11-20T12:00:00.000Z';
const HOUR = 3_600_000;

function po(n: number, createdAt: string, changedAt?: string): PurchaseOrder {
  return {
    purchaseOrderNumber: `PO${String(n).padStart(6, '0')}`,
    purchaseOrderState: 'New',
    orderDetails: {
      purchaseOrderDate: createdAt,
      purchaseOrderStateChangedDate: createdAt,
      ...(changedAt ? { purchaseOrderChangedDate: changedAt } : {}),
      sellingParty: { partyId: 'ACMEDE' },
      items: [{ itemSequenceNumber: '1', isBackOrderAllowed: false, orderedQuantity: { amount: 5 } }],
    },
  } as PurchaseOrder;
}

/** A fake Amazon holding `orders`, filtering and paging like getPurchaseOrders, able to fail on a page. */
function fakeAmazon(orders: PurchaseOrder[], pageSize = 10) {
  const state = { calls: 0, failOnCall: new Set<number>(), queries: [] as PurchaseOrderQuery[] };
  const api = {
    async *purchaseOrderPages(query: PurchaseOrderQuery): AsyncGenerator<Page<PurchaseOrder>> {
      state.queries.push(query);
      const inWindow = orders.filter((o) => {
        const d = o.orderDetails!;
        if (query.createdAfter) {
          return d.purchaseOrderDate >= query.createdAfter && d.purchaseOrderDate < query.createdBefore!;
        }
        const changed = d.purchaseOrderChangedDate;
        return changed !== undefined && changed >= query.changedAfter! && changed < query.changedBefore!;
      });
      for (let i = 0; i < inWindow.length || i === 0; i += pageSize) {
        state.calls++;
        if (state.failOnCall.has(state.calls)) throw new Error(`Amazon failed on call ${state.calls}`);
        const items = inWindow.slice(i, i + pageSize);
        yield { items, nextToken: i + pageSize < inWindow.length ? String(i + pageSize) : undefined };
      }
    },
    async *purchaseOrderStatusPages() {},
  } as unknown as VendorOrdersApi;
  return { api, state };
}

function setup(orders: PurchaseOrder[]) {
  const clock = new ManualClock(NOW);
  const amazon = fakeAmazon(orders);
  const documents = new InMemoryDocumentStore();
  const cursors = new InMemoryCursorStore();
  const events = new RecordingPublisher();
  const pull = makePullPurchaseOrders({
    clock,
    vendors: [{ vendorCode: 'ACMEDE' }],
    api: () => amazon.api,
    documents,
    cursors,
    events,
    initialLookbackDays: 10,
  });
  return { clock, amazon, documents, cursors, events, pull };
}

const at = (hoursBeforeNow: number) => new Date(Date.parse(NOW) - hoursBeforeNow * HOUR).toISOString();

describe('pulling purchase orders', () => {
  it('stores every PO of the lookback in windows of at most 7 days and announces each once', async () => {
    // Prepare: 35 POs spread over the last 9 days
    const orders = Array.from({ length: 35 }, (_, i) => po(i, at(1 + i * 6)));
    const { pull, documents, events, amazon } = setup(orders);
    // Act
    const summary = await pull();
    // Assess
    expect(documents.items.size).toBe(35);
    expect(events.published.filter((e) => e.detailType === DETAIL_TYPE.purchaseOrderReceived)).toHaveLength(
      35,
    );
    for (const q of amazon.state.queries) {
      const after = Date.parse(q.createdAfter ?? q.changedAfter!);
      const before = Date.parse(q.createdBefore ?? q.changedBefore!);
      expect(before - after).toBeLessThanOrEqual(7 * 24 * HOUR);
    }
    expect(summary).toMatchObject({ created: 35, published: 35, incomplete: false });
  });

  it('changes nothing and publishes nothing when the same window is pulled again', async () => {
    const orders = Array.from({ length: 12 }, (_, i) => po(i, at(2 + i)));
    const { pull, events } = setup(orders);
    await pull();
    const before = events.published.length;
    const again = await pull({ backfillDays: 10 });
    expect(again.created + again.updated).toBe(0);
    expect(events.published).toHaveLength(before);
  });

  it('publishes PurchaseOrderChanged when Amazon changes a PO, with the previous version', async () => {
    const orders = [po(1, at(30))];
    const { pull, events, clock } = setup(orders);
    await pull();
    orders[0] = po(1, at(30), at(-0.5));
    clock.advance(HOUR);
    await pull();
    const changed = events.published.filter((e) => e.detailType === DETAIL_TYPE.purchaseOrderChanged);
    expect(changed).toHaveLength(1);
    expect(changed[0]?.detail).toMatchObject({ purchaseOrderNumber: 'PO000001', previousVersion: at(30) });
  });

  it('never moves the cursor past a page that failed, and a later run stores the rest', async () => {
    // Prepare: a 10-day lookback is two windows; the second holds 25 POs → 3 pages, and Amazon
    // fails on its second page (the third call overall)
    const orders = Array.from({ length: 25 }, (_, i) => po(i, at(3 + i / 10)));
    const { pull, documents, cursors, amazon, events } = setup(orders);
    amazon.state.failOnCall.add(3);
    // Act
    await expect(pull()).rejects.toThrow('Amazon failed on call 3');
    // Assess: the first page is stored, the cursor stopped at the end of the first (empty) window
    expect(documents.items.size).toBe(10);
    expect(cursors.positions.get('purchase-orders#created#ACMEDE')).toBe(at(3 * 24));
    // Act again: the window is pulled again, nothing duplicated
    await pull();
    expect(documents.items.size).toBe(25);
    expect(new Set(events.published.map((e) => e.detail.purchaseOrderNumber)).size).toBe(25);
    expect(events.published.filter((e) => e.detailType === DETAIL_TYPE.purchaseOrderReceived)).toHaveLength(
      25,
    );
  });

  it('publishes on the next run an event whose PO was stored before the bus failed', async () => {
    const orders = [po(1, at(5)), po(2, at(4))];
    const { pull, events } = setup(orders);
    events.failNext = 1;
    await expect(pull()).rejects.toThrow('bus unavailable');
    await pull();
    expect(events.published.map((e) => e.detail.purchaseOrderNumber).sort()).toEqual([
      'PO000001',
      'PO000002',
    ]);
  });

  it('stops before a new window when the time budget runs out and says so', async () => {
    const orders = Array.from({ length: 5 }, (_, i) => po(i, at(200 - i)));
    const { pull, cursors } = setup(orders);
    let windows = 0;
    const summary = await pull({ shouldContinue: () => windows++ < 1 });
    expect(summary.incomplete).toBe(true);
    expect(cursors.positions.size).toBe(1);
  });

  it('stops its windows a little behind now, where Amazon may not have indexed a new PO yet', async () => {
    const { pull, cursors } = setup([]);
    await pull();
    for (const position of cursors.positions.values()) {
      expect(Date.parse(NOW) - Date.parse(position)).toBe(2 * 60 * 1000);
    }
  });
});

describe('the archive index of stored PO versions', () => {
  it('lists each stored version under the vendor code and day it was stored, by time (gsi2)', async () => {
    const { pull, documents } = setup([po(1, at(30))]);

    await pull();

    const stored = [...documents.items.values()][0]!.doc;
    expect(stored.attributes).toMatchObject({
      storedAt: NOW,
      gsi2pk: 'ARCHIVE#PO#ACMEDE#2026-11-20',
      gsi2sk: `${NOW}#PO000001`,
    });
  });
});
