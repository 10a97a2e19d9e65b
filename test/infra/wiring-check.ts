import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CfnElement, NestedStack, type Stack } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { expect } from 'vitest';
import { NodeFunction } from '#infra/constructs/node-function.ts';
import { Wiring } from '#infra/constructs/wiring.ts';
import type { WiringFunction } from '#shared/wiring.ts';
import { logicalIdOf } from './support.ts';

/** One resource of a synthesised template. */
export interface CfnResource {
  Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: a synthesised template is untyped JSON, read field by field.
  Properties: Record<string, any>;
}

/** What S3 sends to the default bus for a new object (an inbox trigger's rule matches it). */
const OBJECT_CREATED = { source: ['aws.s3'], 'detail-type': ['Object Created'] };

/**
 * The synthesised templates of an app, read the way the wiring manifest is checked against them:
 * resources of all stacks by logical id, references followed through cross-stack exports, and
 * manifest ids mapped to the logical ids of the constructs registered under them.
 */
export class SynthesizedWiring {
  /** Every resource of every stack, by logical id. */
  readonly resources: Record<string, CfnResource> = {};
  readonly #exportsByName: Record<string, unknown> = {};
  /** Nested stacks' parameters: the value each is given by the parent stack. */
  readonly #parameters: Record<string, unknown> = {};
  /** Nested stacks' outputs, as `<stack resource>.Outputs.<name>`. */
  readonly #nestedOutputs: Record<string, unknown> = {};
  readonly #root: IConstruct;

  constructor(root: IConstruct, assembly: CloudAssembly, stacks: readonly Stack[]) {
    this.#root = root;
    for (const stack of stacks) {
      this.#read(assembly.getStackArtifact(stack.artifactId).template);
      // Nested stacks: their resources join the others; a parameter is the value its parent passes,
      // a `Fn::GetAtt [<nested stack>, Outputs.<name>]` the nested template's output.
      for (const nested of stack.node.findAll().filter((c): c is NestedStack => c instanceof NestedStack)) {
        const template = JSON.parse(readFileSync(join(assembly.directory, nested.templateFile), 'utf8'));
        this.#read(template);
        const stackResource = logicalIdOf(nested.nestedStackResource as CfnElement);
        const passed = (this.resources[stackResource]?.Properties.Parameters ?? {}) as Record<
          string,
          unknown
        >;
        Object.assign(this.#parameters, passed);
        for (const [name, output] of Object.entries(template.Outputs ?? {}) as [
          string,
          { Value: unknown },
        ][]) {
          this.#nestedOutputs[`${stackResource}.Outputs.${name}`] = output.Value;
        }
      }
    }
  }

  #read(template: { Resources?: Record<string, CfnResource>; Outputs?: Record<string, unknown> }): void {
    Object.assign(this.resources, template.Resources);
    for (const output of Object.values(template.Outputs ?? {}) as {
      Value: unknown;
      Export?: { Name: string };
    }[]) {
      if (output.Export) this.#exportsByName[output.Export.Name] = output.Value;
    }
  }

  /** Logical id of the construct registered under a manifest id (for a function, its Lambda function). */
  logicalIdOfManifestId(id: string): string {
    const construct = Wiring.of(this.#root).constructOf(id);
    if (!construct) throw new Error(`nothing is registered as ${id}`);
    return logicalIdOf(construct instanceof NodeFunction ? construct.function : construct);
  }

  /** The logical id a template value refers to, following a cross-stack import to its export. */
  referencedLogicalId(value: unknown): string | undefined {
    const v = value as Record<string, unknown>;
    if (typeof v?.Ref === 'string')
      return v.Ref in this.#parameters ? this.referencedLogicalId(this.#parameters[v.Ref]) : v.Ref;
    if (Array.isArray(v?.['Fn::GetAtt'])) {
      const [id, attribute] = v['Fn::GetAtt'] as [string, string];
      const output = this.#nestedOutputs[`${id}.${attribute}`];
      return output === undefined ? id : this.referencedLogicalId(output);
    }
    if (typeof v?.['Fn::ImportValue'] === 'string')
      return this.referencedLogicalId(this.#exportsByName[v['Fn::ImportValue']]);
    return undefined;
  }

  /** Asserts that the function's environment in the template is exactly the manifest's. */
  expectEnvironmentMatches(fn: WiringFunction): void {
    const cfn = this.resources[this.logicalIdOfManifestId(fn.id)]!;
    const variables = cfn.Properties.Environment.Variables as Record<string, unknown>;

    expect(Object.keys(fn.environment).sort(), fn.id).toEqual(Object.keys(variables).sort());
    for (const [name, value] of Object.entries(fn.environment)) {
      if ('literal' in value) expect(variables[name], name).toBe(value.literal);
      else
        expect(this.referencedLogicalId(variables[name]), name).toBe(
          this.logicalIdOfManifestId(value.resource),
        );
    }
  }

  /**
   * Asserts that the function's triggers in the template are exactly the manifest's: each
   * schedule, queue mapping, HTTP route and EventBridge rule targeting the function is recorded,
   * with the same expression, queue, route, bus and event pattern, and nothing else targets it.
   */
  expectTriggersMatch(fn: WiringFunction): void {
    const logicalId = this.logicalIdOfManifestId(fn.id);
    const byType = (type: string) => Object.values(this.resources).filter((r) => r.Type === type);
    const schedules = byType('AWS::Scheduler::Schedule').filter(
      (s) => this.referencedLogicalId(s.Properties.Target.Arn) === logicalId,
    );
    const mappings = byType('AWS::Lambda::EventSourceMapping').filter(
      (m) => this.referencedLogicalId(m.Properties.FunctionName) === logicalId,
    );
    const integrations = Object.entries(this.resources)
      .filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Integration')
      .filter(([, r]) => this.referencedLogicalId(r.Properties.IntegrationUri) === logicalId)
      .map(([integrationId]) => integrationId);
    const routes = byType('AWS::ApiGatewayV2::Route').filter((r) =>
      integrations.some((i) => JSON.stringify(r.Properties.Target).includes(`"Ref":"${i}"`)),
    );
    const rules = byType('AWS::Events::Rule').filter((r) =>
      (r.Properties.Targets as { Arn: unknown }[]).some((t) => this.referencedLogicalId(t.Arn) === logicalId),
    );
    const onDefaultBus = (rule: CfnResource) =>
      rule.Properties.EventBusName === undefined || rule.Properties.EventBusName === 'default';

    const expected = { schedule: 0, queue: 0, http: 0, rule: 0 };
    for (const trigger of fn.triggers) {
      switch (trigger.type) {
        case 'schedule':
          expected.schedule++;
          expect(
            schedules.some(
              (s) =>
                s.Properties.ScheduleExpression === trigger.expression &&
                s.Properties.Target.Input === JSON.stringify(trigger.input ?? {}),
            ),
            trigger.expression,
          ).toBe(true);
          break;
        case 'queue':
          expected.queue++;
          expect(
            mappings.some(
              (m) =>
                this.referencedLogicalId(m.Properties.EventSourceArn) ===
                  this.logicalIdOfManifestId(trigger.queue) &&
                m.Properties.BatchSize === trigger.batchSize &&
                (m.Properties.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures') ===
                  trigger.reportBatchItemFailures,
            ),
            trigger.queue,
          ).toBe(true);
          break;
        case 'http':
          expected.http++;
          expect(
            routes.some((r) => r.Properties.RouteKey === `${trigger.method} ${trigger.path}`),
            trigger.path,
          ).toBe(true);
          break;
        case 'rule': {
          expected.rule++;
          const onBus = (rule: CfnResource) =>
            trigger.bus === 'default'
              ? onDefaultBus(rule)
              : this.referencedLogicalId(rule.Properties.EventBusName) ===
                this.logicalIdOfManifestId(trigger.bus);
          expect(
            rules.filter(onBus).map((r) => r.Properties.EventPattern),
            `rule ${trigger.id} of ${fn.id}`,
          ).toContainEqual(trigger.pattern);
          break;
        }
        case 'inbox': {
          expected.rule++;
          const bucket = this.logicalIdOfManifestId(trigger.bucket);
          const matching = rules.filter(onDefaultBus).filter((rule) => {
            const { source, 'detail-type': detailType, detail, ...rest } = rule.Properties.EventPattern;
            return (
              Object.keys(rest).length === 0 &&
              JSON.stringify({ source, 'detail-type': detailType }) === JSON.stringify(OBJECT_CREATED) &&
              Object.keys(detail).length === 2 &&
              detail.bucket.name.length === 1 &&
              this.referencedLogicalId(detail.bucket.name[0]) === bucket &&
              JSON.stringify(detail.object) === JSON.stringify({ key: [{ prefix: trigger.prefix }] })
            );
          });
          expect(matching.length, `inbox ${trigger.bucket}/${trigger.prefix} of ${fn.id}`).toBe(1);
          break;
        }
        default:
          throw new Error(`no template check for trigger type ${(trigger as { type: string }).type} yet`);
      }
    }
    expect(
      { schedule: schedules.length, queue: mappings.length, http: routes.length, rule: rules.length },
      fn.id,
    ).toEqual(expected);
  }
}
