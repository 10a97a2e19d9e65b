import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './bundling.ts';

/** Where the analysts' named queries live: one `.sql` file each, the same text for Athena and DuckDB. */
export const NAMED_QUERIES_DIR = join(PROJECT_ROOT, 'analytics', 'queries');

/** One named query. */
export interface NamedQuery {
  /** The file name without `.sql`: the Athena named query's name and `npm run query -- <name>`. */
  readonly name: string;
  /** The leading `--` comment lines, joined: the named query's description. */
  readonly description: string;
  /** The whole file, exactly: the Athena named query's QueryString and what DuckDB runs. */
  readonly sql: string;
  /** Positional `?` parameters the query takes. */
  readonly parameters: number;
}

const NAME = /^[a-z][a-z0-9_]{0,127}$/;
/** Athena's limit on a named query's description. */
const MAX_DESCRIPTION = 1024;

/**
 * Reads every `.sql` file of `dir` (by default analytics/queries/). Each starts with `--` comment
 * lines that describe it; a file without them, or with a name Athena or the CLI would not take,
 * fails synthesis.
 */
export function loadNamedQueries(dir = NAMED_QUERIES_DIR): NamedQuery[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.sql'.length);
      if (!NAME.test(name)) {
        throw new Error(`${join(dir, file)}: a named query is named in lower_snake_case`);
      }
      const sql = readFileSync(join(dir, file), 'utf8');
      const comments: string[] = [];
      for (const line of sql.split('\n')) {
        if (!line.startsWith('--')) break;
        comments.push(line.replace(/^--\s?/, '').trim());
      }
      const description = comments.join(' ').slice(0, MAX_DESCRIPTION);
      if (!description)
        throw new Error(`${join(dir, file)}: start the query with a -- comment describing it`);
      // `?` outside string literals and comments: the positional parameters.
      const code = sql
        .split('\n')
        .map((line) => line.replace(/--.*$/, ''))
        .join('\n')
        .replace(/'(?:[^']|'')*'/g, "''");
      const parameters = (code.match(/\?/g) ?? []).length;
      return { name, description, sql, parameters };
    });
}
