import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_KEYS } from '#infra/stacks/stateful-stack.ts';
import { type Emulators, startEmulators } from '#local/runtime/emulators.ts';
import { ensureTable } from '#local/runtime/resources.ts';
import { DynamoDbAuditLog } from '#shared/aws/dynamodb-audit.ts';
import { batchWriteItems } from '#shared/aws/dynamodb-query.ts';
import type { AuditEvent } from '#shared/domain/audit.ts';

const TABLE = 'acorn-audit-search';
const DAY = '2026-03-01';
/** A busy day: more outbox events than one filtered read examines, and a few switches among them. */
const BUSY = 1_300;
const SWITCHES_AT = [40, 700, 1_250];

function eventAt(n: number): AuditEvent {
  const at = new Date(Date.parse(`${DAY}T00:00:00.000Z`) + n * 60_000).toISOString();
  const switched = SWITCHES_AT.includes(n);
  return {
    id: `e${String(n).padStart(5, '0')}`,
    at,
    actor: switched ? { type: 'person', id: 'admin-1', name: 'Ada' } : { type: 'system', id: 'outbox' },
    action: switched ? 'automation.switched' : 'outbox.sent',
    entity: switched
      ? { type: 'AutomationModule', id: 'notifications' }
      : { type: 'PurchaseOrder', id: `PO${n}` },
    reason: switched ? 'Switched notifications from live to off' : 'acct-eu accepted submitAcknowledgement',
    module: switched ? 'notifications' : 'purchaseOrders',
  };
}

describe('audit search over a busy day (DynamoDB emulator)', () => {
  let dataDir: string;
  let emulators: Emulators;
  let client: DynamoDBClient;
  let log: DynamoDbAuditLog;
  const window = { from: `${DAY}T00:00:00.000Z`, to: `${DAY}T23:59:59.999Z` };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'acorn-audit-search-'));
    emulators = await startEmulators({ dataDir });
    client = new DynamoDBClient({
      endpoint: emulators.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    // The stateful stack's table, from the key schema the stack declares.
    await ensureTable(TABLE, TABLE_KEYS, { dynamodb: client, log: () => {} });
    log = new DynamoDbAuditLog({ client, tableName: TABLE });
    // The items exactly as the log writes them, captured from a mocked client, then written in batches.
    const recorderClient = new DynamoDBClient({ region: 'us-east-1' });
    const capture = mockClient(recorderClient);
    capture.on(PutItemCommand).resolves({});
    const recorder = new DynamoDbAuditLog({ client: recorderClient, tableName: TABLE });
    for (let n = 0; n < BUSY; n++) await recorder.record(eventAt(n));
    const items = capture.commandCalls(PutItemCommand).map((c) => c.args[0].input.Item!);
    capture.restore();
    await batchWriteItems(client, TABLE, items);
  }, 120_000);

  afterAll(async () => {
    client?.destroy();
    await emulators?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds an action buried under a day of other events, newest first, and pages on without repeats', async () => {
    // Act
    const first = await log.search({ ...window, action: 'automation.switched', limit: 2 });
    const second = await log.search({
      ...window,
      action: 'automation.switched',
      limit: 2,
      cursor: first.cursor!,
    });
    // Assess
    expect(first.items.map((e) => e.id)).toEqual(['e01250', 'e00700']);
    expect(first.cursor).toBeDefined();
    expect(second.items.map((e) => e.id)).toEqual(['e00040']);
  });

  it('returns a filtered page that holds every match when they fit', async () => {
    const page = await log.search({ ...window, action: 'automation.switched', limit: 50 });
    expect(page.items.map((e) => e.id)).toEqual(['e01250', 'e00700', 'e00040']);
  });

  it('pages the unfiltered day through every event exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await log.search({ ...window, limit: 200, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((e) => e.id));
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toHaveLength(BUSY);
    expect(new Set(seen).size).toBe(BUSY);
    expect(seen[0]).toBe(eventAt(BUSY - 1).id);
  });

  it('finds the switches by entity and by actor as well', async () => {
    const byEntity = await log.search({
      ...window,
      entity: { type: 'AutomationModule', id: 'notifications' },
      limit: 10,
    });
    const byActor = await log.search({ ...window, actorId: 'admin-1', limit: 10 });
    expect(byEntity.items.map((e) => e.id)).toEqual(['e01250', 'e00700', 'e00040']);
    expect(byActor.items.map((e) => e.id)).toEqual(['e01250', 'e00700', 'e00040']);
  });
});
