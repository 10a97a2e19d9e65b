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
const TIERS = ['unit', 'integration', 'infra', 'e2e'] as const;
const reportOf = (tier: string) => join(reportDir, `${tier}.json`);

function summarise(): void {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const tier of TIERS) {
    try {
      const report = JSON.parse(readFileSync(reportOf(tier), 'utf8')) as {
        numPassedTests: number;
        numFailedTests: number;
        numPendingTests: number;
        numTodoTests: number;
      };
      passed += report.numPassedTests;
      failed += report.numFailedTests;
      skipped += report.numPendingTests + report.numTodoTests;
    } catch {
      // That tier did not get to run; the failed step above says why.
    }
  }
  process.stdout.write(`\nnpm test took ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  process.stdout.write(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
}

rmSync(reportDir, { recursive: true, force: true });
mkdirSync(reportDir, { recursive: true });
step('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
step('lint', bin('biome'), ['check', '.']);
step('ASL lint', bin('tsx'), ['scripts/lint-asl.ts']);
// One tier at a time: the integration and e2e tiers measure real rates and timeouts on a 2-core
// machine, and should not share it with the CPU-heavy CDK synths of the infra tier.
for (const tier of TIERS) {
  step(`${tier} tests`, bin('vitest'), [
    'run',
    '--project',
    tier,
    '--passWithNoTests',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${reportOf(tier)}`,
  ]);
}
const outdir = mkdtempSync(join(tmpdir(), 'acorn-synth-'));
step('cdk synth with cdk-nag', bin('cdk'), ['synth', '--quiet', '--output', outdir], {
  CDK_DISABLE_CLI_TELEMETRY: 'true',
  CDK_DISABLE_VERSION_CHECK: '1',
});
rmSync(outdir, { recursive: true, force: true });
summarise();
