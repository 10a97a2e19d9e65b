import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AmazonSandbox,
  DEFAULT_SANDBOX_CREDENTIALS,
  startAmazonSandbox,
} from '#local/amazon-sandbox/index.ts';
import { type Emulators, startEmulators } from '#local/runtime/emulators.ts';
import { systemClock } from '#shared/clock.ts';
import { USAGE_PLANS } from '#shared/sp-api/operations.ts';

const run = promisify(execFile);
const PROCESSES = 4;
const DURATION_MS = 8_000;
/** The first second is the burst Amazon's bucket allows on top of the rate; the rate is judged after it. */
const BURST_MS = 1_500;

describe('one SP-API rate limit shared by several OS processes', () => {
  let emulators: Emulators;
  let sandbox: AmazonSandbox;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'acorn-limit-'));
    emulators = await startEmulators({ dataDir });
    const ddb = new DynamoDBClient({
      endpoint: emulators.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    await ddb.send(
      new CreateTableCommand({
        TableName: 'limits',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    ddb.destroy();
    sandbox = await startAmazonSandbox({ clock: systemClock, rateLimits: true });
  });

  afterAll(async () => {
    await sandbox?.close();
    await emulators?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`keeps ${PROCESSES} processes at ≥ 80 % of Amazon's rate with zero 429s`, async () => {
    // Prepare
    const startAt = Date.now() + 3_000; // time for every process to boot before the race starts
    const stopAt = startAt + DURATION_MS;
    const env = {
      ...process.env,
      ...emulators.env,
      SANDBOX_URL: sandbox.url,
      DYNAMODB_ENDPOINT: emulators.endpoints.dynamodb,
      TABLE_NAME: 'limits',
      RATE_LIMIT_FRACTION: '0.85',
      START_AT: String(startAt),
      STOP_AT: String(stopAt),
      LWA_CLIENT_ID: DEFAULT_SANDBOX_CREDENTIALS.clientId,
      LWA_CLIENT_SECRET: DEFAULT_SANDBOX_CREDENTIALS.clientSecret,
      LWA_REFRESH_TOKEN: DEFAULT_SANDBOX_CREDENTIALS.refreshTokens[0] ?? '',
    };

    // Act: four separate OS processes, sharing only the limiter's DynamoDB table
    const outputs = await Promise.all(
      Array.from({ length: PROCESSES }, () =>
        run(process.execPath, ['--import', 'tsx', 'test/support/rate-limit-worker.ts'], {
          env,
          timeout: 60_000,
        }),
      ),
    );

    // Assess
    const results = outputs.map(
      (o) =>
        JSON.parse(o.stdout.trim().split('\n').at(-1) ?? '{}') as {
          ok: number;
          attempts: { status: number; at: number }[];
        },
    );
    const log = sandbox.requestLog().filter((r) => r.operation === 'getPurchaseOrders');
    if (sandbox.stats().throttled > 0) {
      const t0 = Date.parse(log[0]?.time ?? '');
      console.log(log.map((r) => `${Date.parse(r.time) - t0} ${r.status}`).join('\n'));
    }
    expect(sandbox.stats().throttled, 'the sandbox answered 429').toBe(0);
    expect(log.every((r) => r.status === 200)).toBe(true);
    expect(
      results.every((r) => r.ok > 0),
      'every process got its share',
    ).toBe(true);

    const steady = results
      .flatMap((r) => r.attempts)
      .filter((a) => a.status === 200 && a.at >= startAt + BURST_MS && a.at < stopAt);
    const rate = steady.length / ((DURATION_MS - BURST_MS) / 1000);
    const documented = USAGE_PLANS.getPurchaseOrders.rate;
    console.log(
      `shared limiter: ${PROCESSES} processes, ${rate.toFixed(2)} req/s sustained (documented ${documented}/s), 0 × 429`,
    );
    expect(rate).toBeGreaterThanOrEqual(0.8 * documented);
    expect(rate).toBeLessThanOrEqual(documented);
  });
});
