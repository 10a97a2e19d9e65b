import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { type CloudAssembly, CURRENT_VERSION_EXPIRED_FLAGS } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { WiringManifest } from '#shared/wiring.ts';
import { type AcornConfig, loadAcornConfig } from './config.ts';
import { PROJECT_ROOT } from './constructs/node-function.ts';
import { Wiring } from './constructs/wiring.ts';
import { StatefulStack } from './stacks/stateful-stack.ts';
import { StatelessStack } from './stacks/stateless-stack.ts';

/** Configuration file used when neither context `config` nor ACORN_CONFIG names one. */
export const DEFAULT_CONFIG_PATH = 'acorn.config.json';

/** Account used for synthesis when neither the configuration nor the CLI names one. */
const PLACEHOLDER_ACCOUNT = '111111111111';

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /**
   * The deployment configuration.
   * @default - read and validated from the file named by CDK context `config`, else the
   * ACORN_CONFIG environment variable, else `acorn.config.json` (relative to the working directory)
   */
  readonly config?: AcornConfig;
  /**
   * Directory of the cloud assembly and the wiring manifest.
   * @default - the CLI's output directory (CDK_OUTDIR) or a fresh temporary directory
   */
  readonly outdir?: string;
  /**
   * Bundle the function code with esbuild. Off, functions point at placeholder assets: enough for
   * tests and for the local runtime, which only needs the manifest.
   * @default true
   */
  readonly bundling?: boolean;
  /**
   * Run the cdk-nag AwsSolutions checks during synthesis (an unacknowledged error fails it).
   * @default true
   */
  readonly checks?: boolean;
  /**
   * Extra CDK context.
   * @default - none
   */
  readonly context?: Record<string, unknown>;
}

/** What {@link buildApp} built and synthesised. */
export interface BuiltApp {
  readonly app: App;
  readonly config: AcornConfig;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
  readonly assembly: CloudAssembly;
  /** The wiring manifest, as written. */
  readonly manifest: WiringManifest;
  /** `<outdir>/acorn-wiring.json`. */
  readonly manifestPath: string;
}

/**
 * Builds the Acorn CDK app (stateful and stateless stacks, cdk-nag checks), synthesises it, and
 * writes the wiring manifest next to the templates. `infra/app.ts` calls it for `cdk synth` and
 * `cdk deploy`; tests and the local runtime call it in-process (the local runtime with
 * `{ bundling: false, checks: false }`, to get the manifest in a second or two).
 */
export function buildApp(options: BuildAppOptions = {}): BuiltApp {
  const app = new App({
    ...(options.outdir ? { outdir: options.outdir } : {}),
    // The CLI passes cdk.json's context (feature flags) itself; in-process callers get the same.
    context: {
      ...cdkJsonContext(),
      ...options.context,
      ...(options.bundling === false ? { 'aws:cdk:bundling-stacks': [] } : {}),
    },
  });
  const config = options.config ?? loadAcornConfig(configPathOf(app));

  const env = {
    account: config.aws.account ?? process.env.CDK_DEFAULT_ACCOUNT ?? PLACEHOLDER_ACCOUNT,
    region: config.aws.region,
  };
  const stateful = new StatefulStack(app, `${config.name}-stateful`, {
    env,
    config,
    description: `Acorn ${config.name}: data stores (table, archive, inbox, bus, credentials)`,
  });
  const stateless = new StatelessStack(app, `${config.name}-stateless`, {
    env,
    config,
    stateful,
    description: `Acorn ${config.name}: functions, schedules, queues and API`,
  });
  Tags.of(app).add('acorn:deployment', config.name);

  if (options.checks !== false) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  }

  const assembly = app.synth();
  const wiring = Wiring.of(app);
  const manifestPath = wiring.write(assembly.directory);
  return { app, config, stateful, stateless, assembly, manifest: wiring.manifest(), manifestPath };
}

/**
 * The `context` of the project's cdk.json (feature flags), minus CDK v1 flags that v2 removed:
 * v2 behaves as if they were on and refuses to synthesise when one is set.
 */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson: { context?: Record<string, unknown> } = JSON.parse(
    readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8'),
  );
  return Object.fromEntries(
    Object.entries(cdkJson.context ?? {}).filter(([flag]) => !CURRENT_VERSION_EXPIRED_FLAGS.includes(flag)),
  );
}

/** The configuration file named by context `config`, else ACORN_CONFIG, else the default. */
export function configPathOf(app: App): string {
  const fromContext: unknown = app.node.tryGetContext('config');
  const path =
    (typeof fromContext === 'string' && fromContext) || process.env.ACORN_CONFIG || DEFAULT_CONFIG_PATH;
  return resolve(path);
}
