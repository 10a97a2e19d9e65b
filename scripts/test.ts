/**
 * `npm test`: every check CI runs, in order, stopping at the first failure — typecheck, lint, ASL
 * lint, the four vitest tiers (unit, integration, infra, e2e) and a `cdk synth` with cdk-nag.
 * Ends with one plain summary line (`tests: N passed, N failed, N skipped`).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const started = Date.now();

function step(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  const t0 = Date.now();
  process.stdout.write(`\n▶ ${name}\n`);
  const res = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (res.status !== 0) {
    process.stdout.write(`✖ ${name} failed after ${seconds} s\n`);
    summarise();
    process.exit(res.status ?? 1);
  }
  process.stdout.write(`✔ ${name} (${seconds} s)\n`);
}

const reportDir = join(root, '.acorn', 'test-report');
const reportFile = join(reportDir, 'vitest.json');

function summarise(): void {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  try {
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
    };
    passed = report.numPassedTests;
    failed = report.numFailedTests;
    skipped = report.numPendingTests + report.numTodoTests;
  } catch {
    // The tests did not get to run; the failed step above says why.
  }
  process.stdout.write(`\nnpm test took ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  process.stdout.write(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
}

rmSync(reportFile, { force: true });
mkdirSync(reportDir, { recursive: true });
step('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
step('lint', bin('biome'), ['check', '.']);
step('ASL lint', bin('tsx'), ['scripts/lint-asl.ts']);
step('tests (unit, integration, infra, e2e)', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${reportFile}`,
]);
const outdir = mkdtempSync(join(tmpdir(), 'acorn-synth-'));
step('cdk synth with cdk-nag', bin('cdk'), ['synth', '--quiet', '--output', outdir], {
  CDK_DISABLE_CLI_TELEMETRY: 'true',
  CDK_DISABLE_VERSION_CHECK: '1',
});
rmSync(outdir, { recursive: true, force: true });
summarise();
