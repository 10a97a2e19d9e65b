import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { buildApp } from '#infra/build-app.ts';
import { type AcornConfig, loadAcornConfig } from '#infra/config.ts';
import { componentLogger, consoleLogSink, type RuntimeLogLine } from '#local/runtime/log.ts';
import { type LocalRuntime, startLocalRuntime } from '#local/runtime/runtime.ts';
import { DATASETS_PREFIX, QUARANTINE_PREFIX } from '#shared/domain/archive/layout.ts';
import { CONSOLE_GROUPS, consoleGroupSchema } from '#shared/domain/authorization.ts';
import { CREDIT_MEMO_WORKING_STATES } from '#shared/domain/credit-memos/credit-memo.ts';
import { buildConsoleAssets } from '../web/console/build.ts';
import { type AmazonSandbox, startAmazonSandbox } from './amazon-sandbox/index.ts';
import { makeRemittanceExports } from './amazon-sandbox/remittance-exports.ts';
import { makeReturnsExports } from './amazon-sandbox/returns.ts';
import { ArchiveMirror } from './archive-mirror.ts';
import { type ChatSink, startChatSink } from './chat-sink/server.ts';
import { type MessageSink, startMessageSink } from './messages/message-sink.ts';
import { LocalJwtIssuer, type LocalTokenRequest } from './runtime/local-jwt.ts';
import { type ShopifySandbox, startShopifySandbox } from './shopify-sandbox/index.ts';
import { makeWarehouse } from './warehouse/warehouse.ts';

/** Project root: the folder above local/. */
export const PROJECT_ROOT = join(import.meta.dirname, '..');

/** Where the official SP-API models are when the reference folder sits beside the project. */
const OFFICIAL_MODELS_DIR = join(PROJECT_ROOT, '..', 'shared', 'specs', 'sp-api');

export interface LocalSystemOptions {
  /** Console and API port. @default 4280 */
  readonly port?: number;
  /** Amazon sandbox port. @default port + 1 */
  readonly sandboxPort?: number;
  /** State directory. @default <project>/.acorn */
  readonly dataDir?: string;
  /** Configuration file. @default <project>/acorn.config.json */
  readonly configPath?: string;
  /** Clock-time per real time. @default 60 */
  readonly speed?: number;
  /** Where the clock starts on an empty data directory (epoch ms). @default now */
  readonly virtualStart?: number;
  /** Sandbox PO generation. @default { backlog: 150, perHour: 12 } */
  readonly poGeneration?: { backlog: number; perHour: number };
  /** Runtime log sink. @default stdout */
  readonly log?: (line: RuntimeLogLine) => void;
  /** Fire schedules on their own. @default true */
  readonly schedules?: boolean;
  /**
   * Run the local warehouse, which drops shipment files for acknowledged POs into the inbox every
   * 20 clock minutes (local/warehouse/warehouse.ts). @default the value of `schedules`
   */
  readonly warehouse?: boolean;
  /** Shopify sandbox port. @default port + 2 */
  readonly shopifyPort?: number;
  /** Shopper orders on the Shopify sandbox per clock hour. @default 6 when schedules run, else none */
  readonly shopifyOrders?: { perHour: number; fulfilAfterMinutes: number };
}

export interface LocalSystem {
  readonly url: string;
  readonly sandbox: AmazonSandbox;
  /** The Shopify sandbox: the store the inventory sync pushes to and whose orders consume stock. */
  readonly shopify: ShopifySandbox;
  readonly runtime: LocalRuntime;
  readonly config: AcornConfig;
  /** Emails (SES) and Slack messages the functions sent, as files under `<dataDir>/mail|slack/`. */
  readonly messages: MessageSink;
  /** The sandbox's returns exports: `round()` drops the next one into the inbox (also when it does not run on its own). */
  readonly returns: { round(): Promise<string | undefined> };
  /** The sandbox's remittance exports: `round()` pays the accepted invoices not paid yet (also when it does not run on its own). */
  readonly remittances: { round(): Promise<string[]> };
  /** The local warehouse: `round()` ships what is due now (also when it does not run on its own). */
  readonly warehouse: ReturnType<typeof makeWarehouse>;
  /** The local chat and mail sink every alert channel points at (`GET <url>/_sink/messages`). */
  readonly chatSink: ChatSink;
  /** The copy of the archive's datasets under `<dataDir>/archive/`, which `npm run query` reads with DuckDB. */
  readonly archive: {
    readonly dir: string;
    /** Copies whatever the bucket has that the copy lacks; resolves to how many objects. */
    sync(): Promise<number>;
  };
  /**
   * A bearer token of the local dev login (what `POST /api/dev-login` issues): a user with
   * `groups`, or without `username` a machine client with `scopes`.
   */
  signIn(request: LocalTokenRequest): string;
  close(): Promise<void>;
}

/** Body of `POST /api/dev-login`. */
const devLoginSchema = z.strictObject({
  username: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'letters, digits, . _ @ -'),
  groups: z.array(consoleGroupSchema).min(1).max(CONSOLE_GROUPS.length),
});

/**
 * Points every SP-API account and Login with Amazon at the local sandbox. Done before synthesis,
 * so the functions get the sandbox through the same ACORN_RUNTIME_CONFIG the stack hands them.
 */
function againstSandbox(config: AcornConfig, sandboxUrl: string): AcornConfig {
  return {
    ...config,
    spApi: {
      ...config.spApi,
      lwaEndpoint: `${sandboxUrl}/auth/o2/token`,
      accounts: config.spApi.accounts.map((a) => ({ ...a, endpoint: sandboxUrl })),
    },
  };
}

/**
 * Credit memos locally: approval links point at this console, and approval messages also go to a
 * Slack channel (the message sink), so `npm start` shows both.
 */
function withLocalApprovals(config: AcornConfig, consoleUrl: string): AcornConfig {
  return {
    ...config,
    creditMemos: {
      ...config.creditMemos,
      reviewBaseUrl: `${consoleUrl}/approvals`,
      slackChannel: config.creditMemos.slackChannel ?? '#credit-memos',
    },
  };
}

/**
 * Binds the console's server before anything else starts: the approval links baked into the
 * functions' configuration need its port, and a port probed then released could be taken by
 * another listener (this process's emulators, a parallel test) before the console binds it.
 * Until the system is ready, requests are answered 503.
 */
async function bindConsoleServer(port: number): Promise<{
  server: Server;
  port: number;
  serve: (handler: (req: IncomingMessage, res: ServerResponse) => void) => void;
}> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (handler) return handler(req, res);
    sendJson(res, 503, { error: 'Starting', message: 'the local system is still starting' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    serve: (h) => {
      handler = h;
    },
  };
}

/**
 * On a fresh data directory, drops the vendor's catalogue and stock files (made by the sandbox for
 * the products it orders) into the inbox, as the ERP would: the stack's own inbox rule imports
 * them, and the acknowledgement rules have something to decide with.
 */
async function seedVendorFiles(
  runtime: LocalRuntime,
  sandbox: AmazonSandbox,
  dataDir: string,
): Promise<void> {
  const marker = join(dataDir, 'vendor-files-seeded');
  if (existsSync(marker)) return;
  const files = sandbox.vendorFiles(runtime.clock.now());
  const s3 = new S3Client({
    endpoint: runtime.endpoints.s3,
    region: runtime.env.AWS_REGION ?? 'us-east-1',
    forcePathStyle: true,
    credentials: {
      accessKeyId: runtime.env.AWS_ACCESS_KEY_ID ?? 'local',
      secretAccessKey: runtime.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    },
  });
  try {
    const bucket = runtime.physicalName('InboxBucket');
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'catalog/erp-catalog.csv', Body: files.catalogCsv }),
    );
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'stock/erp-stock.csv', Body: files.stockCsv }));
  } finally {
    s3.destroy();
  }
  writeFileSync(marker, new Date().toISOString());
}

/** Puts one object into the inbox bucket, as the ERP or the WMS would. */
async function putInboxObject(runtime: LocalRuntime, key: string, body: string | Uint8Array): Promise<void> {
  const s3 = new S3Client({
    endpoint: runtime.endpoints.s3,
    region: runtime.env.AWS_REGION ?? 'us-east-1',
    forcePathStyle: true,
    credentials: {
      accessKeyId: runtime.env.AWS_ACCESS_KEY_ID ?? 'local',
      secretAccessKey: runtime.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    },
  });
  try {
    await s3.send(
      new PutObjectCommand({ Bucket: runtime.physicalName('InboxBucket'), Key: key, Body: body }),
    );
  } finally {
    s3.destroy();
  }
}

/** EAN → SKU from the vendor's catalogue file, so the warehouse's rows carry both. */
function skusByEan(catalogCsv: string): Map<string, string> {
  const [header = '', ...rows] = catalogCsv.trim().split('\n');
  const columns = header.split(',');
  const sku = columns.indexOf('sku');
  const ean = columns.indexOf('ean');
  return new Map(rows.map((row) => row.split(',')).map((cells) => [cells[ean] ?? '', cells[sku] ?? '']));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Starts the whole system on this machine: the stack's wiring manifest (synthesised without
 * bundling), the local AWS runtime running every function as the stack wires it, the stateful
 * Amazon sandbox on the same clock, and the console with its JSON API.
 */
export async function startLocalSystem(options: LocalSystemOptions = {}): Promise<LocalSystem> {
  const consoleServer = await bindConsoleServer(options.port ?? 4280);
  const { server, port } = consoleServer;
  const sandboxPort = options.sandboxPort ?? (options.port === 0 ? 0 : port + 1);
  const dataDir = options.dataDir ?? join(PROJECT_ROOT, '.acorn');
  const config = loadAcornConfig(options.configPath ?? join(PROJECT_ROOT, 'acorn.config.json'));

  // The dev login: tokens shaped like Cognito's, verified by the runtime's HTTP layer as API
  // Gateway's JWT authorizer verifies Cognito's (local/runtime/local-jwt.ts). Local mode only.
  const issuer = new LocalJwtIssuer();
  const consoleAssets = buildConsoleAssets();

  // The sandbox must know its port before synthesis bakes the endpoint into the functions' config,
  // so it listens first, on the clock the runtime will share (persisted in the data directory).
  let runtime: LocalRuntime | undefined;
  const clockProxy = {
    now: () => (runtime ? runtime.clock.now() : new Date(options.virtualStart ?? Date.now())),
    sleep: (ms: number) => (runtime ? runtime.clock.sleep(ms) : new Promise<void>((r) => setTimeout(r, ms))),
  };
  const sandbox = await startAmazonSandbox({
    port: sandboxPort,
    clock: clockProxy,
    stateDir: join(dataDir, 'amazon-sandbox'),
    vendors: config.vendors.map((v) => ({ vendorCode: v.vendorCode, marketplaces: v.marketplaces })),
    poGeneration: options.poGeneration ?? { backlog: 150, perHour: 12 },
    ...(existsSync(OFFICIAL_MODELS_DIR) ? { officialModelsDir: OFFICIAL_MODELS_DIR } : {}),
    onNotification: async (notification) => {
      if (!runtime) return;
      // The emulators' dummy credentials: without them the SDK looks for real ones and, offline,
      // finds none, so the notification would never reach the queue.
      const sqs = new SQSClient({
        endpoint: runtime.endpoints.sqs,
        region: runtime.env.AWS_REGION ?? 'us-east-1',
        credentials: {
          accessKeyId: runtime.env.AWS_ACCESS_KEY_ID ?? 'local',
          secretAccessKey: runtime.env.AWS_SECRET_ACCESS_KEY ?? 'local',
        },
        useQueueUrlAsEndpoint: false,
      });
      try {
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: runtime.physicalName('CredentialNotificationsQueue'),
            MessageBody: JSON.stringify(notification),
          }),
        );
      } finally {
        sqs.destroy();
      }
    },
  });

  const shopify = await startShopifySandbox({
    port: options.shopifyPort ?? (options.port === 0 ? 0 : port + 2),
    clock: clockProxy,
    stateDir: join(dataDir, 'shopify-sandbox'),
    skus: [...skusByEan(sandbox.vendorFiles(clockProxy.now()).catalogCsv).values()],
    ...((options.shopifyOrders ??
    ((options.schedules ?? true) ? { perHour: 6, fulfilAfterMinutes: 120 } : undefined))
      ? { orderGeneration: options.shopifyOrders ?? { perHour: 6, fulfilAfterMinutes: 120 } }
      : {}),
  });

  const messages = await startMessageSink({ dataDir, clock: clockProxy });
  // The alert channels' local stand-ins: their webhooks and secrets go into the NotificationChannels secret.
  const chatSink = await startChatSink({
    channels: config.alerts.channels,
    forwardOtherEmailsTo: messages.sesEndpoint,
  });
  try {
    const built = buildApp({
      config: withLocalApprovals(againstSandbox(config, sandbox.url), `http://127.0.0.1:${port}`),
      outdir: join(dataDir, 'cdk.out'),
      bundling: false,
      checks: false,
    });
    const credentials = sandbox.credentials();
    runtime = await startLocalRuntime({
      verifyToken: (token) => issuer.verify(token),
      manifest: built.manifest,
      projectRoot: PROJECT_ROOT,
      dataDir,
      clock: {
        speed: options.speed ?? 60,
        ...(options.virtualStart ? { virtualStart: options.virtualStart } : {}),
      },
      secretsValues: {
        SpApiCredentials: {
          clientId: credentials.clientId,
          clientSecret: credentials.clientSecret,
          refreshTokens: Object.fromEntries(
            config.spApi.accounts.map((a) => [a.id, credentials.refreshTokens[0] ?? '']),
          ),
        },
        ShopifyCredentials: shopify.credentials,
        NotificationChannels: chatSink.secret,
      },
      ...(options.log ? { log: options.log } : {}),
      scheduler: { enabled: options.schedules ?? true },
      // Alert emails land in the chat sink, the others (approval requests) in the mail sink.
      envOverrides: { AWS_ENDPOINT_URL_SESV2: chatSink.sesEndpoint, SLACK_API_URL: messages.slackApiUrl },
    });
  } catch (error) {
    server.close();
    await messages.close();
    await sandbox.close();
    await shopify.close();
    await chatSink.close();
    throw error;
  }
  const rt = runtime;
  await seedVendorFiles(rt, sandbox, dataDir);
  const warehouseLog = componentLogger(options.log ?? consoleLogSink(), 'warehouse');
  const warehouse = makeWarehouse({
    amazon: sandbox,
    clock: rt.clock,
    put: (key, body) => putInboxObject(rt, key, body),
    stateFile: join(dataDir, 'warehouse.json'),
    transitDays: config.shipments.transitDays,
    ...(config.parties.shipFrom[0] ? { shipFromPartyId: config.parties.shipFrom[0].partyId } : {}),
    skuOfEan: skusByEan(sandbox.vendorFiles(rt.clock.now()).catalogCsv),
    log: (message, data) => warehouseLog('info', message, data),
  });
  if (options.warehouse ?? options.schedules ?? true) warehouse.start();

  // Credit memos whose workflow run was in memory when npm start last stopped continue from their
  // stored state (the resume route starts a new run; a memo whose run is going is left alone).
  // The local system acts as an operator here, through the same route an operator would use.
  const asOperator = {
    authorization: `Bearer ${issuer.issue({ username: 'local-system', groups: ['operator'] })}`,
  };
  for (const state of CREDIT_MEMO_WORKING_STATES) {
    const listed = await rt.handleHttp(
      'GET',
      '/api/credit-memos',
      { state, limit: '200' },
      undefined,
      asOperator,
    );
    const items = z
      .object({ items: z.array(z.object({ memoId: z.string() })) })
      .safeParse(JSON.parse(String(listed.body)));
    for (const { memoId } of items.success ? items.data.items : []) {
      await rt.handleHttp(
        'POST',
        `/api/credit-memos/${encodeURIComponent(memoId)}/resume`,
        {},
        undefined,
        asOperator,
      );
    }
  }

  // Amazon's returns of goods it received, as Vendor Central returns exports dropped into the inbox.
  const returnsExports = makeReturnsExports({
    shipments: () => sandbox.shipmentConfirmations(),
    purchaseOrder: (po) => sandbox.purchaseOrder(po),
    clock: rt.clock,
    stateFile: join(dataDir, 'returns.json'),
  });
  const returns = {
    async round(): Promise<string | undefined> {
      const file = returnsExports.round();
      if (!file) return undefined;
      await putInboxObject(rt, file.key, file.body);
      warehouseLog('info', `Amazon sandbox dropped returns export ${file.key}`);
      return file.key;
    },
  };
  let returnsRunning = options.warehouse ?? options.schedules ?? true;
  const returnsLoop = (async () => {
    while (returnsRunning) {
      for (let waited = 0; waited < 90 && returnsRunning; waited++) await rt.clock.sleep(60_000);
      if (returnsRunning)
        await returns
          .round()
          .catch((error: unknown) =>
            warehouseLog('warn', `returns export failed: ${(error as Error).message}`),
          );
    }
  })();

  // Amazon's payments of the invoices it accepted, as remittance exports (CSV and XLSX) in the inbox.
  const remittanceExports = makeRemittanceExports({
    invoices: () => sandbox.invoices(),
    purchaseOrder: (po) => sandbox.purchaseOrder(po),
    clock: rt.clock,
    stateFile: join(dataDir, 'remittance.json'),
  });
  const remittances = {
    async round(): Promise<string[]> {
      const keys: string[] = [];
      for (const file of remittanceExports.round()) {
        await putInboxObject(rt, file.key, file.body);
        warehouseLog('info', `Amazon sandbox dropped remittance export ${file.key}`);
        keys.push(file.key);
      }
      return keys;
    },
  };
  const remittanceLoop = (async () => {
    // Amazon pays on a cycle; every 12 clock hours here, so a demo sees payments within minutes.
    while (returnsRunning) {
      for (let waited = 0; waited < 12 * 60 && returnsRunning; waited++) await rt.clock.sleep(60_000);
      if (returnsRunning)
        await remittances
          .round()
          .catch((error: unknown) =>
            warehouseLog('warn', `remittance export failed: ${(error as Error).message}`),
          );
    }
  })();

  // The archive's datasets, key for key under <dataDir>/archive/, for DuckDB: copied as written.
  const archiveLog = componentLogger(options.log ?? consoleLogSink(), 'archive');
  const archiveS3 = new S3Client({
    endpoint: rt.endpoints.s3,
    region: rt.env.AWS_REGION ?? 'us-east-1',
    forcePathStyle: true,
    credentials: {
      accessKeyId: rt.env.AWS_ACCESS_KEY_ID ?? 'local',
      secretAccessKey: rt.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    },
  });
  const mirror = new ArchiveMirror({
    s3: archiveS3,
    bucket: rt.physicalName('ArchiveBucket'),
    dir: join(dataDir, 'archive'),
    prefixes: [DATASETS_PREFIX, QUARANTINE_PREFIX],
    log: (message) => archiveLog('warn', message),
  });
  const stopMirroring = rt.onEvent((published) => mirror.onEvent(published));
  await mirror.sync();

  consoleServer.serve((req, res) => {
    handle(req, res).catch((error: unknown) => {
      sendJson(res, 500, { error: 'InternalError', message: (error as Error).message });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/api/health') {
      return sendJson(res, 200, {
        status: 'ok',
        clock: rt.clock.now().toISOString(),
        speed: options.speed ?? 60,
        sandbox: sandbox.url,
        shopifySandbox: shopify.url,
        schedules: rt.schedules.status(),
        functions: rt.functions.stats(),
        failedDeliveries: rt.failedDeliveries().length,
      });
    }
    if (req.method === 'GET' && url.pathname === '/api/local/emails') {
      return sendJson(res, 200, { items: messages.emails().reverse() });
    }
    if (req.method === 'GET' && url.pathname === '/api/local/slack') {
      return sendJson(res, 200, { items: messages.slackMessages().reverse() });
    }
    if (req.method === 'GET' && url.pathname === '/api/events') {
      return sendJson(res, 200, { items: rt.publishedEvents().slice(-200).reverse() });
    }
    // The Lambda Invoke API, so scripts (backfill) use the same client locally and in AWS.
    const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
    if (req.method === 'POST' && invoke) {
      const name = decodeURIComponent(invoke[1] ?? '');
      const body = await readBody(req);
      try {
        const result = await rt.invoke(name, body ? JSON.parse(body) : {});
        return sendJson(res, 200, result ?? null);
      } catch (error) {
        res.setHeader('x-amz-function-error', 'Unhandled');
        return sendJson(res, 200, {
          errorType: (error as Error).name,
          errorMessage: (error as Error).message,
        });
      }
    }
    if (req.method === 'POST' && url.pathname === '/api/dev-login') {
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return sendJson(res, 400, { error: 'ValidationError', message: 'The body is not JSON' });
      }
      const parsed = devLoginSchema.safeParse(body);
      if (!parsed.success) {
        return sendJson(res, 400, {
          error: 'ValidationError',
          message: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
        });
      }
      return sendJson(res, 200, {
        accessToken: issuer.issue(parsed.data),
        tokenType: 'Bearer',
        expiresIn: 3600,
      });
    }
    if (await rt.httpListener(req, res)) return;
    if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
      });
      res.end(consoleAssets['index.html']);
      return;
    }
    if (req.method === 'GET' && (url.pathname === '/app.js' || url.pathname === '/app.css')) {
      res.writeHead(200, {
        'content-type': url.pathname.endsWith('.js') ? 'text/javascript' : 'text/css',
        'cache-control': 'no-store',
      });
      res.end(consoleAssets[url.pathname === '/app.js' ? 'app.js' : 'app.css']);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/console-config.json') {
      return sendJson(res, 200, { mode: 'local' });
    }
    sendJson(res, 404, { error: 'NotFound', message: `${req.method} ${url.pathname} is not a route` });
  }

  shopify.setWebhookUrl(`http://127.0.0.1:${port}/webhooks/shopify`);

  let closed = false;
  return {
    url: `http://127.0.0.1:${port}`,
    sandbox,
    shopify,
    runtime: rt,
    config,
    warehouse,
    messages,
    returns,
    remittances,
    chatSink,
    archive: { dir: mirror.dir, sync: () => mirror.sync() },
    signIn: (request) => issuer.issue(request),
    async close() {
      if (closed) return;
      closed = true;
      returnsRunning = false;
      await warehouse.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      stopMirroring();
      await mirror.idle();
      await rt.close();
      await returnsLoop;
      await remittanceLoop;
      await messages.close();
      archiveS3.destroy();
      await shopify.close();
      await sandbox.close();
      await chatSink.close();
    },
  };
}
