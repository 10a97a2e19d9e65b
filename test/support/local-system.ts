import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttributeValue, DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { type LocalSystem, type LocalSystemOptions, PROJECT_ROOT, startLocalSystem } from '#local/system.ts';

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
