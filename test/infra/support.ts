import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { type BuildAppOptions, type BuiltApp, buildApp } from '#infra/build-app.ts';
import { type AcornConfig, loadAcornConfig, parseAcornConfig } from '#infra/config.ts';
import { PROJECT_ROOT } from '#infra/constructs/node-function.ts';

/** The example configuration at the project root. */
export function exampleConfig(): AcornConfig {
  return loadAcornConfig(join(PROJECT_ROOT, 'acorn.config.json'));
}

/** The example configuration with parts replaced, validated like a file would be. */
export function configWith(overrides: Record<string, unknown>): AcornConfig {
  const raw = JSON.parse(JSON.stringify(exampleConfig())) as Record<string, unknown>;
  return parseAcornConfig({ ...raw, ...overrides }, 'test configuration');
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'acorn-infra-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Synthesises the app in-process without bundling (and, unless asked, without cdk-nag, which
 * nag.test.ts runs), into a fresh directory.
 */
export function synth(options: BuildAppOptions = {}): BuiltApp {
  return buildApp({ config: exampleConfig(), outdir: tempDir(), bundling: false, checks: false, ...options });
}

/** The synthesised template of a stack of a built app. */
export function templateOf(built: BuiltApp, stack: Stack): Template {
  return Template.fromJSON(built.assembly.getStackArtifact(stack.artifactId).template);
}

/** Logical id of a construct's CloudFormation resource (its default child, or itself). */
export function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

/** One IAM policy statement as synthesised. */
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

/** Every statement of every AWS::IAM::Policy attached to the role with logical id `roleId`. */
export function statementsOfRole(template: Template, roleId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) =>
      (policy.Properties.Roles as unknown[]).some(
        (r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId }),
      ),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

/** Actions of statements as a flat list. */
export function actionsOf(statements: Statement[]): string[] {
  return statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

/** Every statement of every IAM policy of a template. */
export function allStatements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  );
}
