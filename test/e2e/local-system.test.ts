import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import type { RequestLogEntry } from '#local/amazon-sandbox/index.ts';
import type { ScheduleStatus } from '#local/runtime/scheduler.ts';
import { purchaseOrderVersion } from '#shared/domain/purchase-orders/purchase-order.ts';
import { DETAIL_TYPE } from '#shared/events.ts';
import {
  type E2eSystem,
  getJson,
  invokeThroughLambdaApi,
  listAllPurchaseOrders,
  loggedPullSummaries,
  makeDataDir,
  type PurchaseOrderRow,
  pullSummarySchema,
  purchaseOrderItemsInTable,
  readSpApiCredentialsSecret,
  removeDataDir,
  startE2eSystem,
} from '../support/e2e-system.ts';

const PULL = 'PullPurchaseOrders';
/** Both ingest functions name their trigger `Schedule`, so the runtime prefixes the function id. */
const PULL_SCHEDULE = `${PULL}/Schedule`;
/** `npm start`'s default: the 15-minute schedule fires every 15 s. */
const SPEED = 60;
/**
 * More than a page (100 POs) per vendor code, so the pull must follow nextToken; no live POs, so
 * every PO in the table comes from the backlog Amazon had before the start.
 */
const PO_GENERATION = { backlog: 400, perHour: 0 };

const errorBodySchema = z.looseObject({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

function pullSchedule(system: E2eSystem): ScheduleStatus {
  const status = system.runtime.schedules.status().find((s) => s.id === PULL_SCHEDULE);
  if (!status) throw new Error(`no schedule ${PULL_SCHEDULE}`);
  return status;
}

/**
 * A consistent picture of what the scheduled pulls did: waits until no run is in progress and
 * every run has logged its summary, and retries if a run started while the table was read.
 */
async function settledIngest(system: E2eSystem) {
  return vi.waitFor(
    async () => {
      const before = pullSchedule(system);
      if (before.running || before.runs === 0) throw new Error(`${PULL_SCHEDULE} has not finished a run`);
      const invocations = system.runtime.invocations().filter((i) => i.functionId === PULL);
      const summaries = loggedPullSummaries(system.logs);
      if (invocations.some((i) => !summaries.has(i.requestId)))
        throw new Error('a summary is not logged yet');
      const items = await purchaseOrderItemsInTable(system);
      const after = pullSchedule(system);
      if (after.running || after.runs !== before.runs) throw new Error('a pull ran while the table was read');
      return { schedule: after, invocations, summaries, items };
    },
    { timeout: 60_000, interval: 250 },
  );
}

/** The end of the latest search window among these getPurchaseOrders requests (ISO-8601). */
function latestWindowEnd(requests: readonly RequestLogEntry[]): string {
  const ends = requests.flatMap((r) =>
    [r.query.createdBefore, r.query.changedBefore].filter((v): v is string => v !== undefined),
  );
  const latest = ends
    .map((v) => new Date(v).toISOString())
    .sort()
    .at(-1);
  if (!latest) throw new Error('no getPurchaseOrders window in these requests');
  return latest;
}

const isGetPurchaseOrders = (r: RequestLogEntry) => r.operation === 'getPurchaseOrders';

describe('the local system (npm start) driven through its HTTP API', () => {
  let dataDir = '';
  let system: E2eSystem | undefined;
  const running = (): E2eSystem => {
    if (!system) throw new Error('the local system is not running');
    return system;
  };

  beforeAll(() => {
    dataDir = makeDataDir();
  });

  afterAll(async () => {
    await system?.close();
    if (dataDir) removeDataDir(dataDir);
  });

  describe('started from an empty state with its schedules on', () => {
    let startedAt = 0;

    beforeAll(async () => {
      startedAt = Date.now();
      // Ingest on its own: no acknowledgements leave, so Amazon moves no PO on while the test
      // compares two pulls (acknowledgements have their own tests).
      system = await startE2eSystem(dataDir, {
        speed: SPEED,
        poGeneration: PO_GENERATION,
        automation: { purchaseOrders: 'off', shipments: 'off' },
      });
    });

    it('shows at least 100 purchase orders within 60 s of starting from an empty state', async () => {
      // Prepare
      const sys = running();

      // Act
      let rows: PurchaseOrderRow[] = [];
      while (Date.now() - startedAt < 60_000) {
        rows = await listAllPurchaseOrders(sys.url);
        if (rows.length >= 100) break;
        await sleep(500);
      }
      const shownAfterMs = Date.now() - startedAt;

      // Assess
      expect(rows.length).toBeGreaterThanOrEqual(100);
      expect(shownAfterMs).toBeLessThanOrEqual(60_000);
      // Only the scheduler invoked the ingest function: every PullPurchaseOrders invocation is a run
      // of its schedule, and each one succeeded.
      const ingest = await settledIngest(sys);
      expect(ingest.schedule.runs).toBeGreaterThanOrEqual(1);
      expect(ingest.invocations).toHaveLength(ingest.schedule.runs);
      expect(ingest.invocations.every((i) => i.ok)).toBe(true);
      // The table holds exactly the POs those runs say they created, and the API lists all of them.
      const created = ingest.invocations.reduce(
        (sum, i) => sum + (ingest.summaries.get(i.requestId)?.created ?? 0),
        0,
      );
      expect(ingest.items).toHaveLength(created);
      expect(created).toBe(sys.sandbox.purchaseOrders().length);
      expect(await listAllPurchaseOrders(sys.url)).toHaveLength(created);
      // The pull read Amazon page by page.
      const pagedRequests = sys.sandbox
        .requestLog()
        .filter((r) => isGetPurchaseOrders(r) && r.query.nextToken !== undefined);
      expect(pagedRequests.length).toBeGreaterThanOrEqual(1);
      expect(pagedRequests.every((r) => r.status === 200)).toBe(true);
    });

    it('a second pull of the same window changes no item', async () => {
      // Prepare: the scheduled pulls are done, and the next one is not due while the second pull runs.
      const sys = running();
      await settledIngest(sys);
      await vi.waitFor(
        () => {
          const schedule = pullSchedule(sys);
          const untilNextMs = Date.parse(schedule.nextFireAt ?? '') - sys.runtime.clock.now().getTime();
          if (schedule.running || !(untilNextMs >= 8 * 60_000)) throw new Error('a scheduled pull is due');
        },
        { timeout: 30_000, interval: 100 },
      );
      const rowsBefore = await listAllPurchaseOrders(sys.url);
      const versionsBefore = new Map(rowsBefore.map((r) => [r.purchaseOrderNumber, r.version]));
      const eventsBefore = new Set(sys.runtime.publishedEvents().map((p) => p.event.id));
      const requestsBefore = sys.sandbox.requestLog();
      const firstPullEnd = latestWindowEnd(requestsBefore.filter(isGetPurchaseOrders));

      // Act: what `npm run backfill -- --days 7` sends
      const { functionError, result } = await invokeThroughLambdaApi(sys.url, PULL, { backfillDays: 7 });

      // Assess
      expect(functionError).toBeUndefined();
      const summary = pullSummarySchema.parse(result);
      const backfillRequests = sys.sandbox
        .requestLog()
        .slice(requestsBefore.length)
        .filter(isGetPurchaseOrders);
      // The same window: the second pull searched from before the oldest stored PO...
      const searchedFrom = backfillRequests
        .flatMap((r) => [r.query.createdAfter, r.query.changedAfter])
        .filter((v): v is string => v !== undefined)
        .map((v) => new Date(v).toISOString())
        .sort()[0];
      const oldestPo = rowsBefore.map((r) => r.purchaseOrderDate).sort()[0];
      expect(Date.parse(searchedFrom ?? '')).toBeLessThanOrEqual(Date.parse(oldestPo ?? ''));
      // ...up to now. Amazon itself changes some POs hours after creating them: only a PO Amazon changed
      // after the first pull's window may be rewritten, by this pull or by a scheduled one that ran
      // meanwhile on a slow machine (usually none is).
      const changedByAmazonSinceFirstPull = new Set(
        sys.sandbox
          .purchaseOrders()
          .filter((po) => purchaseOrderVersion(po) > firstPullEnd)
          .map((po) => po.purchaseOrderNumber),
      );
      expect(summary).toMatchObject({ created: 0, incomplete: false });
      expect(summary.seen).toBeGreaterThanOrEqual(rowsBefore.length);
      const versionsAfter = new Map(
        (await listAllPurchaseOrders(sys.url)).map((r) => [r.purchaseOrderNumber, r.version]),
      );
      expect([...versionsAfter.keys()].sort()).toEqual([...versionsBefore.keys()].sort());
      const rewritten = [...versionsBefore]
        .filter(([po, version]) => versionsAfter.get(po) !== version)
        .map(([po]) => po)
        .sort();
      expect(rewritten.filter((po) => !changedByAmazonSinceFirstPull.has(po))).toEqual([]);
      expect(summary.updated).toBeLessThanOrEqual(rewritten.length);
      const newEvents = sys.runtime.publishedEvents().filter((p) => !eventsBefore.has(p.event.id));
      expect(newEvents.filter((p) => p.event['detail-type'] === DETAIL_TYPE.purchaseOrderReceived)).toEqual(
        [],
      );
      // Each rewrite is announced exactly once.
      expect(
        newEvents
          .filter((p) => p.event['detail-type'] === DETAIL_TYPE.purchaseOrderChanged)
          .map((p) => (p.event.detail as { purchaseOrderNumber?: string }).purchaseOrderNumber)
          .sort(),
      ).toEqual(rewritten);
    });

    it('answers GET /api/health with status ok and the clock', async () => {
      // Prepare
      const sys = running();
      const clockBefore = sys.runtime.clock.now().getTime();

      // Act
      const res = await getJson(`${sys.url}/api/health`);

      // Assess
      const clockAfter = sys.runtime.clock.now().getTime();
      expect(res.status).toBe(200);
      const body = z.looseObject({ status: z.string(), clock: z.string() }).parse(res.body);
      expect(body.status).toBe('ok');
      expect(Date.parse(body.clock)).toBeGreaterThanOrEqual(clockBefore);
      expect(Date.parse(body.clock)).toBeLessThanOrEqual(clockAfter);
    });

    it('answers an unknown route with a JSON 404', async () => {
      // Prepare
      const sys = running();

      // Act
      const res = await getJson(`${sys.url}/api/no-such-route`);

      // Assess
      expect(res.status).toBe(404);
      expect(res.contentType).toMatch(/^application\/json/);
      const body = errorBodySchema.parse(res.body);
      expect(body.error).toBe('NotFound');
      expect(body.message).toContain('/api/no-such-route');
    });

    it('rejects a purchase-order limit that is not a number with a 400 naming the field', async () => {
      // Prepare
      const sys = running();

      // Act
      const res = await getJson(`${sys.url}/api/purchase-orders?limit=abc`);

      // Assess
      expect(res.status).toBe(400);
      const body = errorBodySchema.parse(res.body);
      expect(body.error).toBe('ValidationError');
      expect(body.issues?.map((i) => i.path)).toContain('limit');
    });

    it.each([
      ['that is not one of its tokens', 'forged-token'],
      ['whose content has the wrong shape', Buffer.from('["ACMEDE"]').toString('base64url')],
    ])('rejects a nextToken %s with a 400', async (_, nextToken) => {
      // Prepare
      const sys = running();

      // Act
      const res = await getJson(`${sys.url}/api/purchase-orders?${new URLSearchParams({ nextToken })}`);

      // Assess
      expect(res.status).toBe(400);
      const body = errorBodySchema.parse(res.body);
      expect(body.error).toBe('ValidationError');
      expect(body.issues?.map((i) => i.path)).toContain('nextToken');
    });
  });

  describe('restarted on the same data directory with its schedules off', () => {
    let listedBeforeRestart: string[] = [];

    beforeAll(async () => {
      const first = running();
      listedBeforeRestart = (await listAllPurchaseOrders(first.url)).map((r) => r.purchaseOrderNumber).sort();
      system = undefined;
      await first.close();
      system = await startE2eSystem(dataDir, { speed: SPEED, poGeneration: PO_GENERATION, schedules: false });
    });

    it('keeps the data: the purchase orders are still listed', async () => {
      // Prepare
      const sys = running();

      // Act
      const listed = await listAllPurchaseOrders(sys.url);

      // Assess
      expect(listedBeforeRestart.length).toBeGreaterThanOrEqual(100);
      expect(listed.map((r) => r.purchaseOrderNumber).sort()).toEqual(listedBeforeRestart);
      // Read from disk, not pulled again: no ingest function has run since the restart.
      expect(sys.runtime.invocations().filter((i) => i.functionId === PULL)).toEqual([]);
      expect(sys.runtime.schedules.status().filter((s) => s.runs > 0)).toEqual([]);
    });

    it('rotates the LWA client secret end to end and keeps pulling with the new one', async () => {
      // Prepare
      const sys = running();
      const old = await readSpApiCredentialsSecret(sys);
      expect(old.clientSecret).toBe(sys.sandbox.credentials().clientSecret);

      // Act: Amazon announces the expiry; the rest is the system's own doing.
      await sys.sandbox.announceClientSecretExpiry();
      const rotated = await vi.waitFor(
        async () => {
          const secret = await readSpApiCredentialsSecret(sys);
          const handled = sys.runtime
            .invocations()
            .filter((i) => i.functionId === 'HandleCredentialNotification');
          if (secret.clientSecret === old.clientSecret || handled.length < 2) {
            throw new Error('the new secret is not stored yet');
          }
          return { secret, handled };
        },
        { timeout: 30_000, interval: 200 },
      );
      const pull = await invokeThroughLambdaApi(sys.url, PULL, {});

      // Assess
      // expiry notice → rotateApplicationClientSecret → new-secret notice → Secrets Manager
      expect(rotated.handled.map((i) => i.ok)).toEqual([true, true]);
      expect(sys.sandbox.requestLog().filter((r) => r.operation === 'rotateApplicationClientSecret')).toEqual(
        [expect.objectContaining({ status: 204 })],
      );
      expect(rotated.secret.clientSecret).toBe(sys.sandbox.credentials().clientSecret);
      expect(rotated.secret.clientSecret).not.toBe(old.clientSecret);
      expect(rotated.secret.previousClientSecretExpiresAt).toBeDefined();
      expect(
        sys.runtime
          .publishedEvents()
          .filter((p) => p.event['detail-type'] === DETAIL_TYPE.spApiCredentialRotated),
      ).toHaveLength(1);
      // A pull in a fresh container (which reads the new secret) still works.
      expect(pull.functionError).toBeUndefined();
      expect(pullSummarySchema.parse(pull.result).incomplete).toBe(false);
      expect(sys.runtime.invocations().filter((i) => i.functionId === PULL)).toEqual([
        expect.objectContaining({ ok: true, coldStart: true }),
      ]);
    });
  });
});
