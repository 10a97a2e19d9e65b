import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '#infra/build-app.ts';
import { parseAcornConfig } from '#infra/config.ts';
import { PROJECT_ROOT } from '#infra/constructs/node-function.ts';
import { toRuntimeConfig } from '#infra/runtime-config.ts';
import { ValidationError } from '#shared/errors.ts';
import { configWith, exampleConfig, tempDir } from './support.ts';

/** Writes the example configuration with one change to a file and returns its path. */
function badConfigFile(change: (raw: Record<string, unknown>) => void): string {
  const raw = JSON.parse(JSON.stringify(exampleConfig())) as Record<string, unknown>;
  change(raw);
  const path = join(tempDir(), 'acorn.config.json');
  writeFileSync(path, JSON.stringify(raw));
  return path;
}

describe('configuration', () => {
  it('rejects an archive retention under 548 days', () => {
    // Prepare
    const raw = {
      ...exampleConfig(),
      archive: { retentionDays: 365, objectLockMode: 'GOVERNANCE', coldStorageAfterDays: 90 },
    };

    // Act & Assess
    expect(() => parseAcornConfig(raw)).toThrow(/archive\.retentionDays: at least 548 days/);
  });

  it('names the path of a field of the wrong type', () => {
    const raw = JSON.parse(JSON.stringify(exampleConfig()));
    raw.vendors[1].acknowledgementDeadlineHours = 'soon';

    let error: unknown;
    try {
      parseAcornConfig(raw);
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
      'vendors[1].acknowledgementDeadlineHours',
    ]);
  });

  it('fails buildApp on a bad file named by context, naming the file and the field', () => {
    const path = badConfigFile((raw) => {
      raw.archive = { retentionDays: 100 };
    });

    expect(() =>
      buildApp({ context: { config: path }, outdir: tempDir(), bundling: false, checks: false }),
    ).toThrow(new RegExp(`Invalid ${path.replaceAll('.', '\\.')}: archive\\.retentionDays`));
  });

  it('makes `cdk synth` (infra/app.ts) exit 1 with the bad field, without a stack trace', () => {
    const path = badConfigFile((raw) => {
      raw.spApi = { accounts: [{ id: 'example-eu', region: 'mars' }] };
    });

    const run = spawnSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['infra/app.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ACORN_CONFIG: path, CDK_OUTDIR: tempDir() },
      encoding: 'utf8',
    });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`Invalid ${path}: spApi.accounts[0].region`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('gives every automation module a mode, `simulate` where the configuration is silent', () => {
    const config = configWith({ automation: { purchaseOrders: 'live', invoices: 'off' } });

    const runtime = toRuntimeConfig(config);

    expect(runtime.automation).toEqual({
      purchaseOrders: 'live',
      shipments: 'simulate',
      invoices: 'off',
      creditMemos: 'simulate',
      payments: 'simulate',
      inventory: 'simulate',
      notifications: 'simulate',
    });
  });

  it('hands functions the SP-API accounts, vendors and lookback, and nothing secret', () => {
    const config = configWith({
      spApi: {
        rateLimitFraction: 0.8,
        lwaEndpoint: 'http://localhost:4010/auth/o2/token',
        accounts: [{ id: 'example-eu', region: 'eu', endpoint: 'http://localhost:4010' }],
      },
      vendors: [{ vendorCode: 'ACMEDE', spApiAccount: 'example-eu', marketplaces: ['DE'] }],
    });

    const runtime = toRuntimeConfig(config);

    expect(runtime.spApi).toEqual({
      rateLimitFraction: 0.8,
      retry: { maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 20_000 },
      lwaEndpoint: 'http://localhost:4010/auth/o2/token',
      accounts: [{ id: 'example-eu', region: 'eu', endpoint: 'http://localhost:4010' }],
    });
    expect(runtime.vendors).toEqual([
      {
        vendorCode: 'ACMEDE',
        spApiAccount: 'example-eu',
        marketplaces: ['DE'],
        acknowledgementDeadlineHours: 24,
      },
    ]);
    expect(runtime.initialLookbackDays).toBe(7);
    expect(JSON.stringify(runtime)).not.toMatch(/approver|parties|@example\.com/i);
  });
});
