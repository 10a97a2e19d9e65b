import { ConfigurationError } from '#shared/errors.ts';
import type { WiringEnvValue, WiringManifest, WiringResource } from '#shared/wiring.ts';

/**
 * The local physical names of manifest resources: stable (the same on every start, so persisted
 * tables, objects and secrets are found again) and valid for each service's naming rules. The
 * value a function's `{resource: id}` environment entry receives is what the matching SDK call
 * takes: table name, bucket name, queue URL, bus name, secret name, state machine ARN.
 */

export interface PhysicalResource {
  resource: WiringResource;
  /** The service-level name (queue name, state machine name, …). */
  name: string;
  /** What a function's environment receives for `{resource: id}`. */
  envValue: string;
  arn: string;
}

export interface NameContext {
  region: string;
  accountId: string;
  /** Base URL of the SQS endpoint, for queue URLs. */
  sqsEndpoint: string;
  /** Prefix of every name. Default `acorn`. */
  prefix?: string;
}

/** `PurchaseOrders_Queue` → `purchase-orders-queue`. */
export function kebab(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
}

export function physicalResource(resource: WiringResource, ctx: NameContext): PhysicalResource {
  const prefix = ctx.prefix ?? 'acorn';
  const { region, accountId } = ctx;
  const base = `${prefix}-${kebab(resource.id)}`;
  switch (resource.kind) {
    case 'table': {
      const name = base.slice(0, 255);
      return { resource, name, envValue: name, arn: `arn:aws:dynamodb:${region}:${accountId}:table/${name}` };
    }
    case 'bucket': {
      const name = base.slice(0, 63).replace(/-+$/, '');
      return { resource, name, envValue: name, arn: `arn:aws:s3:::${name}` };
    }
    case 'queue': {
      const name = resource.fifo ? `${base.slice(0, 75)}.fifo` : base.slice(0, 80);
      return {
        resource,
        name,
        // fauxqs finds queues by the path of the URL, so a loopback URL works with the SDK's
        // default useQueueUrlAsEndpoint, without resolving `sqs.<region>.localhost`.
        envValue: `${ctx.sqsEndpoint}/${accountId}/${name}`,
        arn: `arn:aws:sqs:${region}:${accountId}:${name}`,
      };
    }
    case 'bus':
      return {
        resource,
        name: base,
        envValue: base,
        arn: `arn:aws:events:${region}:${accountId}:event-bus/${base}`,
      };
    case 'secret': {
      const name = `${prefix}/${kebab(resource.id)}`;
      // The ARN carries a random suffix only the secrets emulator knows; the name is enough for the SDK.
      return {
        resource,
        name,
        envValue: name,
        arn: `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}`,
      };
    }
    case 'stateMachine': {
      const arn = `arn:aws:states:${region}:${accountId}:stateMachine:${base}`;
      return { resource, name: base, envValue: arn, arn };
    }
  }
}

/** Physical resources of a manifest by resource id. */
export function physicalResources(manifest: WiringManifest, ctx: NameContext): Map<string, PhysicalResource> {
  const out = new Map<string, PhysicalResource>();
  for (const resource of manifest.resources) {
    if (out.has(resource.id))
      throw new ConfigurationError(`The wiring manifest names resource ${resource.id} twice`);
    out.set(resource.id, physicalResource(resource, ctx));
  }
  return out;
}

/** Resolves a function's manifest environment to strings. */
export function resolveEnvironment(
  functionId: string,
  environment: Record<string, WiringEnvValue>,
  resources: ReadonlyMap<string, PhysicalResource>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment)) {
    if ('literal' in value) {
      out[name] = value.literal;
    } else {
      const physical = resources.get(value.resource);
      if (!physical) {
        throw new ConfigurationError(
          `Function ${functionId}: environment ${name} names resource ${value.resource}, which the manifest does not define`,
        );
      }
      out[name] = physical.envValue;
    }
  }
  return out;
}
