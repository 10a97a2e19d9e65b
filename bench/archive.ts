/**
 * The archive (issue 7), measured on the local system:
 * - archive objects written per 1,000 POs: the sandbox's POs ingested and acknowledged by the real
 *   functions, then the hourly export fired through its schedule; the Parquet files it wrote,
 *   beside the per-event objects (the outbox's legal documents, the audit trail's JSON copies);
 * - bytes a typical named query reads: the Parquet column chunks (and footers) the query's
 *   columns need, against the same rows as JSON lines, which a JSON table is scanned in whole.
 *
 * `npx tsx bench/archive.ts` alone, or section e of `npm run bench`. Figures are never asserted.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type AttributeValue, DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { PROJECT_ROOT } from '#infra/bundling.ts';
import { loadNamedQueries } from '#infra/named-queries.ts';
import { openArchiveDatabase, type ResultValue } from '#local/analytics/duckdb-archive.ts';
import { type LocalSystem, startLocalSystem } from '#local/system.ts';
import { DATASETS, type DatasetName } from '#shared/domain/archive/datasets.ts';
import type { ExportSummary } from '#shared/use-cases/archive/export-archive.ts';

const HOUR = 3_600_000;
/** The named query measured: two datasets joined, a handful of their columns. */
const TYPICAL_QUERY = 'po_fill_rate';

export interface ArchiveBenchOptions {
  readonly purchaseOrders: number;
  /** Clock speed of the local system. @default 20 */
  readonly speed?: number;
}

export interface ArchiveBenchResult {
  readonly purchaseOrders: number;
  /** Real seconds from the pull to every acknowledgement out of the queue. */
  readonly processingSeconds: number;
  /** Hours the export wrote (the business hours the work spread over). */
  readonly exportHours: number;
  readonly datasetObjects: number;
  readonly datasetBytes: number;
  readonly quarantineObjects: number;
  /** Objects the outbox and the audit trail wrote one by one (documents/, audit/). */
  readonly perEventObjects: number;
  readonly rows: Partial<Record<DatasetName, number>>;
  readonly query: {
    readonly name: string;
    readonly datasets: readonly string[];
    readonly columns: number;
    readonly parquetBytesRead: number;
    readonly parquetFileBytes: number;
    readonly jsonBytes: number;
    readonly jsonGzipBytes: number;
  };
}

async function count(
  client: DynamoDBClient,
  table: string,
  match: (i: Record<string, AttributeValue>) => boolean,
) {
  let n = 0;
  // A scan is fine in a benchmark; the export itself only queries indexes.
  for await (const page of paginateScan({ client }, { TableName: table })) {
    n += (page.Items ?? []).filter(match).length;
  }
  return n;
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function files(dir: string, prefix: string): { path: string; bytes: number }[] {
  const root = join(dir, prefix);
  try {
    return readdirSync(root, { recursive: true, encoding: 'utf8' })
      .map((f) => join(root, f))
      .filter((f) => !f.endsWith('.partial') && statSync(f).isFile())
      .map((path) => ({ path, bytes: statSync(path).size }));
  } catch {
    return [];
  }
}

const jsonValue = (_key: string, v: unknown) => (typeof v === 'bigint' ? Number(v) : v);

/** Runs the measurement on a fresh local system in a temporary directory. */
export async function benchArchive(options: ArchiveBenchOptions): Promise<ArchiveBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'acorn-bench-archive-'));
  const now = Date.now();
  let system: LocalSystem | undefined;
  try {
    system = await startLocalSystem({
      port: 0,
      sandboxPort: 0,
      dataDir,
      configPath: join(PROJECT_ROOT, 'acorn.config.json'),
      speed: options.speed ?? 20,
      // At the start of an hour: the work spreads over as few export hours as it takes.
      virtualStart: now - (now % HOUR),
      poGeneration: { backlog: options.purchaseOrders, perHour: 0 },
      schedules: false,
      log: () => {},
    });
    const rt = system.runtime;
    const dynamo = new DynamoDBClient({
      endpoint: rt.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const table = rt.physicalName('Table');
    const s3 = new S3Client({
      endpoint: rt.endpoints.s3,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const bucket = rt.physicalName('ArchiveBucket');
    try {
      await until(
        async () => (await count(dynamo, table, (i) => i.type?.S === 'StockPosition')) > 0,
        60_000,
        'the stock file',
      );
      const started = performance.now();
      await rt.invoke('PullPurchaseOrders', {});
      let orders = 0;
      await until(
        async () => {
          orders = await count(dynamo, table, (i) => i.sk?.S === 'PO');
          const done = await count(dynamo, table, (i) => i.sk?.S === 'ACK' && i.state?.S !== 'queued');
          return orders > 0 && done === orders;
        },
        30 * 60_000,
        'every acknowledgement out of the queue',
      );
      const processingSeconds = (performance.now() - started) / 1000;

      await rt.clock.sleep(HOUR - (rt.clock.now().getTime() % HOUR) + 6 * 60_000);
      const run = await rt.schedules.fireNow('ExportArchive/Schedule');
      if (!run.ok) throw new Error(`the export failed: ${run.error?.message}`);
      const summary = run.result as ExportSummary;
      await system.archive.sync();

      const dir = system.archive.dir;
      const datasetFiles = files(dir, 'datasets');
      const query = loadNamedQueries().find((q) => q.name === TYPICAL_QUERY)!;
      const measured = await measureQuery(dir, query.sql);
      return {
        purchaseOrders: orders,
        processingSeconds,
        exportHours: summary.hours.filter((h) => datasetFiles.some((f) => f.path.endsWith(`${h}.parquet`)))
          .length,
        datasetObjects: datasetFiles.length,
        datasetBytes: datasetFiles.reduce((s, f) => s + f.bytes, 0),
        quarantineObjects: files(dir, 'quarantine').length,
        // Not mirrored under .acorn/archive (only datasets/ and quarantine/ are): listed in the bucket.
        perEventObjects:
          (await countObjects(s3, bucket, 'documents/')) + (await countObjects(s3, bucket, 'audit/')),
        rows: summary.rows,
        query: { name: query.name, ...measured },
      };
    } finally {
      dynamo.destroy();
      s3.destroy();
    }
  } finally {
    await system?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Objects under a prefix of a bucket (every page). */
async function countObjects(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  let n = 0;
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    n += page.KeyCount ?? page.Contents?.length ?? 0;
  }
  return n;
}

/**
 * What one query reads: for each dataset it names, the footer of every file and the column
 * chunks of the columns it names (Athena reads no more of a Parquet file), against the same rows
 * written as JSON lines (a JSON table is read whole), raw and gzipped.
 */
async function measureQuery(dir: string, sql: string) {
  const db = await openArchiveDatabase(dir);
  try {
    const datasets = Object.values(DATASETS).filter((d) => new RegExp(`\\bFROM\\s+${d.name}\\b`).test(sql));
    let parquetBytesRead = 0;
    let parquetFileBytes = 0;
    let jsonBytes = 0;
    let jsonGzipBytes = 0;
    let columns = 0;
    for (const dataset of datasets) {
      const named = dataset.columns.filter((c) => new RegExp(`\\b${c.name}\\b`).test(sql)).map((c) => c.name);
      columns += named.length;
      const glob = join(dir, 'datasets', dataset.name, '**', '*.parquet');
      const chunks = (await db.query(
        `SELECT file_name, path_in_schema, total_compressed_size FROM parquet_metadata('${glob.split(sep).join('/')}')`,
      )) as { file_name: string; path_in_schema: string; total_compressed_size: ResultValue }[];
      const byFile = new Map<string, number>();
      for (const chunk of chunks) {
        const size = Number(chunk.total_compressed_size);
        byFile.set(chunk.file_name, (byFile.get(chunk.file_name) ?? 0) + size);
        if (named.includes(chunk.path_in_schema)) parquetBytesRead += size;
      }
      for (const [file, chunkBytes] of byFile) {
        const size = statSync(file).size;
        parquetFileBytes += size;
        parquetBytesRead += size - chunkBytes; // footer, magic and page headers outside the chunks
      }
      const rows = await db.query(`SELECT * FROM ${dataset.name}`);
      const text = rows.map((row) => `${JSON.stringify(row, jsonValue)}\n`).join('');
      jsonBytes += Buffer.byteLength(text);
      jsonGzipBytes += gzipSync(text).length;
    }
    return {
      datasets: datasets.map((d) => d.name),
      columns,
      parquetBytesRead,
      parquetFileBytes,
      jsonBytes,
      jsonGzipBytes,
    };
  } finally {
    db.close();
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** The result as the bench prints it. */
export function formatArchive(r: ArchiveBenchResult): string {
  const per1000 = (n: number) => ((n * 1000) / r.purchaseOrders).toFixed(0);
  const q = r.query;
  return [
    `  ${r.purchaseOrders} POs from the sandbox, pulled and acknowledged by the real functions in ${r.processingSeconds.toFixed(0)} s, exported over ${r.exportHours} business hour(s)`,
    `  rows: ${Object.entries(r.rows)
      .map(([d, n]) => `${d} ${n}`)
      .join(', ')}`,
    `  archive objects per 1,000 POs: ${per1000(r.datasetObjects)} Parquet files (${r.datasetObjects} written, ${kb(r.datasetBytes)}), ${r.quarantineObjects} quarantine files;`,
    `    beside them, written one by one as things happen: ${per1000(r.perEventObjects)} per 1,000 POs (outbox documents + audit JSON)`,
    `  ${q.name} (${q.datasets.join(' ⋈ ')}, ${q.columns} columns): Parquet bytes read ${kb(q.parquetBytesRead)} of ${kb(q.parquetFileBytes)} in the files;`,
    `    the same rows as JSON lines ${kb(q.jsonBytes)} (gzip ${kb(q.jsonGzipBytes)}): JSON/Parquet ${(q.jsonBytes / q.parquetBytesRead).toFixed(1)}× (gzip ${(q.jsonGzipBytes / q.parquetBytesRead).toFixed(1)}×)`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchArchive({ purchaseOrders: Number(process.env.BENCH_POS ?? 1000) });
  console.log(formatArchive(result));
}
