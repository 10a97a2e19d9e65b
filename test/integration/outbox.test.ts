import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_KEYS } from '#infra/stacks/stateful-stack.ts';
import { type Emulators, startEmulators } from '#local/runtime/emulators.ts';
import { ensureTable } from '#local/runtime/resources.ts';
import { DynamoDbAuditLog } from '#shared/aws/dynamodb-audit.ts';
import { DynamoDbOutboxStore } from '#shared/aws/dynamodb-outbox.ts';
import { S3Archive } from '#shared/aws/s3-archive.ts';
import { ManualClock } from '#shared/clock.ts';
import type { AutomationMode } from '#shared/config/runtime.ts';
import type { OutboxState } from '#shared/domain/outbox.ts';
import { makeAuditTrail } from '#shared/use-cases/outbox/audit-trail.ts';
import { makeOutbox, type Outbox } from '#shared/use-cases/outbox/outbox.ts';
import type { OutboxStore, Resolution, SendRequest } from '#shared/use-cases/outbox/ports.ts';

const TABLE = 'acorn';
const BUCKET = 'acorn-archive';
const LEASE_MS = 5 * 60_000;

/** Thrown by the test to stop a "worker" between Amazon's answer and the write that records it. */
class WorkerKilled extends Error {}

/** The real store, except that the transition into `state` kills the worker once. */
function dyingBefore(store: OutboxStore, state: OutboxState): OutboxStore {
  let armed = true;
  return {
    create: (m) => store.create(m),
    get: (k) => store.get(k),
    markRecorded: (k, r) => store.markRecorded(k, r),
    listByState: (s, o) => store.listByState(s, o),
    listBySubject: (s, o) => store.listBySubject(s, o),
    transition: async (expected, next) => {
      if (armed && next.state === state) {
        armed = false;
        throw new WorkerKilled(`worker killed before recording ${state}`);
      }
      return store.transition(expected, next);
    },
  };
}

describe('the outbox against local DynamoDB and S3', () => {
  let emulators: Emulators;
  let dataDir: string;
  let s3: S3Client;
  const clients: DynamoDBClient[] = [];
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');
  const sends: SendRequest[] = [];
  let resolution: Resolution = { outcome: 'undetermined', note: 'unset' };
  let mode: AutomationMode = 'live';

  /** A fresh worker: its own DynamoDB client, as a separate Lambda would have. */
  function worker(wrap: (store: OutboxStore) => OutboxStore = (s) => s): Outbox {
    const client = new DynamoDBClient({
      endpoint: emulators.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    clients.push(client);
    const archive = new S3Archive({ client: s3, bucketName: BUCKET });
    return makeOutbox({
      store: wrap(new DynamoDbOutboxStore({ client, tableName: TABLE })),
      archive,
      audit: makeAuditTrail({ log: new DynamoDbAuditLog({ client, tableName: TABLE }), archive }),
      clock,
      modeOf: () => mode,
      senders: {
        submitAcknowledgement: {
          async send(request) {
            sends.push(request);
            // Long enough for the other workers to meet the claim.
            await new Promise((r) => setTimeout(r, 25));
            return { transactionId: `tx-${sends.length}` };
          },
        },
      },
      resolvers: { submitAcknowledgement: { resolve: async () => resolution } },
      leaseMs: LEASE_MS,
    });
  }

  const request = (po: string) => ({
    key: `ack#${po}#1`,
    module: 'purchaseOrders' as const,
    operation: 'submitAcknowledgement',
    target: 'acct-eu',
    subject: { type: 'PurchaseOrder', id: po },
    payload: { acknowledgements: [{ purchaseOrderNumber: po, note: 'é "quoted"' }] },
    actor: { type: 'rule' as const, id: 'ack-rules' },
  });

  async function readObject(key: string): Promise<string> {
    const res = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return (await res.Body?.transformToString('utf-8')) ?? '';
  }

  async function auditActions(po: string): Promise<string[]> {
    const log = new DynamoDbAuditLog({ client: clients[0]!, tableName: TABLE });
    const page = await log.byEntity({ type: 'PurchaseOrder', id: po }, { limit: 100, order: 'oldest-first' });
    return page.items.map((e) => e.action);
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'acorn-outbox-'));
    emulators = await startEmulators({ dataDir });
    emulators.fauxqs.setup({ buckets: [BUCKET] });
    s3 = new S3Client({
      endpoint: emulators.endpoints.s3,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      forcePathStyle: true,
    });
    const admin = new DynamoDBClient({
      endpoint: emulators.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    clients.push(admin);
    // The stateful stack's table, from the key schema the stack declares.
    await ensureTable(TABLE, TABLE_KEYS, { dynamodb: admin, log: () => {} });
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    s3?.destroy();
    await emulators?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores one message however often the same key is enqueued', async () => {
    // Act: twice in a row, then five workers at once
    const first = await worker().enqueue(request('PO-ONCE'));
    const again = await worker().enqueue(request('PO-ONCE'));
    const racing = await Promise.all(Array.from({ length: 5 }, () => worker().enqueue(request('PO-ONCE'))));
    // Assess
    expect(first).toBe('enqueued');
    expect([again, ...racing]).toEqual(Array(6).fill('duplicate'));
    const items = await clients[0]!.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'OUTBOX#ack#PO-ONCE#1' } },
      }),
    );
    expect(items.Count).toBe(1);
    const bySubject = await worker().listBySubject({ type: 'PurchaseOrder', id: 'PO-ONCE' }, { limit: 10 });
    expect(bySubject.items.map((m) => m.key)).toEqual(['ack#PO-ONCE#1']);
    expect(await auditActions('PO-ONCE')).toEqual(['outbox.enqueued']);
  });

  it('sends exactly once when twenty workers dispatch the same message at once', async () => {
    // Prepare
    sends.length = 0;
    await worker().enqueue(request('PO-RACE'));
    // Act
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => worker().dispatch('ack#PO-RACE#1')));
    // Assess
    expect(sends).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'sent')).toHaveLength(1);
    expect(outcomes.every((o) => ['sent', 'in-flight', 'settled'].includes(o.kind))).toBe(true);
    const stored = await worker().get('ack#PO-RACE#1');
    expect(stored).toMatchObject({ state: 'sent', attempts: 1, result: { transactionId: 'tx-1' } });
    expect(await auditActions('PO-RACE')).toEqual(['outbox.enqueued', 'outbox.claimed', 'outbox.sent']);
    // The index follows the state: the message is listed as sent and no longer as pending.
    const sent = await worker().listByState('sent', { limit: 100 });
    const pending = await worker().listByState('pending', { limit: 100 });
    expect(sent.items.map((m) => m.key)).toContain('ack#PO-RACE#1');
    expect(pending.items.map((m) => m.key)).not.toContain('ack#PO-RACE#1');
    // The exact payload is archived with the outcome.
    const archived = JSON.parse(
      await readObject('documents/purchaseOrders/submitAcknowledgement/dt=2026-03-01/ack#PO-RACE#1.json'),
    );
    expect(archived).toMatchObject({ outcome: 'sent', payload: sends[0]?.payload });
  });

  it('after a worker dies between Amazon’s acceptance and its record, a restart resolves it with zero resends', async () => {
    // Prepare: the worker sends, Amazon accepts, the worker dies before writing `sent`
    sends.length = 0;
    await worker().enqueue(request('PO-CRASH'));
    await expect(worker((s) => dyingBefore(s, 'sent')).dispatch('ack#PO-CRASH#1')).rejects.toBeInstanceOf(
      WorkerKilled,
    );
    expect(sends).toHaveLength(1);
    expect((await worker().get('ack#PO-CRASH#1'))?.state).toBe('sending');
    // Within the lease nobody touches it.
    expect((await worker().dispatch('ack#PO-CRASH#1')).kind).toBe('in-flight');
    // Act: the lease runs out; a restarted worker picks the message up; Amazon shows the PO acknowledged
    clock.advance(LEASE_MS);
    resolution = {
      outcome: 'applied',
      note: 'PO lines show as acknowledged',
      result: { transactionId: 'tx-1' },
    };
    const outcome = await worker().dispatch('ack#PO-CRASH#1');
    const later = await worker().dispatch('ack#PO-CRASH#1');
    // Assess
    expect(outcome.kind).toBe('sent');
    expect(later.kind).toBe('settled');
    expect(sends).toHaveLength(1);
    expect(outcome.message).toMatchObject({
      state: 'sent',
      resolution: 'applied: PO lines show as acknowledged',
      recordedRevision: 3,
    });
    expect(await auditActions('PO-CRASH')).toEqual([
      'outbox.enqueued',
      'outbox.claimed',
      'outbox.unknown',
      'outbox.resolved',
    ]);
    const audited = await s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'audit/dt=2026-03-01/' }),
    );
    expect(audited.Contents?.filter((o) => o.Key?.includes('ack#PO-CRASH#1'))).toHaveLength(4);
  });

  it('simulates with the same bytes live sends, sending nothing', async () => {
    sends.length = 0;
    mode = 'simulate';
    await worker().enqueue(request('PO-SIM'));
    const simulated = await worker().dispatch('ack#PO-SIM#1');
    mode = 'live';
    await worker().enqueue({ ...request('PO-SIM'), key: 'ack#PO-SIM#live' });
    await worker().dispatch('ack#PO-SIM#live');
    expect(simulated.kind).toBe('simulated');
    expect(sends.map((s) => s.key)).toEqual(['ack#PO-SIM#live']);
    const archived = JSON.parse(
      await readObject(
        `documents/purchaseOrders/submitAcknowledgement/dt=${clock.now().toISOString().slice(0, 10)}/ack#PO-SIM#1.json`,
      ),
    );
    expect(archived.outcome).toBe('simulated');
    expect(archived.payload).toBe(sends[0]?.payload);
  });
});
