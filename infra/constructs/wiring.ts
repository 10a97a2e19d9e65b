import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Token } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';
import { parseOrThrow } from '#shared/validation.ts';
import {
  WIRING_MANIFEST_FILE,
  type WiringEnvValue,
  type WiringFunction,
  type WiringManifest,
  type WiringResource,
  type WiringTrigger,
  wiringManifestSchema,
} from '#shared/wiring.ts';

/**
 * Key schema of a table: the one description the TableV2 is built from and the manifest records
 * (TableV2 does not expose its key schema, so it is given once, here).
 */
export interface TableKeySchema {
  /** Partition key attribute (type S). */
  readonly partitionKey: string;
  /** Sort key attribute (type S). @default - none */
  readonly sortKey?: string;
  /** Global secondary indexes, all projecting ALL attributes. */
  readonly globalIndexes: readonly TableIndexSchema[];
}

/** One global secondary index of a {@link TableKeySchema}. */
export interface TableIndexSchema {
  readonly name: string;
  readonly partitionKey: string;
  /** @default - none */
  readonly sortKey?: string;
}

type ResourceOfKind<K extends WiringResource['kind']> = Extract<WiringResource, { kind: K }>;

/** The manifest entry of one function, filled in by the construct that wires the function. */
export interface FunctionWiring {
  /** Records an environment variable exactly as the function receives it. */
  setEnvironment(name: string, value: WiringEnvValue): void;
  /** Records a trigger next to the code that creates it. */
  addTrigger(trigger: WiringTrigger): void;
}

const registries = new WeakMap<IConstruct, Wiring>();

/**
 * The wiring registry of one construct tree (one CDK app). Stateful resources register
 * themselves when they are created; functions record their environment and triggers through
 * the same calls that create the real grants, variables, schedules, event sources and routes
 * (see NodeFunction). After synthesis the app writes {@link Wiring.manifest} next to the
 * templates, where the local runtime reads it: the wiring is described once, by the code that
 * builds it.
 */
export class Wiring {
  /** The registry of the app that `scope` belongs to. */
  static of(scope: IConstruct): Wiring {
    const root = scope.node.root;
    let wiring = registries.get(root);
    if (!wiring) {
      wiring = new Wiring();
      registries.set(root, wiring);
    }
    return wiring;
  }

  readonly #resources = new Map<string, { construct: IConstruct; resource: WiringResource }>();
  readonly #idByConstruct = new Map<IConstruct, string>();
  readonly #functions = new Map<string, { construct: IConstruct; record: WiringFunction }>();

  private constructor() {}

  /** Registers a table with the key schema it was created from. */
  registerTable(id: string, table: dynamodb.ITableV2, keys: TableKeySchema): void {
    this.#add(table, {
      kind: 'table',
      id,
      partitionKey: keys.partitionKey,
      ...(keys.sortKey === undefined ? {} : { sortKey: keys.sortKey }),
      globalIndexes: keys.globalIndexes.map((index) => ({
        name: index.name,
        partitionKey: index.partitionKey,
        ...(index.sortKey === undefined ? {} : { sortKey: index.sortKey }),
      })),
    });
  }

  /** Registers a bucket; whether Object Lock is on is read from the bucket itself. */
  registerBucket(id: string, bucket: s3.Bucket): void {
    const cfn = bucket.node.defaultChild as s3.CfnBucket;
    this.#add(bucket, { kind: 'bucket', id, objectLock: cfn.objectLockEnabled === true });
  }

  /**
   * Registers a queue; FIFO, visibility timeout and dead-letter queue are read from the queue.
   * Its dead-letter queue must be registered first.
   */
  registerQueue(id: string, queue: sqs.Queue): void {
    const cfn = queue.node.defaultChild as sqs.CfnQueue;
    const visibility = cfn.visibilityTimeout;
    if (visibility !== undefined && (typeof visibility !== 'number' || Token.isUnresolved(visibility))) {
      throw new Error(`Queue ${queue.node.path}: the visibility timeout must be a literal number of seconds`);
    }
    const dlq = queue.deadLetterQueue;
    this.#add(queue, {
      kind: 'queue',
      id,
      fifo: queue.fifo,
      // SQS's default when the property is omitted.
      visibilityTimeoutSeconds: visibility ?? 30,
      ...(dlq ? { deadLetterQueue: this.resourceId(dlq.queue), maxReceiveCount: dlq.maxReceiveCount } : {}),
    });
  }

  /** Registers an event bus. */
  registerEventBus(id: string, bus: events.IEventBus): void {
    this.#add(bus, { kind: 'bus', id });
  }

  /** Registers a secret, with the example value the local runtime stores (never a real credential). */
  registerSecret(id: string, secret: secretsmanager.ISecret, localValue?: Record<string, string>): void {
    this.#add(secret, { kind: 'secret', id, ...(localValue ? { localValue } : {}) });
  }

  /** Registers a state machine with the ASL file it is defined by (the local runtime executes that file). */
  registerStateMachine(id: string, stateMachine: sfn.IStateMachine, definitionFile: string): void {
    this.#add(stateMachine, { kind: 'stateMachine', id, definitionFile });
  }

  /** The manifest id of a registered resource; fails synthesis if the resource was never registered. */
  resourceId(construct: IConstruct): string {
    const id = this.#idByConstruct.get(construct);
    if (id === undefined) {
      throw new Error(
        `${construct.node.path} is not registered in the wiring manifest (Wiring.of(scope).register*)`,
      );
    }
    return id;
  }

  /** The manifest entry of a registered resource of the expected kind. */
  resource<K extends WiringResource['kind']>(construct: IConstruct, kind: K): ResourceOfKind<K> {
    const id = this.resourceId(construct);
    const entry = this.#resources.get(id);
    if (entry?.resource.kind !== kind) {
      throw new Error(`${construct.node.path} is registered as ${entry?.resource.kind}, not as ${kind}`);
    }
    return entry.resource as ResourceOfKind<K>;
  }

  /** The construct registered under a manifest id (resource or function), for tests and tools. */
  constructOf(id: string): IConstruct | undefined {
    return this.#resources.get(id)?.construct ?? this.#functions.get(id)?.construct;
  }

  /** Adds a function; its id is the key of the function in the manifest and must be unique in the app. */
  addFunction(
    construct: IConstruct,
    fn: { id: string; entry: string; handler: string; timeoutSeconds: number },
  ): FunctionWiring {
    if (this.#functions.has(fn.id)) {
      throw new Error(`Two functions are named ${fn.id} in the wiring manifest; function ids must be unique`);
    }
    const record: WiringFunction = { ...fn, environment: {}, triggers: [] };
    this.#functions.set(fn.id, { construct, record });
    return {
      setEnvironment: (name, value) => {
        record.environment[name] = value;
      },
      addTrigger: (trigger) => {
        record.triggers.push(trigger);
      },
    };
  }

  /** The manifest, validated against its schema. */
  manifest(): WiringManifest {
    return parseOrThrow(
      wiringManifestSchema,
      {
        version: 1,
        resources: [...this.#resources.values()].map((r) => r.resource),
        functions: [...this.#functions.values()].map((f) => f.record),
      },
      'wiring manifest',
    );
  }

  /** Writes the manifest to `<outdir>/acorn-wiring.json` and returns its path. */
  write(outdir: string): string {
    const path = join(outdir, WIRING_MANIFEST_FILE);
    mkdirSync(outdir, { recursive: true });
    writeFileSync(path, `${JSON.stringify(this.manifest(), null, 2)}\n`);
    return path;
  }

  #add(construct: IConstruct, resource: WiringResource): void {
    if (this.#resources.has(resource.id)) {
      throw new Error(`Two resources are named ${resource.id} in the wiring manifest`);
    }
    if (this.#idByConstruct.has(construct)) {
      throw new Error(
        `${construct.node.path} is already registered as ${this.#idByConstruct.get(construct)}`,
      );
    }
    this.#resources.set(resource.id, { construct, resource });
    this.#idByConstruct.set(construct, resource.id);
  }
}
