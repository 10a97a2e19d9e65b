import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CURRENT_VERSION_EXPIRED_FLAGS, VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { type BuildAppOptions, type BuiltApp, buildApp } from '#infra/build-app.ts';
import { type AcornConfig, loadAcornConfig, parseAcornConfig } from '#infra/config.ts';
import { NAG_PLUGIN } from '#infra/constructs/nag.ts';
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

/**
 * An empty app with the project's feature flags (cdk.json, as buildApp passes them) and bundling
 * off, for tests that compose their own stacks around the real constructs.
 */
export function testApp(outdir: string = tempDir()): App {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  const flags = Object.entries(cdkJson.context ?? {}).filter(
    ([flag]) => !CURRENT_VERSION_EXPIRED_FLAGS.includes(flag),
  );
  return new App({ outdir, context: { ...Object.fromEntries(flags), 'aws:cdk:bundling-stacks': [] } });
}

/** The synthesised template of a stack of a built app. */
export function templateOf(built: BuiltApp, stack: Stack): Template {
  return Template.fromJSON(built.assembly.getStackArtifact(stack.artifactId).template);
}

/** The synthesised template of the stack (top-level or nested) a construct is in. */
export function stackTemplateOf(built: BuiltApp, construct: IConstruct): Template {
  const stack = Stack.of(construct);
  if (stack instanceof NestedStack) {
    return Template.fromJSON(
      JSON.parse(readFileSync(join(built.assembly.directory, stack.templateFile), 'utf8')),
    );
  }
  return templateOf(built, stack);
}

/** The templates of a top-level stack's nested stacks. */
export function nestedTemplatesOf(built: BuiltApp, stack: Stack): Template[] {
  return stack.node
    .findAll()
    .filter((c): c is NestedStack => c instanceof NestedStack)
    .map((nested) => stackTemplateOf(built, nested));
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
  return Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([id]) => !isCdkBucketDeployment(id))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

/**
 * CDK's BucketDeployment handler (one per stack), which copies the console's built files into its
 * bucket at deploy time: the one Lambda function not created through NodeFunction, with CDK's own
 * grants on the site bucket and the bootstrap asset bucket (acknowledged in docs/cdk-nag.md). It
 * never runs locally and never touches the table or the archive.
 */
export function isCdkBucketDeployment(logicalId: string): boolean {
  return logicalId.startsWith('CustomCDKBucketDeployment');
}

/** The cdk-nag part of the validation report CDK writes next to the templates. */
export interface NagReport {
  pluginName: string;
  conclusion: string;
  violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
  suppressedViolations?: { ruleName: string; acknowledgedId: string; acknowledgedAt: string }[];
}

/** The cdk-nag report of a synthesis with checks on, from its cloud assembly directory. */
export function readNagReport(assemblyDirectory: string): NagReport {
  const reports = JSON.parse(readFileSync(join(assemblyDirectory, VALIDATION_REPORT_FILE), 'utf8')) as {
    pluginReports: NagReport[];
  };
  const nag = reports.pluginReports.find((r) => r.pluginName === NAG_PLUGIN);
  if (!nag) throw new Error(`no ${NAG_PLUGIN} report in ${VALIDATION_REPORT_FILE}`);
  return nag;
}
