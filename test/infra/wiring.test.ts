import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '#infra/build-app.ts';
import { PROJECT_ROOT } from '#infra/constructs/node-function.ts';
import {
  WIRING_MANIFEST_FILE,
  type WiringManifest,
  type WiringResource,
  wiringManifestSchema,
} from '#shared/wiring.ts';
import { isCdkBucketDeployment, synth, tempDir } from './support.ts';
import { type CfnResource, SynthesizedWiring } from './wiring-check.ts';

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
  let synthesized: SynthesizedWiring;
  let resources: Record<string, CfnResource>;

  const logicalIdOfManifestId = (id: string): string => synthesized.logicalIdOfManifestId(id);
  const referencedLogicalId = (value: unknown): string | undefined => synthesized.referencedLogicalId(value);

  beforeAll(() => {
    outdir = tempDir();
    built = synth({ outdir });
    manifest = wiringManifestSchema.parse(
      JSON.parse(readFileSync(join(outdir, WIRING_MANIFEST_FILE), 'utf8')),
    );
    synthesized = new SynthesizedWiring(built.app, built.assembly, [built.stateful, built.stateless]);
    resources = synthesized.resources;
  });

  it('is written next to the templates and equals what buildApp returns', () => {
    expect(built.manifestPath).toBe(join(outdir, WIRING_MANIFEST_FILE));
    expect(manifest).toEqual(built.manifest);
  });

  it('describes every Lambda function of the app, and only those', () => {
    const inTemplate = Object.entries(resources)
      .filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && !isCdkBucketDeployment(id))
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
      synthesized.expectEnvironmentMatches(entryOf().fn);
    });

    it('has exactly the triggers of the template: schedules, queues, routes, bus rules and inbox rules', () => {
      synthesized.expectTriggersMatch(entryOf().fn);
    });
  });

  it('has, for every function (not only those above), exactly the environment and triggers of the template', () => {
    for (const fn of manifest.functions) {
      synthesized.expectEnvironmentMatches(fn);
      synthesized.expectTriggersMatch(fn);
    }
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
