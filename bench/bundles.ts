import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, version as esbuildVersion } from 'esbuild';
import * as z from 'zod';
import { bundleBudgetOf, LAMBDA_BUNDLE, PROJECT_ROOT } from '#infra/bundling.ts';
import { physicalResources, resolveEnvironment } from '#local/runtime/physical-names.ts';
import { parseOrThrow } from '#shared/validation.ts';
import type { WiringFunction, WiringManifest } from '#shared/wiring.ts';

const run = promisify(execFile);

export { esbuildVersion };

/** One function bundled the way the node-function construct bundles it. */
export interface FunctionBundle {
  readonly id: string;
  readonly entry: string;
  /** The minified ESM bundle (`<outdir>/<id>/index.mjs`, the construct's file name). */
  readonly outfile: string;
  readonly bytes: number;
  /** From BUNDLE_BUDGET. */
  readonly budgetBytes: number;
  /** Node built-ins the bundle imports at run time (`node:fs`, or a bare `fs` from a CommonJS dependency). */
  readonly builtins: readonly string[];
  /** Every other import esbuild left external: must be empty, or the function fails in Lambda. */
  readonly externals: readonly string[];
  readonly buildMs: number;
}

/**
 * Bundles one function of the wiring manifest with LAMBDA_BUNDLE, the options the node-function
 * construct hands esbuild, and reads from the metafile what the bundle still imports at run time.
 * Shared by the benchmark and the bundle-size budget test, so both report the same bytes.
 */
export async function bundleFunction(
  fn: Pick<WiringFunction, 'id' | 'entry'>,
  outdir: string,
): Promise<FunctionBundle> {
  const outfile = join(outdir, fn.id, 'index.mjs');
  const started = performance.now();
  const result = await build({
    ...LAMBDA_BUNDLE,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    // The construct passes the banner to the esbuild CLI (`--banner:js=`); the JS API takes it per type.
    banner: { js: LAMBDA_BUNDLE.banner },
    entryPoints: [join(PROJECT_ROOT, fn.entry)],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    outfile,
    write: true,
    metafile: true,
    logLevel: 'silent',
  });
  const buildMs = performance.now() - started;
  const imported = new Set(
    Object.values(result.metafile.outputs).flatMap((output) =>
      output.imports.filter((i) => i.external).map((i) => i.path),
    ),
  );
  const builtins = [...imported].filter((path) => path.startsWith('node:') || isBuiltin(path)).sort();
  const externals = [...imported].filter((path) => !builtins.includes(path)).sort();
  return {
    id: fn.id,
    entry: fn.entry,
    outfile,
    bytes: statSync(outfile).size,
    budgetBytes: bundleBudgetOf(fn.entry),
    builtins,
    externals,
    buildMs,
  };
}

/** Median and 90th percentile (nearest rank) of a set of timings. */
export interface Timing {
  readonly runs: number;
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly minMs: number;
  readonly maxMs: number;
}

/** Median and nearest-rank p90 of `samples`. */
export function summarise(samples: readonly number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? sorted[mid]!
      : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
  return {
    runs: sorted.length,
    medianMs: median,
    p90Ms: rank(0.9),
    minMs: sorted[0] ?? Number.NaN,
    maxMs: sorted.at(-1) ?? Number.NaN,
  };
}

/** Module-load time of one bundle in fresh processes. */
export interface ModuleLoad extends Timing {
  readonly id: string;
  /** Whether the module exported its handler function after init (it did not throw). */
  readonly handlerExported: boolean;
  /**
   * Asynchronous work the module's init started and had not finished when the import resolved
   * (timers, sockets, file reads), beyond what a bare `node -e` has; stdio handles are left out.
   */
  readonly pendingAfterImport: readonly string[];
}

/**
 * Runs in each child: times `await import()` of the bundle, that is what a Lambda cold start pays
 * for init (read, compile, evaluate, module-scope clients), then reports and exits.
 */
const CHILD_SCRIPT = `
const before = process.getActiveResourcesInfo();
const started = performance.now();
const mod = await import(process.argv[1]);
const ms = performance.now() - started;
const after = process.getActiveResourcesInfo();
for (const handle of before) after.splice(after.indexOf(handle), 1);
// Init that touches process.stdout opens its pipe; Lambda's stdout is open anyway.
const pending = after.filter((handle) => handle !== 'PipeWrap' && handle !== 'TTYWrap');
process.stdout.write(JSON.stringify({ ms, handler: typeof mod[process.argv[2]] === 'function', handles: pending }));
process.exit(0);
`;

const childReportSchema = z.strictObject({
  ms: z.number(),
  handler: z.boolean(),
  handles: z.array(z.string()),
});

/**
 * The environment a function's container starts with: the function's own variables from the wiring
 * manifest (ACORN_RUNTIME_CONFIG, which the stack builds with toRuntimeConfig from the
 * configuration, TABLE_NAME, EVENT_BUS_NAME, SP_API_SECRET_ID, the Powertools variables), resource
 * names as the local runtime would name them, and the variables Lambda itself sets, with dummy
 * credentials. Enough for init, which makes no network call.
 */
export function containerEnvironment(
  manifest: WiringManifest,
  fn: WiringFunction,
  region: string,
): Record<string, string> {
  const resources = physicalResources(manifest, {
    region,
    accountId: '111111111111',
    sqsEndpoint: `https://sqs.${region}.amazonaws.com`,
  });
  return {
    ...resolveEnvironment(fn.id, fn.environment, resources),
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK',
    AWS_SECRET_ACCESS_KEY: 'benchmark',
    AWS_SESSION_TOKEN: 'benchmark',
    AWS_LAMBDA_FUNCTION_NAME: fn.id,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    TZ: ':UTC',
  };
}

/**
 * Imports `bundle.outfile` `runs` times, each in a fresh `node` (this process's binary) with only
 * `env` set, as a Lambda container starts with only the function's environment.
 */
export async function measureModuleLoad(
  bundle: Pick<FunctionBundle, 'id' | 'outfile'>,
  handler: string,
  env: Record<string, string>,
  runs: number,
): Promise<ModuleLoad> {
  const samples: number[] = [];
  let handlerExported = true;
  const handles = new Set<string>();
  for (let i = 0; i < runs; i++) {
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', CHILD_SCRIPT, pathToFileURL(bundle.outfile).href, handler],
      { env, timeout: 30_000 },
    );
    const report = parseOrThrow(childReportSchema, JSON.parse(stdout), `module-load report of ${bundle.id}`);
    samples.push(report.ms);
    handlerExported &&= report.handler;
    for (const handle of report.handles) handles.add(handle);
  }
  return { id: bundle.id, ...summarise(samples), handlerExported, pendingAfterImport: [...handles] };
}
