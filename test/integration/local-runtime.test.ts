import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FunctionInvocationError } from '#local/runtime/errors.ts';
import type { RuntimeLogLine } from '#local/runtime/log.ts';
import { type LocalRuntime, startLocalRuntime } from '#local/runtime/runtime.ts';
import type { WiringManifest } from '#shared/wiring.ts';

const FIXTURES = 'test/support/local-runtime-fixtures';
const VIRTUAL_START = Date.parse('2026-01-01T00:00:00Z');
/** One clock hour per real second: the fixture workflow's one-hour Wait takes a second. */
const SPEED = 3600;

const manifest: WiringManifest = {
  version: 1,
  resources: [
    {
      kind: 'table',
      id: 'Table',
      partitionKey: 'pk',
      sortKey: 'sk',
      globalIndexes: [{ name: 'byKind', partitionKey: 'kind', sortKey: 'pk' }],
    },
    { kind: 'bucket', id: 'Inbox', objectLock: false },
    { kind: 'queue', id: 'WorkDlq', fifo: false, visibilityTimeoutSeconds: 30 },
    {
      kind: 'queue',
      id: 'Work',
      fifo: false,
      visibilityTimeoutSeconds: 1,
      deadLetterQueue: 'WorkDlq',
      maxReceiveCount: 1,
    },
    { kind: 'bus', id: 'Bus' },
    {
      kind: 'secret',
      id: 'ApiCredentials',
      localValue: { clientId: 'local-client', clientSecret: 'local-secret' },
    },
    { kind: 'stateMachine', id: 'Approval', definitionFile: `${FIXTURES}/approval.asl.json` },
  ],
  functions: [
    {
      id: 'ScheduledWriter',
      entry: `${FIXTURES}/scheduled-writer.ts`,
      handler: 'handler',
      timeoutSeconds: 10,
      environment: {
        TABLE_NAME: { resource: 'Table' },
        EVENT_BUS_NAME: { resource: 'Bus' },
        FIXTURE_MARKER: { literal: 'writer' },
        ONLY_IN_WRITER: { literal: 'yes' },
      },
      triggers: [
        {
          type: 'schedule',
          id: 'WriterSchedule',
          expression: 'rate(7 days)',
          input: { reason: 'scheduled' },
        },
      ],
    },
    {
      id: 'RuleConsumer',
      entry: `${FIXTURES}/rule-consumer.ts`,
      handler: 'handler',
      timeoutSeconds: 10,
      environment: { TABLE_NAME: { resource: 'Table' }, FIXTURE_MARKER: { literal: 'consumer' } },
      triggers: [
        {
          type: 'rule',
          id: 'ItemWrittenRule',
          bus: 'Bus',
          pattern: {
            source: ['acorn.test'],
            'detail-type': ['ItemWritten'],
            detail: { count: [{ numeric: ['>', 0] }] },
          },
        },
        {
          type: 'rule',
          id: 'ExecutionFailedRule',
          bus: 'default',
          pattern: {
            source: ['aws.states'],
            'detail-type': ['Step Functions Execution Status Change'],
            detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'] },
          },
        },
      ],
    },
    {
      id: 'QueueConsumer',
      entry: `${FIXTURES}/queue-consumer.ts`,
      handler: 'handler',
      timeoutSeconds: 10,
      environment: { TABLE_NAME: { resource: 'Table' } },
      triggers: [{ type: 'queue', queue: 'Work', batchSize: 10, reportBatchItemFailures: true }],
    },
    {
      id: 'InboxHandler',
      entry: `${FIXTURES}/inbox-handler.ts`,
      handler: 'handler',
      timeoutSeconds: 10,
      environment: { TABLE_NAME: { resource: 'Table' } },
      triggers: [{ type: 'inbox', bucket: 'Inbox', prefix: 'returns/' }],
    },
    {
      id: 'Api',
      entry: `${FIXTURES}/api.ts`,
      handler: 'handler',
      timeoutSeconds: 10,
      environment: {
        TABLE_NAME: { resource: 'Table' },
        QUEUE_URL: { resource: 'Work' },
        SECRET_ID: { resource: 'ApiCredentials' },
        FIXTURE_MARKER: { literal: 'api' },
      },
      triggers: [
        { type: 'http', method: 'GET', path: '/items/{id}' },
        { type: 'http', method: 'POST', path: '/messages' },
        { type: 'http', method: 'GET', path: '/env' },
        { type: 'http', method: 'GET', path: '/secret' },
        { type: 'http', method: 'ANY', path: '/echo/{proxy+}' },
      ],
    },
    {
      id: 'Slow',
      entry: `${FIXTURES}/slow.ts`,
      handler: 'handler',
      timeoutSeconds: 1,
      environment: {},
      triggers: [],
    },
    {
      id: 'Check',
      entry: `${FIXTURES}/workflow-steps.ts`,
      handler: 'check',
      timeoutSeconds: 10,
      environment: {},
      triggers: [],
    },
    {
      id: 'RequestApproval',
      entry: `${FIXTURES}/workflow-steps.ts`,
      handler: 'requestApproval',
      timeoutSeconds: 10,
      environment: {},
      triggers: [],
    },
  ],
};

/** Resource types that would keep the process alive (or leak) after close(). */
const LEAK_TYPES = ['TCPServerWrap', 'TCPSocketWrap', 'Timeout', 'MessagePort', 'FSReqCallback'];

function activeHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) {
    if (LEAK_TYPES.includes(type)) counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

describe('local runtime', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'acorn-local-runtime-'));
  const logs: RuntimeLogLine[] = [];
  let runtime: LocalRuntime;
  let baselineHandles: Record<string, number>;
  let clients: {
    ddb: DynamoDBClient;
    s3: S3Client;
    sqs: SQSClient;
    sfn: SFNClient;
    secrets: SecretsManagerClient;
  };

  const start = () =>
    startLocalRuntime({
      manifest,
      projectRoot: resolve('.'),
      dataDir,
      clock: { speed: SPEED, virtualStart: VIRTUAL_START },
      log: (line) => logs.push(line),
      functionConcurrency: { Api: 1 },
      scheduler: { firstFireDelayMs: 100 },
    });

  const makeClients = (r: LocalRuntime) => {
    const base = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
    return {
      ddb: new DynamoDBClient({ ...base, endpoint: r.endpoints.dynamodb }),
      s3: new S3Client({ ...base, endpoint: r.endpoints.s3, forcePathStyle: true }),
      sqs: new SQSClient({ ...base, endpoint: r.endpoints.sqs, useQueueUrlAsEndpoint: false }),
      sfn: new SFNClient({ ...base, endpoint: r.endpoints.sfn }),
      secrets: new SecretsManagerClient({ ...base, endpoint: r.endpoints.secretsmanager }),
    };
  };
  const destroyClients = () => {
    for (const client of Object.values(clients)) client.destroy();
  };

  const getItem = async (pk: string) =>
    (
      await clients.ddb.send(
        new GetItemCommand({
          TableName: runtime.physicalName('Table'),
          Key: { pk: { S: pk }, sk: { S: 'item' } },
        }),
      )
    ).Item;

  const httpJson = async (method: string, path: string, query?: string, body?: string) => {
    const response = await runtime.handleHttp(method, path, query, body, {
      'content-type': 'application/json',
    });
    return {
      status: response.statusCode,
      body: JSON.parse(String(response.body)) as Record<string, unknown>,
    };
  };

  beforeAll(async () => {
    baselineHandles = activeHandles();
    runtime = await start();
    clients = makeClients(runtime);
  });

  afterAll(async () => {
    destroyClients();
    await runtime?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts quickly with every endpoint on loopback', () => {
    expect(runtime.startupMs).toBeLessThan(5000);
    for (const url of Object.values(runtime.endpoints)) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('fires a schedule whose handler writes DynamoDB and publishes to the bus, and a rule delivers the event', async () => {
    const consumed = await vi.waitFor(
      async () => {
        const result = await clients.ddb.send(
          new QueryCommand({
            TableName: runtime.physicalName('Table'),
            IndexName: 'byKind',
            KeyConditionExpression: 'kind = :k',
            ExpressionAttributeValues: { ':k': { S: 'consumed' } },
          }),
        );
        expect(result.Items?.length).toBeGreaterThan(0);
        return result.Items![0]!;
      },
      { timeout: 20_000, interval: 100 },
    );

    const writtenPk = consumed.pk!.S!.replace('consumed#', 'written#');
    const written = await getItem(writtenPk);
    expect(written?.marker?.S).toBe('writer');
    expect(written?.reason?.S).toBe('scheduled');
    // The handler's clock is the runtime's accelerated clock, not the wall clock.
    expect(written?.at?.S?.startsWith('2026-01-01')).toBe(true);
    expect(consumed.marker?.S).toBe('consumer');
    expect(consumed.source?.S).toBe('acorn.test');
    const published = runtime.publishedEvents().find((p) => p.event['detail-type'] === 'ItemWritten');
    expect(published).toMatchObject({ busName: 'acorn-bus', matchedRules: ['ItemWrittenRule'] });
    expect(logs.some((l) => l.source === 'ScheduledWriter' && l.message === 'wrote item')).toBe(true);
  });

  it('runs a schedule on demand with fireNow', async () => {
    const outcome = await runtime.schedules.fireNow('WriterSchedule');

    expect(outcome.ok).toBe(true);
    expect(outcome.result).toMatchObject({ id: expect.stringMatching(/^run-/) });
    expect(runtime.schedules.status()[0]).toMatchObject({ id: 'WriterSchedule', expression: 'rate(7 days)' });
  });

  it('gives each function only its own environment, endpoints and the shared clock', async () => {
    const first = await httpJson('GET', '/env');
    const second = await httpJson('GET', '/env');

    expect(first.body).toMatchObject({
      marker: 'api',
      functionName: 'Api',
      seesWriterOnlyVariable: false,
      dynamodbEndpoint: runtime.endpoints.dynamodb,
      clock: runtime.clockEnv,
    });
    expect(runtime.functionEnv('ScheduledWriter').ONLY_IN_WRITER).toBe('yes');
    expect(runtime.functionEnv('Api').ONLY_IN_WRITER).toBeUndefined();
    // The warm worker is reused: module state survives between invocations.
    expect(second.body.invocations).toBe(Number(first.body.invocations) + 1);
    expect(second.body.threadId).toBe(first.body.threadId);
    // Nothing leaked into this process.
    expect(process.env.FIXTURE_MARKER).toBeUndefined();
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBeUndefined();
  });

  it('consumes a queue, deletes what succeeded and sends reported failures to the dead-letter queue', async () => {
    const queued = await httpJson('POST', '/messages', undefined, JSON.stringify(['m1', 'fail-1', 'm2']));
    const byName = await httpJson('POST', '/messages', 'resolve=by-name', JSON.stringify(['m3']));
    expect(queued).toEqual({ status: 202, body: { queued: 3, queueUrl: runtime.physicalName('Work') } });
    expect(byName).toMatchObject({
      status: 202,
      body: { queued: 1, queueUrl: expect.stringContaining('.localhost:') },
    });

    await vi.waitFor(
      async () => {
        expect(await getItem('message#m1')).toBeDefined();
        expect(await getItem('message#m2')).toBeDefined();
        expect(await getItem('message#m3')).toBeDefined();
      },
      { timeout: 15_000, interval: 100 },
    );
    const dead = await vi.waitFor(
      async () => {
        const received = await clients.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: runtime.physicalName('WorkDlq'), WaitTimeSeconds: 1 }),
        );
        expect(received.Messages?.length).toBe(1);
        return received.Messages![0]!;
      },
      { timeout: 15_000, interval: 100 },
    );

    expect(dead.Body).toBe('fail-1');
    expect(await getItem('message#fail-1')).toBeUndefined();
  });

  it('invokes the inbox handler for objects created under its prefix only', async () => {
    const bucket = runtime.physicalName('Inbox');
    await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'other/x.csv', Body: 'ignored' }));
    await clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'returns/r1.csv', Body: 'sku,qty\nA,1\n' }),
    );

    const item = await vi.waitFor(
      async () => {
        const found = await getItem('inbox#returns/r1.csv');
        expect(found).toBeDefined();
        return found!;
      },
      { timeout: 15_000, interval: 100 },
    );

    expect(item.body?.S).toBe('sku,qty\nA,1\n');
    expect(item.size?.N).toBe('12');
    expect(item.detailType?.S).toBe('Object Created');
    expect(await getItem('inbox#other/x.csv')).toBeUndefined();
    const s3Events = runtime.publishedEvents().filter((p) => p.event.source === 'aws.s3');
    expect(s3Events.map((p) => p.matchedRules.length)).toEqual([0, 1]);
  });

  it('serves HTTP routes as an API Gateway HTTP API', async () => {
    const echo = await runtime.handleHttp('PUT', '/echo/a/b', 'x=1&x=2', Buffer.from('hello'), {
      'content-type': 'text/plain',
      cookie: 'session=s1; theme=dark',
    });
    const missingItem = await httpJson('GET', '/items/nope');
    const noRoute = await runtime.handleHttp('GET', '/nowhere');

    expect(echo.statusCode).toBe(201);
    expect(echo.headers['x-echo']).toBe('yes');
    expect(echo.cookies).toEqual(['a=1']);
    expect(JSON.parse(String(echo.body))).toEqual({
      method: 'PUT',
      proxy: 'a/b',
      query: { x: '1,2' },
      cookies: ['session=s1', 'theme=dark'],
      body: 'hello',
      isBase64Encoded: false,
    });
    expect(missingItem).toEqual({ status: 404, body: { message: 'no such item' } });
    expect(noRoute.statusCode).toBe(404);
  });

  it('mounts the routes on a Node HTTP server and leaves other paths to it', async () => {
    const server = createServer((req, res) => {
      void runtime.httpListener(req, res).then((handled) => {
        if (!handled) res.writeHead(418).end('console');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const routed = await fetch(`${base}/echo/x?y=1`, { method: 'POST', body: 'hi' });
      const other = await fetch(`${base}/console`);

      expect(routed.status).toBe(201);
      expect(await routed.json()).toMatchObject({
        method: 'POST',
        proxy: 'x',
        query: { y: '1' },
        body: 'hi',
      });
      expect(other.status).toBe(418);
      await other.text();
    } finally {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    }
  });

  it('reads secrets seeded from the manifest and sees a rotated value', async () => {
    const seeded = await httpJson('GET', '/secret');
    await clients.secrets.send(
      new PutSecretValueCommand({
        SecretId: runtime.physicalName('ApiCredentials'),
        SecretString: JSON.stringify({ clientId: 'rotated-client', clientSecret: 'x' }),
      }),
    );
    const rotated = await httpJson('GET', '/secret');

    expect(seeded.body).toEqual({ clientId: 'local-client' });
    expect(rotated.body).toEqual({ clientId: 'rotated-client' });
  });

  it('kills an invocation that runs past its timeout', async () => {
    const started = Date.now();
    const error = await runtime.invoke('Slow', {}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FunctionInvocationError);
    expect((error as FunctionInvocationError).errorType).toBe('Sandbox.Timedout');
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('runs a state machine with a clock-time Wait and a task-token approval', async () => {
    const stateMachineArn = runtime.physicalName('Approval');
    const ok = await clients.sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ amount: 5 }) }),
    );
    const bad = await clients.sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ amount: -1 }) }),
    );

    const done = async (executionArn: string) =>
      vi.waitFor(
        async () => {
          const d = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
          expect(d.status).not.toBe('RUNNING');
          return d;
        },
        { timeout: 15_000, interval: 100 },
      );
    const succeeded = await done(ok.executionArn!);
    const failed = await done(bad.executionArn!);

    expect(succeeded.status).toBe('SUCCEEDED');
    expect(JSON.parse(succeeded.output ?? 'null')).toEqual({ approvedAmount: 5 });
    expect(failed).toMatchObject({ status: 'FAILED', error: 'Rejected' });

    // As on AWS, the failed execution is a "Step Functions Execution Status Change" on the default
    // bus, and a rule on it fires; the succeeded one publishes nothing a failure rule would match.
    const statusChanges = runtime
      .publishedEvents()
      .filter((p) => p.event['detail-type'] === 'Step Functions Execution Status Change');
    const ofFailed = statusChanges.find((p) => p.event.detail.executionArn === bad.executionArn);
    expect(ofFailed).toMatchObject({
      busName: 'default',
      matchedRules: ['ExecutionFailedRule'],
      event: {
        source: 'aws.states',
        resources: [bad.executionArn],
        detail: { status: 'FAILED', error: 'Rejected', stateMachineArn, name: failed.name },
      },
    });
    expect(statusChanges.some((p) => p.event.detail.executionArn === ok.executionArn)).toBe(false);
    await vi.waitFor(
      async () => expect((await getItem(`execution#${failed.name}`))?.status?.S).toBe('FAILED'),
      { timeout: 10_000, interval: 100 },
    );
  });

  it('keeps tables, objects, secrets and the clock across a restart, and closes cleanly', async () => {
    // An execution still in its Wait state when the runtime closes must not keep timers alive.
    const checks = () => runtime.invocations().filter((i) => i.functionId === 'Check').length;
    const checksBefore = checks();
    const waiting = await clients.sfn.send(
      new StartExecutionCommand({ stateMachineArn: runtime.physicalName('Approval'), input: '{"amount":1}' }),
    );
    await vi.waitFor(() => expect(checks()).toBe(checksBefore + 1));
    const before = runtime.clock.now().getTime();
    destroyClients();
    await runtime.close();
    expect(runtime.stepFunctions.describeExecution(waiting.executionArn!).status).toBe('ABORTED');
    await new Promise((r) => setTimeout(r, 50));
    // Nothing of the runtime's is left: no kind of handle is more numerous than before it started
    // (a timer that was pending at the baseline, from the test harness, may have ended meanwhile).
    const left = activeHandles();
    const grown = Object.entries(left).filter(([kind, n]) => n > (baselineHandles[kind] ?? 0));
    expect(grown).toEqual([]);

    runtime = await start();
    clients = makeClients(runtime);

    expect(runtime.clock.now().getTime()).toBeGreaterThanOrEqual(before);
    expect(await getItem('message#m1')).toBeDefined();
    const object = await clients.s3.send(
      new GetObjectCommand({ Bucket: runtime.physicalName('Inbox'), Key: 'returns/r1.csv' }),
    );
    expect(await object.Body?.transformToString()).toBe('sku,qty\nA,1\n');
    expect((await httpJson('GET', '/secret')).body).toEqual({ clientId: 'rotated-client' });
  });
});
