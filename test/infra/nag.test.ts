import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '#infra/build-app.ts';
import { NAG_PLUGIN } from '#infra/constructs/nag.ts';
import { PROJECT_ROOT } from '#infra/constructs/node-function.ts';
import { type NagReport, readNagReport, synth } from './support.ts';

describe('cdk-nag AwsSolutions checks', () => {
  let built: BuiltApp;
  let report: NagReport;
  let acknowledgements: { id: string; path: string }[];

  beforeAll(() => {
    // The same synthesis `cdk synth` runs, checks included; an unacknowledged error would throw here.
    built = synth({ checks: true });
    report = readNagReport(built.assembly.directory);
    acknowledgements = built.app.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.keys(entry.data as Record<string, string>))
        .filter((id) => id.startsWith(`${NAG_PLUGIN}::`))
        .map((id) => ({ id, path: construct.node.path })),
    );
  });

  it('report no unacknowledged finding, error or warning', () => {
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
    expect(report.conclusion).toBe('success');
  });

  it('have no acknowledgement that no finding needs', () => {
    const used = new Set(
      (report.suppressedViolations ?? []).map((s) => `${s.acknowledgedId} @ ${s.acknowledgedAt}`),
    );
    const unused = acknowledgements.map((a) => `${a.id} @ ${a.path}`).filter((a) => !used.has(a));
    expect(unused).toEqual([]);
  });

  it('acknowledge findings one by one, never a whole wildcard rule', () => {
    for (const { id } of acknowledgements) {
      expect(id).not.toMatch(/::AwsSolutions-IAM[45]$/);
    }
  });

  it('list every acknowledgement in docs/cdk-nag.md with the resource it is placed on', () => {
    const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'cdk-nag.md'), 'utf8');
    const rows = doc.split('\n').filter((line) => line.startsWith('|'));
    const missing = acknowledgements.filter(({ id, path }) => {
      // A cross-stack reference appears in a finding as its export name, which starts with the
      // stack name: the page writes `<name>-stateful:ExportsOutput…`.
      const finding = id.slice(`${NAG_PLUGIN}::`.length).replaceAll(`${built.config.name}-`, '<name>-');
      const pathInStack = path.split('/').slice(1).join('/');
      return !rows.some((row) => row.includes(`\`${finding}\``) && row.includes(`\`${pathInStack}\``));
    });
    expect(missing).toEqual([]);
  });
});
