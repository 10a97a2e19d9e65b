import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_KEYS } from '#infra/stacks/stateful-stack.ts';
import { type Emulators, startEmulators } from '#local/runtime/emulators.ts';
import { ensureTable } from '#local/runtime/resources.ts';
import { invoiceOf } from '#shared/aws/dynamodb-invoices.ts';
import { DynamoDbNumberSeries } from '#shared/aws/dynamodb-number-series.ts';
import { gapsOf } from '#shared/domain/invoices/numbering.ts';

const run = promisify(execFile);
const PROCESSES = 4;
const REQUESTS = 1_000;
/** 800 POs for 1,000 requests: 200 requests race another for the same PO. */
const DISTINCT_POS = 800;
/** Every tenth request fails right after its number was reserved. */
const FAIL_EVERY = 10;

describe(`invoice numbers under ${PROCESSES} OS processes`, () => {
  let emulators: Emulators;
  let dataDir: string;
  let ddb: DynamoDBClient;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'acorn-numbers-'));
    emulators = await startEmulators({ dataDir });
    ddb = new DynamoDBClient({
      endpoint: emulators.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    // The stateful stack's table, from the key schema the stack declares.
    await ensureTable('numbers', TABLE_KEYS, { dynamodb: ddb, log: () => {} });
  });

  afterAll(async () => {
    ddb?.destroy();
    await emulators?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives distinct consecutive numbers, voids the failed ones and submits each invoice once', async () => {
    // Prepare
    const env = {
      ...process.env,
      ...emulators.env,
      DYNAMODB_ENDPOINT: emulators.endpoints.dynamodb,
      TABLE_NAME: 'numbers',
      WORKERS: String(PROCESSES),
      REQUESTS: String(REQUESTS),
      DISTINCT_POS: String(DISTINCT_POS),
      FAIL_EVERY: String(FAIL_EVERY),
      START_AT: String(Date.now() + 3_000),
    };

    // Act: four OS processes, sharing only the table
    const outputs = await Promise.all(
      Array.from({ length: PROCESSES }, (_, worker) =>
        run(process.execPath, ['--import', 'tsx', 'test/support/invoice-number-worker.ts'], {
          env: { ...env, WORKER: String(worker) },
          timeout: 280_000,
          maxBuffer: 16 * 1024 * 1024,
        }),
      ),
    );

    // Assess
    const outcomes = outputs.flatMap(
      (o) =>
        (
          JSON.parse(o.stdout.trim().split('\n').at(-1) ?? '{}') as {
            outcomes: { request: number; po: string; outcome: string; invoiceNumber?: string }[];
          }
        ).outcomes,
    );
    expect(outcomes).toHaveLength(REQUESTS);
    const items = [];
    for await (const page of paginateScan({ client: ddb }, { TableName: 'numbers' }))
      items.push(...(page.Items ?? []));

    const slots = await new DynamoDbNumberSeries({ client: ddb, tableName: 'numbers' }).list(
      { legalEntity: 'ACMEREMIT', series: 'INV' },
      { limit: 5_000 },
    );
    const sequences = slots.map((s) => s.sequence);
    expect(sequences).toEqual(Array.from({ length: slots.length }, (_, i) => i + 1)); // consecutive from 1
    expect(gapsOf(slots)).toEqual([]);
    expect(new Set(slots.map((s) => s.invoiceNumber)).size).toBe(slots.length); // distinct
    expect(slots.filter((s) => s.state === 'reserved')).toEqual([]); // every number explained

    const invoices = items.filter((i) => i.type?.S === 'Invoice').map(invoiceOf);
    const issued = slots.filter((s) => s.state === 'issued');
    const voided = slots.filter((s) => s.state === 'void');
    expect(invoices.map((i) => i.invoiceNumber).sort()).toEqual(issued.map((s) => s.invoiceNumber).sort());
    expect(voided.every((s) => (s.reason ?? '').length > 0)).toBe(true);

    // Every injected failure reserved a number, then voided it with its reason.
    const injected = outcomes.filter(
      (o) => o.request % FAIL_EVERY === FAIL_EVERY - 1 && o.outcome !== 'NothingToInvoiceError',
    );
    expect(injected.length).toBeGreaterThanOrEqual(REQUESTS / FAIL_EVERY / 2);
    expect(voided.filter((s) => s.reason?.includes('injected failure after reservation'))).toHaveLength(
      injected.length,
    );

    // No PO billed twice, no invoice submitted twice.
    const billed = invoices.flatMap((i) => i.purchaseOrderNumbers);
    expect(new Set(billed).size).toBe(billed.length);
    expect(billed.length).toBeGreaterThanOrEqual(DISTINCT_POS * 0.85);
    const messages = items.filter((i) => i.pk?.S?.startsWith('OUTBOX#') && i.sk?.S === 'OUTBOX');
    const messageKeys = messages.map((m) => m.pk?.S);
    expect(new Set(messageKeys).size).toBe(messages.length);
    expect(messages).toHaveLength(invoices.length);
    expect(invoices.every((i) => i.state === 'simulated')).toBe(true);
    console.log(
      `numbering: ${PROCESSES} processes, ${REQUESTS} requests → ${issued.length} invoices, ${voided.length} void numbers (${injected.length} injected failures), 0 gaps, 0 duplicates`,
    );
  }, 300_000);
});
