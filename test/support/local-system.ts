import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttributeValue, DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { expect } from 'vitest';
import { type LocalSystem, type LocalSystemOptions, PROJECT_ROOT, startLocalSystem } from '#local/system.ts';
import { sandboxAccessToken } from './sp-api-sandbox.ts';

/**
 * Starts the whole local system (sandbox, emulators, every function in its worker) on free ports
 * in a fresh data directory, optionally with changes to the example configuration.
 */
export async function startTestSystem(
  opts: Omit<LocalSystemOptions, 'dataDir' | 'configPath'> & {
    configPatch?: (config: Record<string, unknown>) => Record<string, unknown>;
    /** Run the Shopify sync (its pushes share the outbox and the audit trail). @default false */
    shopifySync?: boolean;
  } = {},
): Promise<LocalSystem & { dataDir: string; dispose(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'acorn-it-'));
  const example = JSON.parse(readFileSync(join(PROJECT_ROOT, 'acorn.config.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const configPath = join(dataDir, 'acorn.config.json');
  const patched = opts.configPatch ? opts.configPatch(example) : example;
  // Tests of other capabilities count outbox messages and audit events: without Shopify unless asked.
  const withShopify = opts.shopifySync
    ? patched
    : {
        ...patched,
        inventory: { ...(patched.inventory as object | undefined), shopify: { enabled: false } },
      };
  writeFileSync(configPath, JSON.stringify(withShopify));
  const { configPatch: _patch, shopifySync: _shopify, ...rest } = opts;
  const system = await startLocalSystem({
    port: 0,
    sandboxPort: 0,
    schedules: false,
    log: () => {},
    ...rest,
    dataDir,
    configPath,
  });
  return {
    ...system,
    dataDir,
    async dispose() {
      await system.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Every item of the system's table (a Scan is fine in a test, never on a hot path). */
export async function tableItems(system: LocalSystem): Promise<Record<string, AttributeValue>[]> {
  const client = new DynamoDBClient({
    endpoint: system.runtime.endpoints.dynamodb,
    region: system.runtime.env.AWS_REGION ?? 'us-east-1',
    credentials: {
      accessKeyId: system.runtime.env.AWS_ACCESS_KEY_ID ?? 'local',
      secretAccessKey: system.runtime.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    },
  });
  const items: Record<string, AttributeValue>[] = [];
  for await (const page of paginateScan({ client }, { TableName: system.runtime.physicalName('Table') })) {
    items.push(...(page.Items ?? []));
  }
  client.destroy();
  return items;
}

/** Puts a file into the system's inbox bucket, as a WMS or a Vendor Central export would land there. */
export async function dropInInbox(
  system: LocalSystem,
  key: string,
  body: string | Uint8Array,
): Promise<void> {
  const s3 = new S3Client({
    endpoint: system.runtime.endpoints.s3,
    region: system.runtime.env.AWS_REGION ?? 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await s3.send(
      new PutObjectCommand({ Bucket: system.runtime.physicalName('InboxBucket'), Key: key, Body: body }),
    );
  } finally {
    s3.destroy();
  }
}

/** GET on the sandbox's SP-API with a fresh LWA token; the response must be 200. */
export async function sandboxGet(system: LocalSystem, path: string): Promise<unknown> {
  const res = await fetch(`${system.sandbox.url}${path}`, {
    headers: { 'x-amz-access-token': await sandboxAccessToken(system.sandbox) },
  });
  expect(res.status).toBe(200);
  return res.json();
}
