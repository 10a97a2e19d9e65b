/**
 * `npm run bench`: PO ingest throughput, bundle sizes, module-load times, the acknowledgement
 * rules engine's lines per second and the archive's objects and bytes read, printed with the
 * machine they were measured on and written to bench/results/latest.json (git-ignored).
 * Figures are measured here and never asserted in tests; the size budget is test/infra/bundle-size.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '#infra/build-app.ts';
import { PROJECT_ROOT } from '#infra/bundling.ts';
import { loadAcornConfig } from '#infra/config.ts';
import { benchArchive, formatArchive } from './archive.ts';
import {
  bundleFunction,
  containerEnvironment,
  esbuildVersion,
  type FunctionBundle,
  type ModuleLoad,
  measureModuleLoad,
} from './bundles.ts';
import { benchIngest, formatIngest } from './ingest.ts';
import { describeMachine, formatMachine } from './machine.ts';

/** POs in the sandbox backlog for the ingest run. */
const PURCHASE_ORDERS = 2_000;
/** POs through the local system for the archive figures. */
const ARCHIVE_PURCHASE_ORDERS = 1_000;
/** Fresh processes per bundle for the module-load time. */
const LOAD_RUNS = 7;

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const ms = (value: number) => value.toFixed(1);

function section(title: string): void {
  console.log(`\n== ${title} ${'='.repeat(Math.max(0, 96 - title.length))}`);
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) =>
        i === 0 || i === cells.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!),
      )
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].map((l) => `  ${l}`).join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const machine = describeMachine();
  console.log('Acorn benchmarks');
  console.log(formatMachine(machine));

  const config = loadAcornConfig(join(PROJECT_ROOT, 'acorn.config.json'));

  section('a. PO ingest throughput');
  const ingest = await benchIngest({ config, purchaseOrders: PURCHASE_ORDERS });
  console.log(formatIngest(ingest));

  section('b. Bundle sizes');
  const dir = mkdtempSync(join(tmpdir(), 'acorn-bench-bundles-'));
  try {
    const built = buildApp({ config, outdir: join(dir, 'cdk.out'), bundling: false, checks: false });
    const functions = built.manifest.functions;
    const bundles: FunctionBundle[] = [];
    for (const fn of functions) bundles.push(await bundleFunction(fn, join(dir, 'bundles')));
    console.log(`  esbuild ${esbuildVersion}, LAMBDA_BUNDLE options (ESM, minified, node24, SDK bundled)`);
    console.log(
      table(
        ['function', 'KB', 'budget KB', '', 'build ms', 'external imports'],
        bundles.map((b) => [
          b.id,
          kb(b.bytes),
          kb(b.budgetBytes),
          b.bytes <= b.budgetBytes ? 'OK' : 'OVER',
          ms(b.buildMs),
          b.externals.length === 0 ? `${b.builtins.length} node built-ins only` : b.externals.join(', '),
        ]),
      ),
    );
    const builtins = [...new Set(bundles.flatMap((b) => b.builtins))].sort();
    const bare = builtins.filter((name) => !name.startsWith('node:'));
    const foreign = bundles.filter((b) => b.externals.length > 0);
    console.log(
      foreign.length === 0
        ? '  metafile: every import is bundled except Node built-ins; nothing else is external.'
        : `  metafile: EXTERNAL MODULES in ${foreign.map((b) => b.id).join(', ')}: the function would fail to load in Lambda`,
    );
    console.log(`  built-ins imported: ${builtins.join(' ')}`);
    if (bare.length > 0) {
      console.log(`  (without the node: prefix, from CommonJS dependencies: ${bare.join(' ')})`);
    }

    section('c. Module-load time (cold init)');
    console.log(
      `  await import(bundle) in a fresh \`node\` (${process.version}) per run with the function's environment, ${LOAD_RUNS} runs each`,
    );
    const loads: ModuleLoad[] = [];
    for (const bundle of bundles) {
      const fn = functions.find((f) => f.id === bundle.id)!;
      const env = containerEnvironment(built.manifest, fn, config.aws.region);
      loads.push(await measureModuleLoad(bundle, fn.handler, env, LOAD_RUNS));
    }
    console.log(
      table(
        ['function', 'median ms', 'p90 ms', 'min ms', 'max ms', 'handler', 'init work pending after import'],
        loads.map((l) => [
          l.id,
          ms(l.medianMs),
          ms(l.p90Ms),
          ms(l.minMs),
          ms(l.maxMs),
          l.handlerExported ? 'ok' : 'MISSING',
          l.pendingAfterImport.length === 0 ? 'nothing' : l.pendingAfterImport.join(', '),
        ]),
      ),
    );
    if (loads.some((l) => l.pendingAfterImport.includes('FSReqPromise'))) {
      console.log(
        '  FSReqPromise: a file read in flight; the SDK clients built at module scope start reading ~/.aws/config',
      );
      console.log('  (defaults mode) when constructed. Lambda has no such file: the read ends in ENOENT.');
    }
    console.log(
      `  p90 is nearest-rank: with ${LOAD_RUNS} runs it is the slowest. Bundles without source maps (the construct adds a`,
    );
    console.log(
      '  .map and NODE_OPTIONS=--enable-source-maps in Lambda, whose parsing is not measured here).',
    );

    section('d. Acknowledgement rules engine (one core)');
    // Its own process: a fresh heap, nothing else sharing the core's JIT and GC.
    const rules = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, 'bench', 'rules-engine.ts')],
      {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
      },
    );
    console.log(rules.stdout.trimEnd());
    if (rules.status !== 0) console.log(`  rules-engine bench failed: ${rules.stderr}`);

    section('e. Archive: objects per 1,000 POs, bytes a named query reads');
    const archive = await benchArchive({ purchaseOrders: ARCHIVE_PURCHASE_ORDERS });
    console.log(formatArchive(archive));

    section('f. Shipments: rows/s on one core, file landing → confirmation accepted');
    // Its own process, like d: a fresh heap for the throughput, its own local system for the latency.
    const shipments = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, 'bench', 'shipments.ts')],
      {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
      },
    );
    console.log(shipments.stdout.trimEnd());
    if (shipments.status !== 0) console.log(`  shipments bench failed: ${shipments.stderr}`);

    section('g. Invoicing: invoices built + validated per second on one core, PDF render time');
    const invoicing = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, 'bench', 'invoices.ts')],
      {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
      },
    );
    console.log(invoicing.stdout.trimEnd());
    if (invoicing.status !== 0) console.log(`  invoicing bench failed: ${invoicing.stderr}`);
    section('h. Payments: matching engine, 1,000,000 lines against 1,000,000 invoices; store writes');
    // Its own process, like d and f, with the old space of a 1,024 MB function.
    const payments = spawnSync(
      process.execPath,
      [
        '--max-old-space-size=512',
        '--expose-gc',
        '--import',
        'tsx',
        join(PROJECT_ROOT, 'bench', 'payments.ts'),
      ],
      { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, BENCH_REMITTANCE_LINES: '1000000' } },
    );
    console.log(payments.stdout.trimEnd());
    if (payments.status !== 0) console.log(`  payments bench failed: ${payments.stderr}`);
    // The store's write throughput, separately: the real adapter against the local emulator.
    const paymentsStore = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, 'bench', 'payments-store.ts')],
      { cwd: PROJECT_ROOT, encoding: 'utf8' },
    );
    console.log(paymentsStore.stdout.trimEnd());
    if (paymentsStore.status !== 0) console.log(`  payments store bench failed: ${paymentsStore.stderr}`);

    section('i. Notifications: a 500-alert burst routed and delivered through the local system');
    // Its own process and local system, like f: pacing runs on real time within each channel's limit.
    const notifications = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, 'bench', 'notifications.ts')],
      { cwd: PROJECT_ROOT, encoding: 'utf8' },
    );
    console.log(notifications.stdout.trimEnd());
    if (notifications.status !== 0) console.log(`  notifications bench failed: ${notifications.stderr}`);

    section('j. Inventory: stock change → Shopify sandbox (p50/p95), SKUs reconciled per minute');
    // Its own process and local system, like f and i: real time, the sandbox's Standard-plan bucket.
    const inventory = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, 'bench', 'inventory.ts')],
      { cwd: PROJECT_ROOT, encoding: 'utf8' },
    );
    console.log(inventory.stdout.trimEnd());
    if (inventory.status !== 0) console.log(`  inventory bench failed: ${inventory.stderr}`);

    const resultsDir = join(PROJECT_ROOT, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const resultsFile = join(resultsDir, 'latest.json');
    writeFileSync(
      resultsFile,
      `${JSON.stringify(
        {
          machine,
          ingest,
          bundles: bundles.map(({ outfile: _outfile, ...b }) => ({ ...b, ok: b.bytes <= b.budgetBytes })),
          moduleLoad: loads,
          archive,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`\nwritten to ${resultsFile} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
