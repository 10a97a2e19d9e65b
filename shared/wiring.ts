import * as z from 'zod';

/**
 * The wiring manifest: the one description of which function runs on which trigger, with which
 * environment, written by the CDK constructs next to the template (`<outdir>/acorn-wiring.json`)
 * and read by the local runtime. Nobody writes it by hand and nobody interprets CloudFormation.
 */

/**
 * An environment value. Literals are copied as they are; a `resource` names a resource of the
 * manifest whose local physical name (table name, bucket name, queue URL, bus name, secret id)
 * the runtime substitutes.
 */
export const wiringEnvValueSchema = z.union([
  z.strictObject({ literal: z.string() }),
  z.strictObject({ resource: z.string() }),
]);

export const wiringResourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('table'),
    id: z.string(),
    partitionKey: z.string(),
    sortKey: z.string().optional(),
    globalIndexes: z.array(
      z.strictObject({ name: z.string(), partitionKey: z.string(), sortKey: z.string().optional() }),
    ),
  }),
  z.strictObject({ kind: z.literal('bucket'), id: z.string(), objectLock: z.boolean() }),
  z.strictObject({
    kind: z.literal('queue'),
    id: z.string(),
    fifo: z.boolean(),
    visibilityTimeoutSeconds: z.number(),
    deadLetterQueue: z.string().optional(),
    maxReceiveCount: z.number().optional(),
  }),
  z.strictObject({ kind: z.literal('bus'), id: z.string() }),
  z.strictObject({
    kind: z.literal('secret'),
    id: z.string(),
    /** Example value the local runtime stores (never a real credential). */
    localValue: z.record(z.string(), z.string()).optional(),
  }),
  z.strictObject({ kind: z.literal('stateMachine'), id: z.string(), definitionFile: z.string() }),
]);

export const wiringTriggerSchema = z.discriminatedUnion('type', [
  /** EventBridge Scheduler: `rate(15 minutes)` or `cron(...)`; `input` is the event passed. */
  z.strictObject({
    type: z.literal('schedule'),
    id: z.string(),
    expression: z.string(),
    input: z.unknown().optional(),
  }),
  /** EventBridge rule on a bus with an event pattern. */
  z.strictObject({
    type: z.literal('rule'),
    id: z.string(),
    bus: z.string(),
    pattern: z.record(z.string(), z.unknown()),
  }),
  /** SQS event source mapping. */
  z.strictObject({
    type: z.literal('queue'),
    queue: z.string(),
    batchSize: z.number(),
    reportBatchItemFailures: z.boolean(),
  }),
  /** S3 object created under a prefix of a bucket (EventBridge "Object Created"). */
  z.strictObject({ type: z.literal('inbox'), bucket: z.string(), prefix: z.string() }),
  /**
   * HTTP route (API Gateway HTTP API / function URL). `authorization`: `jwt` routes need a bearer
   * token the local HTTP layer verifies as API Gateway's JWT authorizer does; absent means none.
   * A `none` route names in `verifiedBy` the check its handler makes of the caller's signature.
   */
  z.strictObject({
    type: z.literal('http'),
    method: z.string(),
    path: z.string(),
    authorization: z.enum(['jwt', 'iam', 'none']).optional(),
    verifiedBy: z.string().optional(),
  }),
]);

export const wiringFunctionSchema = z.strictObject({
  /** Construct id, also the key of the function in the manifest. */
  id: z.string(),
  /** Source file relative to the project root, e.g. `functions/vendor-ingest/pull-purchase-orders.ts`. */
  entry: z.string(),
  /** Exported handler name. */
  handler: z.string(),
  timeoutSeconds: z.number(),
  environment: z.record(z.string(), wiringEnvValueSchema),
  triggers: z.array(wiringTriggerSchema),
});

export const wiringManifestSchema = z.strictObject({
  version: z.literal(1),
  resources: z.array(wiringResourceSchema),
  functions: z.array(wiringFunctionSchema),
});

export type WiringEnvValue = z.infer<typeof wiringEnvValueSchema>;
export type WiringResource = z.infer<typeof wiringResourceSchema>;
export type WiringTrigger = z.infer<typeof wiringTriggerSchema>;
export type WiringFunction = z.infer<typeof wiringFunctionSchema>;
export type WiringManifest = z.infer<typeof wiringManifestSchema>;

/** File name of the manifest inside the CDK output directory. */
export const WIRING_MANIFEST_FILE = 'acorn-wiring.json';
