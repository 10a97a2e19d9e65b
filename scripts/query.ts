/**
 * SQL over the local archive with DuckDB: the same datasets and named queries analysts run in
 * Athena, without AWS.
 *
 *   npm run query -- "SELECT count(*) FROM purchase_orders"     # any SQL over the datasets
 *   npm run query -- po_fill_rate                               # a named query (analytics/queries/)
 *   npm run query -- entity_history PurchaseOrder 4R9DIAQD      # a named query with its parameters
 *   npm run query -- --list                                     # the named queries
 *   npm run query -- --json po_fill_rate                        # JSON lines instead of a table
 *
 * Reads `.acorn/archive/` (`--archive <dir>` for another copy): the copy of the local archive
 * bucket that `npm start` keeps, laid out as in S3 (docs/archive.md).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '#infra/bundling.ts';
import { loadNamedQueries } from '#infra/named-queries.ts';
import { openArchiveDatabase, type ResultValue } from '#local/analytics/duckdb-archive.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    archive: { type: 'string' },
    list: { type: 'boolean' },
    json: { type: 'boolean' },
  },
});

const named = new Map(loadNamedQueries().map((q) => [q.name, q]));

if (values.list) {
  for (const query of named.values()) {
    const params = query.parameters
      ? ` (${query.parameters} parameter${query.parameters > 1 ? 's' : ''})`
      : '';
    console.log(`${query.name}${params}\n  ${query.description}\n`);
  }
  process.exit(0);
}

const [first, ...params] = positionals;
if (!first) {
  console.error('Usage: npm run query -- "<SQL>" | <named query> [parameters...] | --list');
  process.exit(2);
}
const query = named.get(first);
const sql = query?.sql ?? first;
if (query && params.length !== query.parameters) {
  console.error(`${query.name} takes ${query.parameters} parameter(s), got ${params.length}`);
  process.exit(2);
}

/** A value as a person reads it in a table. */
function show(value: ResultValue): string | number | boolean | null {
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    return value;
  }
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

const db = await openArchiveDatabase(values.archive ?? join(PROJECT_ROOT, '.acorn', 'archive'));
try {
  const rows = (await db.query(sql, params)).map((row) =>
    Object.fromEntries(Object.entries(row).map(([name, value]) => [name, show(value)])),
  );
  if (values.json) {
    for (const row of rows) console.log(JSON.stringify(row));
  } else if (rows.length === 0) {
    console.log('(no rows)');
  } else {
    console.table(rows);
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  db.close();
}
