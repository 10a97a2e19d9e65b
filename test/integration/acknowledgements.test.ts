import diagnostics from 'node:diagnostics_channel';
import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { DynamoDbAcknowledgementStore } from '#shared/aws/dynamodb-acknowledgements.ts';
import type {
  AcknowledgementRecord,
  AcknowledgementState,
} from '#shared/domain/purchase-orders/acknowledgement-record.ts';
import { DETAIL_TYPE } from '#shared/events.ts';
import {
  type OrderItemAcknowledgement,
  orderItemAcknowledgementSchema,
  submitAcknowledgementRequestSchema,
} from '#shared/sp-api/schemas/orders.ts';
import { startTestSystem, tableItems } from '../support/local-system.ts';
import { OFFICIAL_MODELS_DIR } from '../support/official-models.ts';

type TestSystem = Awaited<ReturnType<typeof startTestSystem>>;

const HOUR = 3_600_000;
/** A deadline this close (clock time) when the PO first arrives is not held against Acorn. */
const TIGHT_MS = 10 * 60_000;
const ACK_PATH = '/vendor/orders/v1/acknowledgements';

/** Polls `probe` until it returns something other than undefined/false. */
async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The acknowledgement records through the same adapter the functions use (index queries). */
function acknowledgementStore(system: TestSystem): { store: DynamoDbAcknowledgementStore; close(): void } {
  const client = new DynamoDBClient({
    endpoint: system.runtime.endpoints.dynamodb,
    region: system.runtime.env.AWS_REGION ?? 'us-east-1',
    credentials: {
      accessKeyId: system.runtime.env.AWS_ACCESS_KEY_ID ?? 'local',
      secretAccessKey: system.runtime.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    },
  });
  return {
    store: new DynamoDbAcknowledgementStore({ client, tableName: system.runtime.physicalName('Table') }),
    close: () => client.destroy(),
  };
}

/** Waits until the seeded catalogue and stock files are imported, so the rules have something to decide with. */
async function vendorFilesImported(system: TestSystem): Promise<void> {
  await waitFor(
    'the catalogue and stock files to be imported',
    () => system.runtime.invocations().filter((i) => i.functionId === 'ImportInboxFile' && i.ok).length >= 2,
    30_000,
  );
}

/**
 * Drops a newer stock file into the inbox, as the ERP would, with plenty of every SKU the seeded
 * file has, and waits until the stack's inbox rule has imported it.
 */
async function dropPlentyOfStock(system: TestSystem, asOf: Date): Promise<void> {
  const seeded = system.sandbox.vendorFiles(asOf).stockCsv.trim().split('\n').slice(1);
  const csv = [
    'sku,availableToPromise,asOf',
    ...seeded.map((row) => `${row.split(',')[0]},1000000,${asOf.toISOString()}`),
  ];
  const s3 = new S3Client({
    endpoint: system.runtime.endpoints.s3,
    region: system.runtime.env.AWS_REGION ?? 'us-east-1',
    forcePathStyle: true,
    credentials: {
      accessKeyId: system.runtime.env.AWS_ACCESS_KEY_ID ?? 'local',
      secretAccessKey: system.runtime.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    },
  });
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: system.runtime.physicalName('InboxBucket'),
        Key: 'stock/plenty.csv',
        Body: `${csv.join('\n')}\n`,
      }),
    );
  } finally {
    s3.destroy();
  }
  await waitFor(
    'the plentiful stock file to be imported',
    () => system.runtime.invocations().filter((i) => i.functionId === 'ImportInboxFile' && i.ok).length >= 3,
    30_000,
  );
}

/** A console API call on the stack's HTTP routes. */
async function api(
  system: TestSystem,
  method: 'GET' | 'POST',
  path: string,
  opts: { query?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; body: unknown }> {
  const res = await system.runtime.handleHttp(
    method,
    path,
    opts.query,
    opts.body === undefined ? undefined : JSON.stringify(opts.body),
    {
      'content-type': 'application/json',
      authorization: `Bearer ${system.signIn({ username: 'test-operator', groups: ['operator'] })}`,
    },
  );
  return { status: res.statusCode, body: JSON.parse(res.body.toString()) };
}

const reviewListSchema = z.object({
  items: z.array(z.object({ purchaseOrderNumber: z.string(), deadline: z.string() })),
});
const detailSchema = z.object({
  lines: z.array(
    z.object({
      itemSequenceNumber: z.string(),
      orderedQuantity: z.object({
        amount: z.number().optional(),
        unitOfMeasure: z.enum(['Cases', 'Eaches']).optional(),
        unitSize: z.number().optional(),
      }),
      outcome: z.string().optional(),
      rule: z.string().optional(),
      acknowledgements: z.array(orderItemAcknowledgementSchema).optional(),
    }),
  ),
});

/**
 * Decides the review lines of a PO as an operator would in the console: what the rules propose
 * when they could tell, else a rejection with the reason Amazon expects.
 */
async function decideReviewLines(system: TestSystem, po: string): Promise<{ status: number; body: unknown }> {
  const detail = detailSchema.parse((await api(system, 'GET', `/api/purchase-orders/${po}`)).body);
  const lines = detail.lines
    .filter((l) => l.outcome === 'review')
    .map((l) => {
      const ordered = l.orderedQuantity;
      const rejection: OrderItemAcknowledgement = {
        acknowledgementCode: 'Rejected',
        acknowledgedQuantity: {
          amount: ordered.amount ?? 0,
          ...(ordered.unitOfMeasure ? { unitOfMeasure: ordered.unitOfMeasure } : {}),
          ...(ordered.unitSize !== undefined ? { unitSize: ordered.unitSize } : {}),
        },
        rejectionReason: l.rule === 'item.unknown' ? 'InvalidProductIdentifier' : 'TemporarilyUnavailable',
      };
      return {
        itemSequenceNumber: l.itemSequenceNumber,
        itemAcknowledgements: l.acknowledgements?.length ? l.acknowledgements : [rejection],
        note: `integration test: ${l.rule ?? 'review'}`,
      };
    });
  return api(system, 'POST', `/api/purchase-orders/${po}/decisions`, { body: { lines } });
}

/** Records per state (index queries, as the console does). */
async function recordsByState(
  store: DynamoDbAcknowledgementStore,
  states: readonly AcknowledgementState[],
): Promise<Map<AcknowledgementState, AcknowledgementRecord[]>> {
  const result = new Map<AcknowledgementState, AcknowledgementRecord[]>();
  for (const state of states) result.set(state, await store.listByState(state, 5_000));
  return result;
}

/** Runs `fn` over `items`, `width` at a time. */
async function inPool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

describe('acknowledging a backlog of 500 sandbox purchase orders', () => {
  let system: TestSystem;
  let store: ReturnType<typeof acknowledgementStore>;

  beforeAll(async () => {
    // Clock speed 2: a PO near Amazon's 48-hour correction window (the backlog reaches 48 h back)
    // or near its 24-hour deadline keeps minutes of clock time while 500 acknowledgements go out at
    // the 8.5/s per SP-API account Acorn allows itself.
    system = await startTestSystem({ speed: 2, poGeneration: { backlog: 500, perHour: 0 } });
    store = acknowledgementStore(system);
    await vendorFilesImported(system);
  });
  afterAll(async () => {
    store?.close();
    await system?.dispose();
  });

  it('acknowledges every line exactly once, before its deadline, every payload valid; replaying the same events sends nothing more', async () => {
    // Prepare: the sandbox checks every body against our schema and Amazon's official model
    expect(existsSync(OFFICIAL_MODELS_DIR), `official models at ${OFFICIAL_MODELS_DIR}`).toBe(true);
    const startedMs = Date.now();
    const pulledAt = system.runtime.clock.now().getTime();

    // Act: pull the backlog (each new PO goes to AcknowledgePurchaseOrder through the bus) while an
    // operator decides, soonest deadline first, every PO the rules put in front of a person
    const received: unknown[] = [];
    const stopListening = system.runtime.onEvent((published) => {
      if (published.event['detail-type'] === DETAIL_TYPE.purchaseOrderReceived)
        received.push(published.event);
    });
    const pull = await system.runtime.invoke('PullPurchaseOrders', {});
    stopListening();
    expect(pull).toMatchObject({ created: 500, incomplete: false });
    const decidedByOperator = new Set<string>();
    const refused: string[] = [];
    await waitFor(
      'every PO to be acknowledged',
      async () => {
        const review = reviewListSchema.parse(
          (await api(system, 'GET', '/api/acknowledgements', { query: { state: 'review', limit: '500' } }))
            .body,
        );
        const waiting = review.items
          .filter((i) => !decidedByOperator.has(i.purchaseOrderNumber))
          .sort((a, b) => a.deadline.localeCompare(b.deadline));
        await inPool(waiting, 2, async ({ purchaseOrderNumber: po }) => {
          decidedByOperator.add(po);
          const res = await decideReviewLines(system, po);
          if (res.status !== 200) refused.push(`${po}: ${res.status} ${JSON.stringify(res.body)}`);
        });
        const counts = await recordsByState(store.store, ['submitted', 'accepted']);
        const done = (counts.get('submitted')?.length ?? 0) + (counts.get('accepted')?.length ?? 0);
        return done === 500 || refused.length > 0;
      },
      180_000,
      500,
    );
    const acknowledgedMs = Date.now() - startedMs;

    // Assess: Acorn's side
    expect(refused).toEqual([]);
    expect(system.runtime.failedDeliveries()).toEqual([]);
    const byState = await recordsByState(store.store, [
      'review',
      'queued',
      'held',
      'unknown',
      'failed',
      'rejected',
    ]);
    expect([...byState.values()].flat().map((r) => `${r.purchaseOrderNumber} ${r.state}`)).toEqual([]);

    // Assess: Amazon's side: one acknowledgement per PO, each line exactly once, none refused
    const orders = system.sandbox.purchaseOrders();
    expect(orders).toHaveLength(500);
    const acknowledgements = system.sandbox.acknowledgements();
    expect(acknowledgements).toHaveLength(500);
    const overdueOnArrival: string[] = [];
    const late: string[] = [];
    // Arrived with less than this to go: on time or not depends on how busy this machine is (500
    // sends at 8.5/s and an operator deciding take a couple of real minutes), not on Acorn; counted.
    const tightAtArrival: string[] = [];
    for (const order of orders) {
      const po = order.purchaseOrderNumber;
      const received = acknowledgements.filter((a) => a.acknowledgement.purchaseOrderNumber === po);
      expect(received, `acknowledgements of ${po}`).toHaveLength(1);
      const ack = received[0]!;
      const lines = (order.orderDetails?.items ?? []).map((i) => i.itemSequenceNumber).sort();
      expect(ack.acknowledgement.items.map((i) => i.itemSequenceNumber).sort(), `lines of ${po}`).toEqual(
        lines,
      );
      expect(ack.accepted, `${po} passed Amazon's business rules`).toBe(true);
      const deadline = Date.parse(order.orderDetails!.purchaseOrderDate) + 24 * HOUR;
      // Half the backlog was older than 24 hours before Acorn ever ran: it cannot be on time.
      if (deadline <= pulledAt) overdueOnArrival.push(po);
      else if (deadline - pulledAt < TIGHT_MS) tightAtArrival.push(po);
      else if (ack.receivedAt >= deadline) late.push(`${po} ${new Date(ack.receivedAt).toISOString()}`);
    }
    expect(late).toEqual([]);
    // Every body passed our schema and the official model (else 400); 429s were sent again.
    const sends = system.sandbox.requestLog().filter((r) => r.operation === 'submitAcknowledgement');
    expect(sends.filter((r) => r.status === 202)).toHaveLength(500);
    expect(sends.filter((r) => r.status !== 202 && r.status !== 429)).toEqual([]);
    expect(system.sandbox.transactions().filter((t) => t.status === 'Failure')).toEqual([]);
    const outbox = (await tableItems(system)).filter((i) => i.sk?.S === 'OUTBOX');
    expect(outbox).toHaveLength(500);
    expect(outbox.every((i) => i.state?.S === 'sent')).toBe(true);

    // Act: every PurchaseOrderReceived event delivered again
    expect(received).toHaveLength(500);
    const replayStarted = Date.now();
    const replayed: unknown[] = [];
    await inPool(received, 4, async (event) => {
      replayed.push(await system.runtime.invoke('AcknowledgePurchaseOrder', event));
    });
    const replayMs = Date.now() - replayStarted;

    // Assess: every PO found acknowledged, and nothing more reached Amazon
    expect(replayed).toHaveLength(500);
    expect(
      replayed.filter((r) => !z.object({ state: z.enum(['submitted', 'accepted']) }).safeParse(r).success),
    ).toEqual([]);
    expect(system.sandbox.acknowledgements()).toHaveLength(500);
    expect(system.sandbox.requestLog().filter((r) => r.operation === 'submitAcknowledgement')).toHaveLength(
      sends.length,
    );
    expect((await tableItems(system)).filter((i) => i.sk?.S === 'OUTBOX')).toHaveLength(500);

    console.log(
      `500 POs: ${500 - decidedByOperator.size} acknowledged by the rules, ${decidedByOperator.size} decided through the API; ` +
        `${overdueOnArrival.length} were past their 24 h deadline before the first pull, ` +
        `${tightAtArrival.length} arrived with under ${TIGHT_MS / 60_000} min to go, the other ` +
        `${500 - overdueOnArrival.length - tightAtArrival.length} all acknowledged before it; ${(acknowledgedMs / 1000).toFixed(1)} s real ` +
        `from pull to the last acknowledgement (${sends.length - 500} sends answered 429 and repeated), ` +
        `replay of 500 events ${(replayMs / 1000).toFixed(1)} s`,
    );
  }, 300_000);
});

/**
 * The raw request bodies any sandbox in this process receives on the acknowledgement route, read
 * from the HTTP server's own request stream (diagnostics channel), byte for byte.
 */
function captureAcknowledgementBodies(): { bodies: Buffer[]; stop(): void } {
  const bodies: Buffer[] = [];
  const onStart = (message: unknown) => {
    const { request } = message as { request: IncomingMessage };
    if (request.method !== 'POST' || request.url !== ACK_PATH) return;
    // A second listener on the same stream: the sandbox still reads every chunk itself.
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => bodies.push(Buffer.concat(chunks)));
  };
  diagnostics.subscribe('http.server.request.start', onStart);
  return { bodies, stop: () => diagnostics.unsubscribe('http.server.request.start', onStart) };
}

describe('the same POs in simulate and in live', () => {
  // Both systems start at the same whole second and their clocks all but stand still, so every
  // decision (and its acknowledgementDate and scheduled dates) falls in the same second.
  const VIRTUAL_START = Date.parse('2026-11-30T09:00:00Z');

  /**
   * Runs the pull in a fresh system and waits for every PO to be decided. The ERP first reports
   * plenty of every SKU, so no decision depends on which of two concurrent workers reserved first.
   */
  async function run(mode: 'simulate' | 'live') {
    const system = await startTestSystem({
      speed: 0.001,
      virtualStart: VIRTUAL_START,
      poGeneration: { backlog: 60, perHour: 0 },
      configPatch: (config) => ({
        ...config,
        automation: { ...(config.automation as object), purchaseOrders: mode },
      }),
    });
    const store = acknowledgementStore(system);
    try {
      await vendorFilesImported(system);
      await dropPlentyOfStock(system, new Date(VIRTUAL_START + HOUR));
      await system.runtime.invoke('PullPurchaseOrders', {});
      const settled: AcknowledgementState[] = ['review', mode === 'live' ? 'submitted' : 'simulated'];
      await waitFor(
        `every PO decided in ${mode}`,
        async () => {
          const counts = await recordsByState(store.store, settled);
          return [...counts.values()].flat().length === 60;
        },
        60_000,
      );
      const payloads = new Map<string, string>();
      for (const item of await tableItems(system)) {
        if (item.sk?.S !== 'OUTBOX') continue;
        expect(item.state?.S).toBe(mode === 'live' ? 'sent' : 'simulated');
        payloads.set(item.pk!.S!.slice('OUTBOX#ack#'.length), item.payload!.S!);
      }
      return {
        payloads,
        acknowledgements: system.sandbox.acknowledgements(),
        calls: system.sandbox.stats().byOperation.submitAcknowledgement ?? 0,
        /** Every answer to submitAcknowledgement: 202, or 429 when both SP-API accounts (one sandbox client) burst together. */
        statuses: system.sandbox
          .requestLog()
          .filter((r) => r.operation === 'submitAcknowledgement')
          .map((r) => r.status),
      };
    } finally {
      store.close();
      await system.dispose();
    }
  }

  let simulated: Awaited<ReturnType<typeof run>>;
  let live: Awaited<ReturnType<typeof run>>;
  let simulatedBodies: Buffer[];
  let liveBodies: Buffer[];

  beforeAll(async () => {
    const duringSimulate = captureAcknowledgementBodies();
    try {
      simulated = await run('simulate');
    } finally {
      duringSimulate.stop();
    }
    simulatedBodies = duringSimulate.bodies;
    const duringLive = captureAcknowledgementBodies();
    try {
      live = await run('live');
    } finally {
      duringLive.stop();
    }
    liveBodies = duringLive.bodies;
  }, 180_000);

  it('in simulate the sandbox receives zero acknowledgement calls, and the recorded payload is byte for byte what live sends for the same POs', () => {
    // Assess: simulate sent nothing
    expect(simulated.calls).toBe(0);
    expect(simulatedBodies).toHaveLength(0);
    expect(simulated.acknowledgements).toHaveLength(0);
    // Assess: the same POs were acknowledged in both, with the same bytes
    expect(simulated.payloads.size).toBeGreaterThan(10);
    expect([...live.payloads.keys()].sort()).toEqual([...simulated.payloads.keys()].sort());
    for (const [po, payload] of simulated.payloads) {
      expect(Buffer.from(live.payloads.get(po)!, 'utf8').equals(Buffer.from(payload, 'utf8')), po).toBe(true);
    }
    // Assess: what the live sandbox received on the wire is exactly the recorded payload, on
    // every attempt (a 429 answered attempt is sent again with the same bytes)
    expect(live.statuses.filter((status) => status === 202)).toHaveLength(live.payloads.size);
    expect(live.statuses.filter((status) => status !== 202 && status !== 429)).toEqual([]);
    expect(liveBodies).toHaveLength(live.statuses.length);
    const received = new Set<string>();
    for (const body of liveBodies) {
      const po = submitAcknowledgementRequestSchema.parse(JSON.parse(body.toString('utf8')))
        .acknowledgements[0]!.purchaseOrderNumber;
      received.add(po);
      expect(body.equals(Buffer.from(simulated.payloads.get(po)!, 'utf8')), po).toBe(true);
    }
    expect([...received].sort()).toEqual([...simulated.payloads.keys()].sort());
    expect(live.acknowledgements.every((a) => a.accepted)).toBe(true);
  });
});
