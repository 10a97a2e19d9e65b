import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DETAIL_TYPE } from '#shared/events.ts';
import {
  type startTestSystem as StartTestSystem,
  startTestSystem,
  tableItems,
} from '../support/local-system.ts';

type TestSystem = Awaited<ReturnType<typeof StartTestSystem>>;

/** PO numbers stored in the table, with their versions. */
async function storedOrders(system: TestSystem): Promise<Map<string, string>> {
  const items = await tableItems(system);
  return new Map(
    items.filter((i) => i.sk?.S === 'PO').map((i) => [i.purchaseOrderNumber?.S ?? '', i.version?.S ?? '']),
  );
}

async function cursors(system: TestSystem): Promise<Map<string, string>> {
  const items = await tableItems(system);
  return new Map(items.filter((i) => i.sk?.S === 'CURSOR').map((i) => [i.pk?.S ?? '', i.position?.S ?? '']));
}

/**
 * The cursor promise: every PO Amazon created before a created-stream cursor is in the table.
 * Checked after every invocation, failed ones included.
 */
async function assertNothingBehindTheCursors(system: TestSystem): Promise<void> {
  const stored = await storedOrders(system);
  const positions = await cursors(system);
  for (const order of system.sandbox.purchaseOrders()) {
    const vendorCode = order.orderDetails?.sellingParty?.partyId;
    const position = positions.get(`CURSOR#purchase-orders#created#${vendorCode}`);
    const createdAt = order.orderDetails?.purchaseOrderDate;
    if (position && createdAt && Date.parse(createdAt) < Date.parse(position)) {
      expect(stored.has(order.purchaseOrderNumber), `${order.purchaseOrderNumber} is behind the cursor`).toBe(
        true,
      );
    }
  }
}

describe('purchase-order ingest against a failing, throttling Amazon', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({
      speed: 1,
      poGeneration: { backlog: 120, perHour: 1 },
      // Few, fast retries so that calls really fail and invocations break off mid-window.
      configPatch: (config) => ({
        ...config,
        spApi: { ...(config.spApi as object), retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 50 } },
      }),
    });
  });
  afterAll(async () => {
    await system?.dispose();
  });

  it('stores every PO, announces each version exactly once, and never moves a cursor past an unstored page', async () => {
    // Prepare: 30 % 5xx plus 30 % injected throttling on top of the usage plans, a few malformed bodies
    system.sandbox.setFaults({ errorRate: 0.3, throttleRate: 0.3, malformedRate: 0.05 });
    let failed = 0;
    let succeeded = 0;

    // Act: the schedule would keep firing; each invocation picks up where the stored cursors are
    for (let run = 0; run < 80 && succeeded < 2; run++) {
      try {
        await system.runtime.invoke('PullPurchaseOrders', {});
        succeeded++;
      } catch {
        failed++;
      }
      await assertNothingBehindTheCursors(system);
    }

    // Assess
    expect(failed, 'the faults must have broken some invocations off').toBeGreaterThan(0);
    expect(succeeded).toBe(2);
    const stored = await storedOrders(system);
    const published = system.sandbox.purchaseOrders();
    const positions = await cursors(system);
    for (const order of published) {
      const position = positions.get(
        `CURSOR#purchase-orders#created#${order.orderDetails?.sellingParty?.partyId}`,
      );
      if (Date.parse(order.orderDetails?.purchaseOrderDate ?? '') < Date.parse(position ?? '')) {
        expect(stored.has(order.purchaseOrderNumber)).toBe(true);
      }
    }
    expect(stored.size).toBeGreaterThanOrEqual(100);

    const events = system.runtime
      .publishedEvents()
      .map((p) => p.event)
      .filter((e) => e.source === 'acorn.vendor-ingest');
    const received = events.filter((e) => e['detail-type'] === DETAIL_TYPE.purchaseOrderReceived);
    const perOrder = new Map<string, number>();
    for (const e of received) {
      const n = String(e.detail.purchaseOrderNumber);
      perOrder.set(n, (perOrder.get(n) ?? 0) + 1);
    }
    expect([...perOrder.values()].every((count) => count === 1)).toBe(true);
    expect(new Set(perOrder.keys())).toEqual(new Set(stored.keys()));
    const perVersion = new Map<string, number>();
    for (const e of events.filter(
      (e) => String(e['detail-type']).startsWith('PurchaseOrder') && e.detail.version,
    )) {
      const key = `${e['detail-type'] === DETAIL_TYPE.purchaseOrderStatusChanged ? 'S' : 'O'}#${e.detail.purchaseOrderNumber}#${e.detail.version}`;
      perVersion.set(key, (perVersion.get(key) ?? 0) + 1);
    }
    expect([...perVersion.entries()].filter(([, n]) => n > 1)).toEqual([]);
  });
});
