import { expect } from 'vitest';
import { loadNamedQueries } from '#infra/named-queries.ts';
import {
  type ArchiveDatabase,
  openArchiveDatabase,
  type ResultValue,
} from '#local/analytics/duckdb-archive.ts';
import type { ExportSummary } from '#shared/use-cases/archive/export-archive.ts';
import type { startTestSystem } from './local-system.ts';

type TestSystem = Awaited<ReturnType<typeof startTestSystem>>;

const HOUR = 3_600_000;

/** DuckDB's values as the tests compare them: counts as numbers, instants as ISO strings. */
export function plain(rows: Record<string, ResultValue>[]): Record<string, unknown>[] {
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [
        k,
        typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v,
      ]),
    ),
  );
}

/**
 * Sleeps the business clock past the current hour and the export's five minutes of settling, so
 * every hour with a write in it is complete, then fires the hourly export as its schedule would.
 */
export async function exportCompletedHours(system: TestSystem): Promise<ExportSummary> {
  const now = system.runtime.clock.now().getTime();
  await system.runtime.clock.sleep(HOUR - (now % HOUR) + 6 * 60_000);
  const run = await system.runtime.schedules.fireNow('ExportArchive/Schedule');
  expect(run.error).toBeUndefined();
  return run.result as ExportSummary;
}

/** A named query by name, with its parameters, answered as {@link plain} rows. */
export type NamedQueryRunner = (name: string, params?: string[]) => Promise<Record<string, unknown>[]>;

/** The local archive mirror, synced and opened with DuckDB, and a runner of the named queries over it. */
export async function openNamedQueries(
  system: TestSystem,
): Promise<{ db: ArchiveDatabase; run: NamedQueryRunner }> {
  await system.archive.sync();
  const db = await openArchiveDatabase(system.archive.dir);
  const queries = new Map(loadNamedQueries().map((q) => [q.name, q]));
  const run: NamedQueryRunner = async (name, params = []) => {
    const query = queries.get(name);
    if (!query) throw new Error(`no named query ${name} in analytics/queries`);
    return plain(await db.query(query.sql, params));
  };
  return { db, run };
}
