import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import type { RuntimeLogLine } from '#local/runtime/log.ts';
import { type LocalSystem, type LocalSystemOptions, PROJECT_ROOT, startLocalSystem } from '#local/system.ts';

/**
 * Helpers of the e2e tier: the whole local system (`npm start`) on free ports in a throw-away data
 * directory, driven the way a user or a script drives it — its HTTP API, the Lambda Invoke API it
 * serves, and the AWS endpoints it hands to the functions.
 */

/** The dummy credentials every local AWS endpoint accepts. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** A running local system with the log lines it wrote so far. */
export interface E2eSystem extends LocalSystem {
  readonly dataDir: string;
  /** Every runtime and function log line, oldest first. */
  readonly logs: RuntimeLogLine[];
}

/** A fresh, empty data directory; `removeDataDir` deletes it. */
export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'acorn-e2e-'));
}

export function removeDataDir(dataDir: string): void {
  rmSync(dataDir, { recursive: true, force: true });
}

/**
 * Starts the local system as `npm start` does (the example acorn.config.json), but on free ports,
 * in `dataDir`, with its log captured instead of printed.
 */
export async function startE2eSystem(
  dataDir: string,
  options: Omit<LocalSystemOptions, 'dataDir' | 'port' | 'sandboxPort' | 'log' | 'configPath'> & {
    /** Automation modes to override in the example configuration. */
    automation?: Record<string, 'off' | 'simulate' | 'live'>;
  } = {},
): Promise<E2eSystem> {
  const logs: RuntimeLogLine[] = [];
  const { automation, ...rest } = options;
  let configPath: string | undefined;
  if (automation) {
    const example = JSON.parse(readFileSync(join(PROJECT_ROOT, 'acorn.config.json'), 'utf8')) as {
      automation?: Record<string, string>;
    };
    mkdirSync(dataDir, { recursive: true });
    configPath = join(dataDir, 'acorn.config.json');
    writeFileSync(
      configPath,
      JSON.stringify({ ...example, automation: { ...example.automation, ...automation } }),
    );
  }
  const system = await startLocalSystem({
    ...rest,
    ...(configPath ? { configPath } : {}),
    port: 0,
    sandboxPort: 0,
    dataDir,
    log: (line) => logs.push(line),
  });
  return Object.assign(system, { dataDir, logs });
}

/** One row of GET /api/purchase-orders. */
export const purchaseOrderRowSchema = z.looseObject({
  purchaseOrderNumber: z.string(),
  vendorCode: z.string(),
  state: z.string(),
  purchaseOrderDate: z.string(),
  version: z.string(),
  lineCount: z.number(),
});
export type PurchaseOrderRow = z.infer<typeof purchaseOrderRowSchema>;

const purchaseOrderPageSchema = z.object({
  items: z.array(purchaseOrderRowSchema),
  nextToken: z.string().optional(),
});

/** A bearer token of the local dev login (`POST /api/dev-login`), for one user in `groups`. */
export async function devLogin(
  baseUrl: string,
  username = 'e2e-operator',
  groups: string[] = ['operator'],
): Promise<string> {
  const res = await fetch(`${baseUrl}/api/dev-login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, groups }),
  });
  const body = z.object({ accessToken: z.string() }).parse(await res.json());
  return body.accessToken;
}

/** The default operator token per system, so polling helpers sign in once. */
const operatorTokens = new Map<string, string>();

/**
 * An HTTP answer with its JSON body (or undefined when the body is not JSON). Signed in through
 * the dev login as an operator unless `token` is given (`null`: no token at all).
 */
export async function getJson(
  url: string,
  token?: string | null,
): Promise<{ status: number; contentType: string; body: unknown }> {
  const origin = new URL(url).origin;
  let bearer = token;
  if (bearer === undefined) {
    bearer = operatorTokens.get(origin) ?? (await devLogin(origin));
    operatorTokens.set(origin, bearer);
  }
  const res = await fetch(url, bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {});
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body };
}

/** Every purchase order the console API lists, following nextToken to the end. */
export async function listAllPurchaseOrders(baseUrl: string): Promise<PurchaseOrderRow[]> {
  const rows: PurchaseOrderRow[] = [];
  let nextToken: string | undefined;
  do {
    // The API's largest page: one ListPurchaseOrders invocation per call while a test polls.
    const query = new URLSearchParams({ limit: '500', ...(nextToken ? { nextToken } : {}) });
    const res = await getJson(`${baseUrl}/api/purchase-orders?${query}`);
    if (res.status !== 200) throw new Error(`GET /api/purchase-orders answered ${res.status}`);
    const page = purchaseOrderPageSchema.parse(res.body);
    rows.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  return rows;
}

/** The PO items (`sk = PO`) of the system's table, read with a Scan (fine in a test). */
export async function purchaseOrderItemsInTable(
  system: LocalSystem,
): Promise<{ pk: string; version: string }[]> {
  const client = new DynamoDBClient({
    endpoint: system.runtime.endpoints.dynamodb,
    region: system.runtime.env.AWS_REGION ?? 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    const items: { pk: string; version: string }[] = [];
    const pages = paginateScan(
      { client },
      {
        TableName: system.runtime.physicalName('Table'),
        FilterExpression: 'sk = :po',
        ExpressionAttributeValues: { ':po': { S: 'PO' } },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        items.push({ pk: item.pk?.S ?? '', version: item.version?.S ?? '' });
      }
    }
    return items;
  } finally {
    client.destroy();
  }
}

/**
 * Invokes a function through the Lambda Invoke API the local server serves — what
 * `npm run backfill` does — and returns its parsed result.
 */
export async function invokeThroughLambdaApi(
  baseUrl: string,
  functionName: string,
  payload: unknown,
): Promise<{ functionError?: string; result: unknown }> {
  const client = new LambdaClient({ endpoint: baseUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  try {
    const res = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
    );
    const text = res.Payload ? new TextDecoder().decode(res.Payload) : '';
    return {
      ...(res.FunctionError ? { functionError: res.FunctionError } : {}),
      result: text ? JSON.parse(text) : undefined,
    };
  } finally {
    client.destroy();
  }
}

const spApiCredentialsSecretSchema = z.looseObject({
  clientId: z.string(),
  clientSecret: z.string(),
  previousClientSecretExpiresAt: z.string().optional(),
  rotatedAt: z.string().optional(),
});

/** The SP-API credentials secret, read through the runtime's Secrets Manager endpoint. */
export async function readSpApiCredentialsSecret(
  system: LocalSystem,
): Promise<z.infer<typeof spApiCredentialsSecretSchema>> {
  const client = new SecretsManagerClient({
    endpoint: system.runtime.endpoints.secretsmanager,
    region: system.runtime.env.AWS_REGION ?? 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    const res = await client.send(
      new GetSecretValueCommand({ SecretId: system.runtime.physicalName('SpApiCredentials') }),
    );
    return spApiCredentialsSecretSchema.parse(JSON.parse(res.SecretString ?? 'null'));
  } finally {
    client.destroy();
  }
}

/** The summary a PullPurchaseOrders run returns and logs. */
export const pullSummarySchema = z.object({
  pages: z.number(),
  seen: z.number(),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  published: z.number(),
  windows: z.number(),
  incomplete: z.boolean(),
});

/** The summaries PullPurchaseOrders logged ("Pulled purchase orders"), by Lambda request id. */
export function loggedPullSummaries(
  logs: readonly RuntimeLogLine[],
): Map<string, z.infer<typeof pullSummarySchema>> {
  const out = new Map<string, z.infer<typeof pullSummarySchema>>();
  for (const line of logs) {
    if (line.source !== 'PullPurchaseOrders' || line.message !== 'Pulled purchase orders') continue;
    const requestId = line.data?.function_request_id;
    if (typeof requestId === 'string') out.set(requestId, pullSummarySchema.parse(line.data?.summary));
  }
  return out;
}
