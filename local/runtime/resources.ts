import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  ResourceNotFoundException,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import type { FauxqsServer } from 'fauxqs';
import type { WiringResource } from '#shared/wiring.ts';
import type { LocalEventBus } from './event-bus.ts';
import type { LogLevel } from './log.ts';
import type { PhysicalResource } from './physical-names.ts';
import type { LocalSecretsManager } from './secrets-manager.ts';

/**
 * Creates the manifest's tables, buckets, queues, buses and secrets, idempotently: a restart on
 * the same data directory keeps existing tables, objects and secret versions.
 * Key attributes are created as strings (`S`): the manifest does not carry attribute types.
 * GSIs project ALL. (State machines are registered by the runtime.)
 */

export interface EnsureResourcesDeps {
  dynamodb: DynamoDBClient;
  fauxqs: FauxqsServer;
  eventBus: LocalEventBus;
  secretsManager: LocalSecretsManager;
  /** Values that replace a secret's current value on every start, by secret resource id. */
  secretsValues?: Record<string, Record<string, unknown>>;
  log: (level: LogLevel, message: string, data?: Record<string, unknown>) => void;
}

export async function ensureResources(
  resources: ReadonlyMap<string, PhysicalResource>,
  deps: EnsureResourcesDeps,
): Promise<void> {
  const all = [...resources.values()];
  const byKind = <K extends WiringResource['kind']>(kind: K) =>
    all.filter(
      (p): p is PhysicalResource & { resource: Extract<WiringResource, { kind: K }> } =>
        p.resource.kind === kind,
    );

  await Promise.all(byKind('table').map((t) => ensureTable(t.name, t.resource, deps)));

  if (byKind('bucket').length > 0) deps.fauxqs.setup({ buckets: byKind('bucket').map((b) => b.name) });

  // Dead-letter queues first, so a redrive policy can point at them.
  const queues = byKind('queue').sort(
    (a, b) => Number(Boolean(a.resource.deadLetterQueue)) - Number(Boolean(b.resource.deadLetterQueue)),
  );
  for (const q of queues) {
    const attributes: Record<string, string> = {
      VisibilityTimeout: String(q.resource.visibilityTimeoutSeconds),
    };
    if (q.resource.fifo) attributes.FifoQueue = 'true';
    if (q.resource.deadLetterQueue) {
      const dlq = resources.get(q.resource.deadLetterQueue);
      if (dlq?.resource.kind !== 'queue') {
        throw new Error(
          `Queue ${q.resource.id}: dead-letter queue ${q.resource.deadLetterQueue} is not a queue`,
        );
      }
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: dlq.arn,
        maxReceiveCount: String(q.resource.maxReceiveCount ?? 3),
      });
    }
    deps.fauxqs.setup({ queues: [{ name: q.name, attributes }] });
  }

  for (const bus of byKind('bus')) deps.eventBus.createBus(bus.name);

  for (const secret of byKind('secret')) {
    const given = deps.secretsValues?.[secret.resource.id];
    const value = given ?? secret.resource.localValue ?? {};
    deps.secretsManager.ensureSecret(secret.name, JSON.stringify(value), { replace: given !== undefined });
  }
}

/**
 * Creates a table with the key schema given (as the stack declares it), or adds the GSIs an existing
 * one lacks. Tests and benchmarks create the stack's single table through it too.
 */
export async function ensureTable(
  name: string,
  table: {
    readonly id?: string;
    readonly partitionKey: string;
    readonly sortKey?: string | undefined;
    readonly globalIndexes: readonly { name: string; partitionKey: string; sortKey?: string | undefined }[];
  },
  deps: Pick<EnsureResourcesDeps, 'dynamodb' | 'log'>,
): Promise<void> {
  const keySchema = (pk: string, sk?: string): KeySchemaElement[] => [
    { AttributeName: pk, KeyType: 'HASH' },
    ...(sk ? [{ AttributeName: sk, KeyType: 'RANGE' as const }] : []),
  ];
  const indexes: GlobalSecondaryIndex[] = table.globalIndexes.map((g) => ({
    IndexName: g.name,
    KeySchema: keySchema(g.partitionKey, g.sortKey),
    Projection: { ProjectionType: 'ALL' },
  }));
  const attributes = (names: (string | undefined)[]): AttributeDefinition[] =>
    [...new Set(names.filter((n): n is string => Boolean(n)))].map((n) => ({
      AttributeName: n,
      AttributeType: 'S',
    }));

  let existing: Set<string> | undefined;
  try {
    const described = await deps.dynamodb.send(new DescribeTableCommand({ TableName: name }));
    existing = new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName ?? ''));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }

  if (!existing) {
    await deps.dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keySchema(table.partitionKey, table.sortKey),
        AttributeDefinitions: attributes([
          table.partitionKey,
          table.sortKey,
          ...table.globalIndexes.flatMap((g) => [g.partitionKey, g.sortKey]),
        ]),
        ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
      }),
    );
    deps.log('info', `created table ${name}`, { table: table.id });
    return;
  }

  // A GSI added to the manifest since the table was created: add it (existing items are indexed).
  for (const index of indexes) {
    if (existing.has(index.IndexName ?? '')) continue;
    const spec = table.globalIndexes.find((g) => g.name === index.IndexName)!;
    try {
      await deps.dynamodb.send(
        new UpdateTableCommand({
          TableName: name,
          AttributeDefinitions: attributes([spec.partitionKey, spec.sortKey]),
          GlobalSecondaryIndexUpdates: [{ Create: index }],
        }),
      );
      deps.log('info', `added index ${index.IndexName} to table ${name}`);
    } catch (error) {
      deps.log(
        'warn',
        `could not add index ${index.IndexName} to table ${name}: ${(error as Error).message}`,
      );
    }
  }
}
