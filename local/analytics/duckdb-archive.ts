import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { DATASET_LIST, type DatasetDefinition, duckDbType } from '#shared/domain/archive/datasets.ts';
import { datasetPrefix } from '#shared/domain/archive/layout.ts';

/** A value of a result row, as DuckDB hands it to JavaScript (BIGINT and HUGEINT as bigint). */
export type ResultValue = null | boolean | number | bigint | string | Uint8Array | Date | object;

/** The archive's datasets as DuckDB views, for the same SQL Athena runs (analytics/queries/). */
export interface ArchiveDatabase {
  /** Runs SQL; `?` placeholders take `params` in order. */
  query(
    sql: string,
    params?: readonly (string | number | boolean | null)[],
  ): Promise<Record<string, ResultValue>[]>;
  close(): void;
}

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

function hasParquet(dir: string): boolean {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).some((file) => file.endsWith('.parquet'));
}

/**
 * The view of one dataset, named like its Glue table: its Parquet files with the Hive partitions
 * as VARCHAR columns after the file's columns (as Athena shows them). A dataset without files
 * yet is an empty view of the same columns, so a query over it answers nothing instead of failing,
 * as Athena does over a partition that has no objects.
 */
function viewSql(archiveDir: string, dataset: DatasetDefinition): string {
  const dir = join(archiveDir, datasetPrefix(dataset.name));
  if (hasParquet(dir)) {
    const glob = join(dir, ...dataset.partitionKeys.map(() => '*'), '*.parquet');
    const hiveTypes = dataset.partitionKeys.map((key) => `'${key}': VARCHAR`).join(', ');
    // Named columns, partitions last in path order: `SELECT *` answers as in Athena.
    const columns = [...dataset.columns.map((c) => c.name), ...dataset.partitionKeys].join(', ');
    return `CREATE OR REPLACE VIEW ${dataset.name} AS SELECT ${columns} FROM read_parquet(${quote(glob)}, hive_partitioning = true, hive_types = {${hiveTypes}}, union_by_name = true)`;
  }
  const columns = [
    ...dataset.columns.map((c) => `CAST(NULL AS ${duckDbType(c.type)}) AS ${c.name}`),
    ...dataset.partitionKeys.map((key) => `CAST(NULL AS VARCHAR) AS ${key}`),
  ];
  return `CREATE OR REPLACE VIEW ${dataset.name} AS SELECT ${columns.join(', ')} WHERE false`;
}

/**
 * Opens an in-memory DuckDB over an archive laid out as in S3 (`<dir>/datasets/…`, the local
 * mirror `.acorn/archive/` by default), with one view per dataset. Runs offline: no extension is
 * loaded, the Parquet reader is built in.
 */
export async function openArchiveDatabase(archiveDir: string): Promise<ArchiveDatabase> {
  const instance = await DuckDBInstance.create(':memory:');
  let connection: DuckDBConnection | undefined;
  try {
    connection = await instance.connect();
    for (const dataset of DATASET_LIST) await connection.run(viewSql(archiveDir, dataset));
  } catch (error) {
    connection?.closeSync();
    instance.closeSync();
    throw error;
  }
  const conn = connection;
  return {
    async query(sql, params = []) {
      const reader = await conn.runAndReadAll(sql, params.length ? (params as DuckDBValue[]) : undefined);
      return reader.getRowObjectsJS() as Record<string, ResultValue>[];
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
