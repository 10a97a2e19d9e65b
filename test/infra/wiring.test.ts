import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '#infra/build-app.ts';
import { NodeFunction, PROJECT_ROOT } from '#infra/constructs/node-function.ts';
import { Wiring } from '#infra/constructs/wiring.ts';
import {
  WIRING_MANIFEST_FILE,
  type WiringManifest,
  type WiringResource,
  wiringManifestSchema,
} from '#shared/wiring.ts';
import { logicalIdOf, synth, tempDir } from './support.ts';

interface CfnResource {
  Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: a synthesised template is untyped JSON, read field by field.
  Properties: Record<string, any>;
}
type Resources = Record<string, CfnResource>;

const CFN_TYPE: Record<WiringResource['kind'], string> = {
  table: 'AWS::DynamoDB::GlobalTable',
  bucket: 'AWS::S3::Bucket',
  queue: 'AWS::SQS::Queue',
  bus: 'AWS::Events::EventBus',
  secret: 'AWS::SecretsManager::Secret',
  stateMachine: 'AWS::StepFunctions::StateMachine',
};

/**
 * The manifest written by buildApp, checked against the synthesised templates: the local runtime
 * trusts the manifest, AWS runs the templates, and this test keeps the two the same.
 */
describe('wiring manifest', () => {
  let built: BuiltApp;
  let manifest: WiringManifest;
  let outdir: string;
  let resources: Resources;
  let exportsByName: Record<string, unknown>;

  /** Logical id of the construct registered under a manifest id. */
  const logicalIdOfManifestId = (id: string): string => {
    const construct = Wiring.of(built.app).constructOf(id);
    if (!construct) throw new Error(`nothing is registered as ${id}`);
    return logicalIdOf(construct instanceof NodeFunction ? construct.function : construct);
  };

  /** The logical id a template value refers to, following a cross-stack import to its export. */
  const referencedLogicalId = (value: unknown): string | undefined => {
    const v = value as Record<string, unknown>;
    if (typeof v?.Ref === 'string') return v.Ref;
    if (Array.isArray(v?.['Fn::GetAtt'])) return v['Fn::GetAtt'][0] as string;
    if (typeof v?.['Fn::ImportValue'] === 'string')
      return referencedLogicalId(exportsByName[v['Fn::ImportValue']]);
    return undefined;
  };

  beforeAll(() => {
    outdir = tempDir();
    built = synth({ outdir });
    manifest = wiringManifestSchema.parse(
      JSON.parse(readFileSync(join(outdir, WIRING_MANIFEST_FILE), 'utf8')),
    );
    resources = {};
    exportsByName = {};
    for (const stack of [built.stateful, built.stateless]) {
      const template = built.assembly.getStackArtifact(stack.artifactId).template;
      Object.assign(resources, template.Resources);
      for (const output of Object.values(template.Outputs ?? {}) as {
        Value: unknown;
        Export?: { Name: string };
      }[]) {
        if (output.Export) exportsByName[output.Export.Name] = output.Value;
      }
    }
  });

  it('is written next to the templates and equals what buildApp returns', () => {
    expect(built.manifestPath).toBe(join(outdir, WIRING_MANIFEST_FILE));
    expect(manifest).toEqual(built.manifest);
  });

  it('describes every Lambda function of the app, and only those', () => {
    const inTemplate = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id]) => id)
      .sort();

    expect(manifest.functions.map((fn) => logicalIdOfManifestId(fn.id)).sort()).toEqual(inTemplate);
  });

  it('describes each resource with the type and settings it has in the template', () => {
    for (const resource of manifest.resources) {
      const cfn = resources[logicalIdOfManifestId(resource.id)];
      expect(cfn?.Type, resource.id).toBe(CFN_TYPE[resource.kind]);
      switch (resource.kind) {
        case 'table': {
          const keyOf = (schema: { AttributeName: string; KeyType: string }[], type: string) =>
            schema.find((k) => k.KeyType === type)?.AttributeName;
          expect(keyOf(cfn!.Properties.KeySchema, 'HASH')).toBe(resource.partitionKey);
          expect(keyOf(cfn!.Properties.KeySchema, 'RANGE')).toBe(resource.sortKey);
          const indexes = (
            cfn!.Properties.GlobalSecondaryIndexes as { IndexName: string; KeySchema: never[] }[]
          ).map((index) => ({
            name: index.IndexName,
            partitionKey: keyOf(index.KeySchema, 'HASH'),
            sortKey: keyOf(index.KeySchema, 'RANGE'),
          }));
          expect(indexes).toEqual(resource.globalIndexes);
          break;
        }
        case 'bucket':
          expect(cfn!.Properties.ObjectLockEnabled === true, resource.id).toBe(resource.objectLock);
          break;
        case 'queue':
          expect(cfn!.Properties.FifoQueue === true).toBe(resource.fifo);
          expect(cfn!.Properties.VisibilityTimeout ?? 30).toBe(resource.visibilityTimeoutSeconds);
          if (resource.deadLetterQueue) {
            expect(referencedLogicalId(cfn!.Properties.RedrivePolicy.deadLetterTargetArn)).toBe(
              logicalIdOfManifestId(resource.deadLetterQueue),
            );
            expect(cfn!.Properties.RedrivePolicy.maxReceiveCount).toBe(resource.maxReceiveCount);
          } else {
            expect(cfn!.Properties.RedrivePolicy).toBeUndefined();
          }
          break;
        default:
          break;
      }
    }
  });

  describe.each([
    'PullPurchaseOrders',
    'PullPurchaseOrderStatus',
    'HandleCredentialNotification',
    'ListPurchaseOrders',
  ])('function %s', (id) => {
    const entryOf = () => {
      const fn = manifest.functions.find((f) => f.id === id);
      if (!fn) throw new Error(`${id} is not in the manifest`);
      return { fn, logicalId: logicalIdOfManifestId(id), cfn: resources[logicalIdOfManifestId(id)]! };
    };

    it('has an existing entry file, its handler and its timeout', () => {
      const { fn, cfn } = entryOf();
      expect(existsSync(join(PROJECT_ROOT, fn.entry))).toBe(true);
      expect(cfn.Properties.Handler).toBe(`index.${fn.handler}`);
      expect(cfn.Properties.Timeout).toBe(fn.timeoutSeconds);
    });

    it('has exactly the environment of the template: literals equal, resources referencing the registered one', () => {
      const { fn, cfn } = entryOf();
      const variables = cfn.Properties.Environment.Variables as Record<string, unknown>;

      expect(Object.keys(fn.environment).sort()).toEqual(Object.keys(variables).sort());
      for (const [name, value] of Object.entries(fn.environment)) {
        if ('literal' in value) expect(variables[name], name).toBe(value.literal);
        else expect(referencedLogicalId(variables[name]), name).toBe(logicalIdOfManifestId(value.resource));
      }
    });

    it('has exactly the triggers of the template', () => {
      const { fn, logicalId } = entryOf();
      const byType = <T extends string>(type: T) => Object.values(resources).filter((r) => r.Type === type);
      const schedules = byType('AWS::Scheduler::Schedule').filter(
        (s) => referencedLogicalId(s.Properties.Target.Arn) === logicalId,
      );
      const mappings = byType('AWS::Lambda::EventSourceMapping').filter(
        (m) => referencedLogicalId(m.Properties.FunctionName) === logicalId,
      );
      const integrations = Object.entries(resources)
        .filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Integration')
        .filter(([, r]) => referencedLogicalId(r.Properties.IntegrationUri) === logicalId)
        .map(([integrationId]) => integrationId);
      const routes = byType('AWS::ApiGatewayV2::Route').filter((r) =>
        integrations.some((i) => JSON.stringify(r.Properties.Target).includes(`"Ref":"${i}"`)),
      );

      const expected = { schedule: 0, queue: 0, http: 0 };
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
                  referencedLogicalId(m.Properties.EventSourceArn) === logicalIdOfManifestId(trigger.queue) &&
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
          default:
            throw new Error(`no template check for trigger type ${trigger.type} yet`);
        }
      }
      expect({ schedule: schedules.length, queue: mappings.length, http: routes.length }).toEqual(expected);
    });
  });

  it('names each function and resource once', () => {
    const ids = [...manifest.resources.map((r) => r.id), ...manifest.functions.map((f) => f.id)];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is also written for a quick build without bundling or checks (the local runtime)', () => {
    const quick = synth({ outdir: tempDir(), checks: false, bundling: false });
    expect(existsSync(quick.manifestPath)).toBe(true);
    expect(quick.manifest).toEqual(manifest);
  });
});
