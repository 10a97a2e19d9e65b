import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '#shared/clock.ts';
import { ConfigurationError } from '#shared/errors.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { type WiringFunction, type WiringManifest, wiringManifestSchema } from '#shared/wiring.ts';
import { type EmulatorEndpoints, startEmulators } from './emulators.ts';
import { FunctionInvocationError, RuntimeClosedError } from './errors.ts';
import { type BusEvent, eventTimeFromDate, type PublishedEvent, type PutEventsInput } from './event-bus.ts';
import type { EventPattern } from './event-pattern.ts';
import { FunctionHost, type FunctionStats, type InvocationRecord } from './function-host.ts';
import {
  buildHttpEvent,
  type HandleHttp,
  type HttpRoute,
  HttpRouter,
  httpResponseFromResult,
  httpRouteListener,
  notFoundResponse,
  unauthorizedResponse,
} from './http-routes.ts';
import { apiGatewayClaims } from './local-jwt.ts';
import { componentLogger, consoleLogSink, type LogSink } from './log.ts';
import { type PhysicalResource, physicalResources, resolveEnvironment } from './physical-names.ts';
import { QueuePoller } from './queue-poller.ts';
import { ensureResources } from './resources.ts';
import { type RuntimeClock, startRuntimeClock } from './runtime-clock.ts';
import { acceleratedWait, type ScheduleRunOutcome, Scheduler, type ScheduleStatus } from './scheduler.ts';
import {
  LocalStepFunctions,
  type LocalStepFunctions as LocalStepFunctionsType,
  type TaskIntegration,
} from './step-functions.ts';

/**
 * The one-machine runtime behind `npm start`: reads only the wiring manifest, creates its
 * resources in the local emulators, runs every function in a Lambda-like worker with the
 * environment the stack gives it (endpoints through AWS_ENDPOINT_URL_*, the shared ACORN_CLOCK)
 * and fires the same triggers: schedules, bus rules, queues, inbox prefixes and HTTP routes.
 */

export interface LocalRuntimeOptions {
  manifest: WiringManifest;
  /** Function entries are relative to it; so are state machine definition files. */
  projectRoot: string;
  /** DynamoDB, S3, secrets and the clock persist here. */
  dataDir: string;
  clock?: {
    /** Clock-time ms per real ms. Default 1. */
    speed?: number;
    /** Epoch ms the clock starts at (unless the saved time of the data directory is later). */
    virtualStart?: number;
  };
  /** Secret values by secret resource id; they replace the stored value on every start. */
  secretsValues?: Record<string, Record<string, unknown>>;
  /** Added to every function's environment, after the manifest's values. */
  envOverrides?: Record<string, string>;
  /** `${Key}` substitutions by state machine resource id; unlisted keys are guessed from ids. */
  stateMachineSubstitutions?: Record<string, Record<string, string>>;
  /** Where every log line goes. Default: stdout, info and above. */
  log?: LogSink;
  /** POWERTOOLS_LOG_LEVEL of the functions. Default INFO. */
  functionLogLevel?: string;
  region?: string;
  /** Warm workers per function. Default 2; per function by id in `functionConcurrency`. */
  defaultConcurrency?: number;
  functionConcurrency?: Record<string, number>;
  /** Start one worker of every function before returning. Default false (cold start on first use). */
  prewarm?: boolean;
  /**
   * Verifies the bearer token of a `jwt` route, as API Gateway's JWT authorizer does (local dev
   * login: local/runtime/local-jwt.ts). Without it every `jwt` route answers 401.
   */
  verifyToken?: (
    token: string,
  ) => { ok: true; claims: Record<string, unknown>; scopes: string[] } | { ok: false; reason: string };
  scheduler?: {
    /** Fire schedules on their own. Default true; `fireNow` works either way. */
    enabled?: boolean;
    /** Fire each schedule once shortly after start. Default true. */
    fireOnStart?: boolean;
    /** Real milliseconds from start to that first fire. Default 2000. */
    firstFireDelayMs?: number;
  };
}

export interface FailedDelivery {
  functionId: string;
  origin: string;
  event: unknown;
  errorType: string;
  errorMessage: string;
  at: string;
}

export interface LocalRuntime {
  endpoints: EmulatorEndpoints;
  /** Endpoint, region and credential variables (what a process needs to use the emulators). */
  env: Record<string, string>;
  clock: Clock;
  /** The ACORN_CLOCK value every function has; give it to sandboxes too. */
  clockEnv: string;
  /** Invokes a function synchronously; throws FunctionInvocationError on a function error. */
  invoke(functionId: string, event: unknown): Promise<unknown>;
  /** Serves a request on the manifest's HTTP routes (404 when none matches). */
  handleHttp: HandleHttp;
  /** A Node request listener for the routes: resolves false (request untouched) when none matches. */
  httpListener: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  httpRoutes(): HttpRoute[];
  /** Events put on any bus so far (PutEvents and S3 Object Created), oldest first. */
  publishedEvents(): PublishedEvent[];
  onEvent(listener: (published: PublishedEvent) => void): () => void;
  /** What `{resource: id}` resolves to: table / bucket / bus / secret name, queue URL, state machine ARN. */
  physicalName(resourceId: string): string;
  /** The complete environment of a function's workers. */
  functionEnv(functionId: string): Record<string, string>;
  schedules: {
    /** Runs a schedule now (by trigger id, or `<functionId>/<triggerId>`), after a run in progress. */
    fireNow(triggerId: string): Promise<ScheduleRunOutcome>;
    status(): ScheduleStatus[];
  };
  stepFunctions: LocalStepFunctionsType;
  functions: { stats(): FunctionStats[] };
  /** The last 500 invocations, oldest first. */
  invocations(): InvocationRecord[];
  /** Asynchronous deliveries (rules, inbox) that failed after Lambda's two retries. */
  failedDeliveries(): FailedDelivery[];
  /** Milliseconds from the call to ready. */
  startupMs: number;
  /** Stops everything: timers, pollers, workers, servers. Safe to call twice. */
  close(): Promise<void>;
}

/** Reads and validates `<cdk outdir>/acorn-wiring.json`. */
export function loadWiringManifest(file: string): WiringManifest {
  return parseOrThrow(wiringManifestSchema, JSON.parse(readFileSync(file, 'utf8')), file);
}

/** Lambda retries an asynchronous invocation twice, after about one and two minutes. */
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];
const INVOCATION_HISTORY = 500;

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const started = Date.now();
  const manifest = parseOrThrow(wiringManifestSchema, options.manifest, 'wiring manifest');
  const sink = options.log ?? consoleLogSink();
  const log = componentLogger(sink, 'runtime');
  const projectRoot = resolve(options.projectRoot);
  const dataDir = resolve(options.dataDir);

  const runtimeClock: RuntimeClock = startRuntimeClock({
    file: join(dataDir, 'clock.json'),
    speed: options.clock?.speed ?? 1,
    ...(options.clock?.virtualStart !== undefined ? { virtualStart: options.clock.virtualStart } : {}),
  });
  const { clock, speed } = runtimeClock;
  if (runtimeClock.resumed) {
    log(
      'info',
      `clock resumed at ${clock.now().toISOString()} (saved time is later than the requested start)`,
    );
  }

  // What close() stops, in this order: signals first, then the workers (which ends the
  // invocations the signalled parts wait for), then the servers, then the clock.
  const stops = {
    signal: [] as (() => Promise<void> | void)[],
    workers: [] as (() => Promise<void> | void)[],
    clients: [] as (() => void)[],
    servers: [] as (() => Promise<void>)[],
  };
  const shutdown = async () => {
    const signalled = stops.signal.map((stop) => settle(stop, log));
    for (const stop of stops.workers) await settle(stop, log);
    await Promise.all(signalled);
    for (const stop of stops.clients) await settle(stop, log);
    for (const stop of stops.servers) await settle(stop, log);
    runtimeClock.close();
  };
  let emulators: Awaited<ReturnType<typeof startEmulators>>;
  try {
    emulators = await startEmulators({
      dataDir,
      clock,
      ...(options.region ? { region: options.region } : {}),
    });
  } catch (error) {
    runtimeClock.close();
    throw error;
  }
  stops.servers.push(() => emulators.close());

  try {
    const { region, accountId, endpoints } = emulators;
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    const dynamodb = new DynamoDBClient({ region, endpoint: endpoints.dynamodb, credentials });
    const sqs = new SQSClient({ region, endpoint: endpoints.sqs, credentials, useQueueUrlAsEndpoint: false });
    const s3 = new S3Client({ region, endpoint: endpoints.s3, credentials, forcePathStyle: true });
    stops.clients.push(() => {
      dynamodb.destroy();
      sqs.destroy();
      s3.destroy();
    });

    const resources = physicalResources(manifest, { region, accountId, sqsEndpoint: endpoints.sqs });
    await ensureResources(resources, {
      dynamodb,
      fauxqs: emulators.fauxqs,
      eventBus: emulators.eventBus,
      secretsManager: emulators.secretsManager,
      ...(options.secretsValues ? { secretsValues: options.secretsValues } : {}),
      log: componentLogger(sink, 'runtime:resources'),
    });
    const resourceOf = (
      id: string,
      kind: PhysicalResource['resource']['kind'],
      user: string,
    ): PhysicalResource => {
      const physical = resources.get(id);
      if (physical?.resource.kind !== kind) {
        throw new ConfigurationError(`${user} names ${kind} ${id}, which the manifest does not define`);
      }
      return physical;
    };

    // --- functions ----------------------------------------------------------------------------
    const invocations: InvocationRecord[] = [];
    const host = new FunctionHost({
      log: sink,
      region,
      accountId,
      ...(options.defaultConcurrency !== undefined ? { defaultConcurrency: options.defaultConcurrency } : {}),
      onInvocation: (record) => {
        invocations.push(record);
        if (invocations.length > INVOCATION_HISTORY) invocations.shift();
      },
    });
    stops.workers.push(() => host.close());
    const envs = new Map<string, Record<string, string>>();
    for (const fn of manifest.functions) {
      const env = functionEnvironment(fn, {
        emulatorEnv: emulators.env,
        manifestEnv: resolveEnvironment(fn.id, fn.environment, resources),
        overrides: options.envOverrides ?? {},
        clockEnv: runtimeClock.envValue,
        projectRoot,
        logLevel: options.functionLogLevel ?? 'INFO',
      });
      envs.set(fn.id, env);
      const concurrency = options.functionConcurrency?.[fn.id];
      host.register({
        id: fn.id,
        entryPath: resolve(projectRoot, fn.entry),
        handlerName: fn.handler,
        timeoutSeconds: fn.timeoutSeconds,
        env,
        ...(concurrency !== undefined ? { concurrency } : {}),
      });
    }
    const functionIdOf = (ref: string): string => {
      const id = ref.startsWith('arn:aws:lambda:') ? (ref.split(':')[6] ?? '') : ref;
      if (!host.has(id))
        throw new FunctionInvocationError(
          id,
          'Lambda.ResourceNotFoundException',
          `Function not found: ${ref}`,
        );
      return id;
    };

    // --- asynchronous delivery (rule and inbox targets) ----------------------------------------
    let closing = false;
    const retryTimers = new Set<NodeJS.Timeout>();
    const failedDeliveries: FailedDelivery[] = [];
    const deliverAsync = (functionId: string, event: unknown, origin: string, attempt = 0): void => {
      host.invoke(functionId, event).catch((error: unknown) => {
        if (closing || error instanceof RuntimeClosedError) return;
        const e = error instanceof FunctionInvocationError ? error : undefined;
        const delay = ASYNC_RETRY_DELAYS_MS[attempt];
        if (delay !== undefined) {
          const timer = setTimeout(() => {
            retryTimers.delete(timer);
            deliverAsync(functionId, event, origin, attempt + 1);
          }, delay / speed);
          retryTimers.add(timer);
          return;
        }
        const failure: FailedDelivery = {
          functionId,
          origin,
          event,
          errorType: e?.errorType ?? (error as Error).name,
          errorMessage: e?.errorMessage ?? (error as Error).message,
          at: clock.now().toISOString(),
        };
        failedDeliveries.push(failure);
        if (failedDeliveries.length > INVOCATION_HISTORY) failedDeliveries.shift();
        log('error', `${origin}: delivery to ${functionId} failed after retries: ${failure.errorType}`, {
          ...failure,
        });
      });
    };
    stops.signal.push(() => {
      for (const timer of retryTimers) clearTimeout(timer);
    });

    // --- step functions ------------------------------------------------------------------------
    const stepFunctions = new LocalStepFunctions({
      clock,
      speed,
      region,
      accountId,
      log: sink,
      invokeFunction: (ref, payload) => host.invoke(functionIdOf(ref), payload),
      integrations: serviceIntegrations({ dynamodb, sqs, putEvents: (i) => emulators.eventBus.putEvents(i) }),
      // As on AWS: a failed, timed-out or aborted execution is an event on the default bus.
      onExecutionStatusChange: (event) => {
        if (!closing) emulators.eventBus.publish('default', event);
      },
    });
    emulators.awsJson.register('AWSStepFunctions', stepFunctions.operations);
    stops.signal.push(() => stepFunctions.close());
    for (const physical of resources.values()) {
      if (physical.resource.kind !== 'stateMachine') continue;
      const file = resolve(projectRoot, physical.resource.definitionFile);
      const definition: unknown = JSON.parse(readFileSync(file, 'utf8'));
      const substitutions = {
        ...guessSubstitutions(definition, manifest, resources, host),
        ...options.stateMachineSubstitutions?.[physical.resource.id],
      };
      stepFunctions.register(physical.name, definition, substitutions);
    }

    // --- triggers ------------------------------------------------------------------------------
    const scheduler = new Scheduler({
      clock,
      wait: acceleratedWait(speed),
      startDelayMs: (options.scheduler?.firstFireDelayMs ?? 2000) * speed,
      fireOnStart: options.scheduler?.fireOnStart ?? true,
      log: componentLogger(sink, 'runtime:scheduler'),
    });
    stops.signal.push(() => scheduler.stop());
    const scheduleAliases = new Map<string, string>();
    const pollers: QueuePoller[] = [];
    const routes: HttpRoute[] = [];
    const scheduleIds = manifest.functions.flatMap((f) =>
      f.triggers.flatMap((t) => (t.type === 'schedule' ? [t.id] : [])),
    );

    for (const fn of manifest.functions) {
      for (const trigger of fn.triggers) {
        switch (trigger.type) {
          case 'schedule': {
            const unique = scheduleIds.filter((id) => id === trigger.id).length === 1;
            const id = unique ? trigger.id : `${fn.id}/${trigger.id}`;
            scheduleAliases.set(`${fn.id}/${trigger.id}`, id);
            // EventBridge Scheduler passes the schedule's input, or {} without one.
            scheduler.add({
              id,
              expression: trigger.expression,
              run: () => host.invoke(fn.id, trigger.input ?? {}),
            });
            break;
          }
          case 'rule': {
            const busName =
              trigger.bus === 'default' && !resources.has('default')
                ? 'default'
                : resourceOf(trigger.bus, 'bus', `Rule ${trigger.id} of ${fn.id}`).name;
            emulators.eventBus.addRule({
              id: trigger.id,
              busName,
              pattern: trigger.pattern as EventPattern,
              target: (event) => deliverAsync(fn.id, event, `rule ${trigger.id}`),
            });
            break;
          }
          case 'inbox': {
            const bucket = resourceOf(trigger.bucket, 'bucket', `Inbox trigger of ${fn.id}`).name;
            // As deployed: S3 sends "Object Created" to the default bus; a rule picks the prefix.
            emulators.eventBus.addRule({
              id: `${fn.id}/inbox:${bucket}/${trigger.prefix}`,
              busName: 'default',
              pattern: {
                source: ['aws.s3'],
                'detail-type': ['Object Created'],
                detail: { bucket: { name: [bucket] }, object: { key: [{ prefix: trigger.prefix }] } },
              },
              target: (event) => deliverAsync(fn.id, event, `inbox ${bucket}/${trigger.prefix}`),
            });
            break;
          }
          case 'queue': {
            const queue = resourceOf(trigger.queue, 'queue', `Queue trigger of ${fn.id}`);
            if (queue.resource.kind !== 'queue') break;
            pollers.push(
              new QueuePoller({
                functionId: fn.id,
                queueUrl: queue.envValue,
                queueArn: queue.arn,
                region,
                batchSize: trigger.batchSize,
                reportBatchItemFailures: trigger.reportBatchItemFailures,
                visibilityTimeoutSeconds: queue.resource.visibilityTimeoutSeconds,
                speed,
                sqs,
                invoke: (event) => host.invoke(fn.id, event),
                log: componentLogger(sink, `runtime:queue:${queue.name}`),
              }),
            );
            break;
          }
          case 'http':
            routes.push({
              functionId: fn.id,
              method: trigger.method,
              path: trigger.path,
              ...(trigger.authorization ? { authorization: trigger.authorization } : {}),
            });
            break;
        }
      }
    }
    stops.signal.push(async () => {
      await Promise.all(pollers.map((p) => p.stop()));
    });

    // S3 uploads to the manifest's buckets become EventBridge "Object Created" events.
    const bucketNames = new Set(
      [...resources.values()].filter((r) => r.resource.kind === 'bucket').map((r) => r.name),
    );
    const unsubscribe = emulators.onObjectCreated(({ bucket, key }) => {
      if (!bucketNames.has(bucket)) return;
      s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
        .then((head) => {
          if (closing) return;
          emulators.eventBus.publish(
            'default',
            objectCreatedEvent(bucket, key, head, clock, region, accountId),
          );
        })
        .catch((error: unknown) => {
          if (!closing)
            log('warn', `object ${bucket}/${key} vanished before its event: ${(error as Error).message}`);
        });
    });
    stops.signal.push(() => {
      unsubscribe();
    });

    const router = new HttpRouter(routes);
    const handleHttp: HandleHttp = async (method, path, query, body, headers) => {
      const matched = router.match(method, path);
      if (!matched) return notFoundResponse();
      let jwt: { claims: Record<string, string>; scopes: string[] | null } | undefined;
      if (matched.route.authorization === 'jwt') {
        const header = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
        const value = typeof header === 'string' ? header : header?.[0];
        const token = /^Bearer\s+(\S+)$/i.exec(value ?? '')?.[1];
        const verified = token && options.verifyToken ? options.verifyToken(token) : undefined;
        if (!verified?.ok) return unauthorizedResponse();
        jwt = {
          claims: apiGatewayClaims(verified.claims),
          scopes: verified.scopes.length > 0 ? verified.scopes : null,
        };
      }
      const event = buildHttpEvent({
        ...matched,
        method,
        path,
        ...(query !== undefined ? { query } : {}),
        ...(body !== undefined ? { body } : {}),
        ...(headers !== undefined ? { headers } : {}),
        now: clock.now(),
        accountId,
      });
      if (jwt) Object.assign(event.requestContext, { authorizer: { jwt } });
      try {
        return httpResponseFromResult({
          ok: true,
          value: await host.invoke(matched.route.functionId, event),
        });
      } catch (error) {
        return httpResponseFromResult({ ok: false, error });
      }
    };

    if (options.prewarm) await host.prewarm();
    if (options.scheduler?.enabled ?? true) scheduler.start();
    for (const poller of pollers) poller.start();

    const startupMs = Date.now() - started;
    log('info', `local runtime ready in ${startupMs} ms`, {
      functions: manifest.functions.length,
      clock: clock.now().toISOString(),
      speed,
    });

    let closed: Promise<void> | undefined;
    return {
      endpoints,
      env: { ...emulators.env },
      clock,
      clockEnv: runtimeClock.envValue,
      invoke: (functionId, event) => host.invoke(functionIdOf(functionId), event),
      handleHttp,
      httpListener: httpRouteListener(router, handleHttp),
      httpRoutes: () => router.routes(),
      publishedEvents: () => emulators.eventBus.publishedEvents(),
      onEvent: (listener) => emulators.eventBus.onEvent(listener),
      physicalName(resourceId) {
        const physical = resources.get(resourceId);
        if (!physical) throw new ConfigurationError(`The manifest has no resource ${resourceId}`);
        return physical.envValue;
      },
      functionEnv(functionId) {
        const env = envs.get(functionId);
        if (!env) throw new ConfigurationError(`The manifest has no function ${functionId}`);
        return { ...env };
      },
      schedules: {
        fireNow: (triggerId) => scheduler.fireNow(scheduleAliases.get(triggerId) ?? triggerId),
        status: () => scheduler.status(),
      },
      stepFunctions,
      functions: { stats: () => host.stats() },
      invocations: () => [...invocations],
      failedDeliveries: () => [...failedDeliveries],
      startupMs,
      close() {
        closed ??= (async () => {
          closing = true;
          await shutdown();
          log('info', 'local runtime stopped');
        })();
        return closed;
      },
    };
  } catch (error) {
    await shutdown();
    throw error;
  }
}

/** Runs one stop step; a failing step is logged and does not keep the others from running. */
async function settle(
  stop: () => Promise<void> | void,
  log: ReturnType<typeof componentLogger>,
): Promise<void> {
  try {
    await stop();
  } catch (error) {
    log('warn', `stopping failed: ${(error as Error).message}`);
  }
}

function functionEnvironment(
  fn: WiringFunction,
  parts: {
    emulatorEnv: Record<string, string>;
    manifestEnv: Record<string, string>;
    overrides: Record<string, string>;
    clockEnv: string;
    projectRoot: string;
    logLevel: string;
  },
): Record<string, string> {
  return {
    // What Lambda sets (a subset), then the local endpoints and dummy credentials.
    AWS_LAMBDA_FUNCTION_NAME: fn.id,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.id}`,
    LAMBDA_TASK_ROOT: parts.projectRoot,
    _HANDLER: `${fn.entry}.${fn.handler}`,
    AWS_EC2_METADATA_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: parts.logLevel,
    POWERTOOLS_TRACE_ENABLED: 'false',
    ...parts.emulatorEnv,
    ...parts.manifestEnv,
    ...parts.overrides,
    // The one clock: never overridden.
    ACORN_CLOCK: parts.clockEnv,
  };
}

function objectCreatedEvent(
  bucket: string,
  key: string,
  head: { ContentLength?: number | undefined; ETag?: string | undefined },
  clock: Clock,
  region: string,
  accountId: string,
): BusEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: accountId,
    time: eventTimeFromDate(clock.now()),
    region,
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object: {
        key,
        size: head.ContentLength ?? 0,
        etag: (head.ETag ?? '').replaceAll('"', ''),
        sequencer: Date.now().toString(16).toUpperCase().padStart(18, '0'),
      },
      'request-id': randomUUID(),
      requester: accountId,
      'source-ip-address': '127.0.0.1',
      reason: 'PutObject',
    },
  };
}

/** Step Functions service integrations the local interpreter supports beyond Lambda. */
function serviceIntegrations(deps: {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  putEvents: (input: PutEventsInput) => unknown;
}): Record<string, TaskIntegration> {
  const named = (service: string, error: unknown): Error => {
    const e = error instanceof Error ? error : new Error(String(error));
    const out = new Error(e.message);
    out.name = `${service}.${e.name}`;
    return out;
  };
  const strip = <T extends { $metadata?: unknown }>(output: T) => {
    const { $metadata: _, ...rest } = output;
    return rest;
  };
  const ddb = async <T extends { $metadata?: unknown }>(call: () => Promise<T>) => {
    try {
      return strip(await call());
    } catch (error) {
      throw named('DynamoDB', error);
    }
  };
  return {
    'events:putEvents': async (params) => {
      const p = params as { Entries?: Record<string, unknown>[] };
      const Entries = (p.Entries ?? []).map((e) => ({
        ...e,
        Detail: typeof e.Detail === 'string' ? e.Detail : JSON.stringify(e.Detail ?? {}),
      })) as PutEventsInput['Entries'];
      return deps.putEvents({ Entries });
    },
    'sqs:sendMessage': async (params) => {
      const p = params as Record<string, unknown>;
      try {
        const output = await deps.sqs.send(
          new SendMessageCommand({
            ...(p as unknown as ConstructorParameters<typeof SendMessageCommand>[0]),
            MessageBody: typeof p.MessageBody === 'string' ? p.MessageBody : JSON.stringify(p.MessageBody),
          }),
        );
        return strip(output);
      } catch (error) {
        throw named('SQS', error);
      }
    },
    // Parameters are the low-level API input, exactly as Step Functions passes them.
    'dynamodb:getItem': (p) => ddb(() => deps.dynamodb.send(new GetItemCommand(p as never))),
    'dynamodb:putItem': (p) => ddb(() => deps.dynamodb.send(new PutItemCommand(p as never))),
    'dynamodb:updateItem': (p) => ddb(() => deps.dynamodb.send(new UpdateItemCommand(p as never))),
    'dynamodb:deleteItem': (p) => ddb(() => deps.dynamodb.send(new DeleteItemCommand(p as never))),
  };
}

/**
 * Guesses `${Key}` substitutions the way our constructs name them: `<Thing>Arn`, `<Thing>FunctionArn`,
 * `<Thing>Name`, `<Thing>Url` where Thing is a function or resource id (case and punctuation ignored).
 */
function guessSubstitutions(
  definition: unknown,
  manifest: WiringManifest,
  resources: ReadonlyMap<string, PhysicalResource>,
  host: FunctionHost,
): Record<string, string> {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const bare = (s: string) => norm(s).replace(/(function|fn|lambda|handler)$/, '');
  const out: Record<string, string> = {};
  const keys = new Set(
    [...JSON.stringify(definition).matchAll(/\$\{([A-Za-z0-9_.-]+)\}/g)].map((m) => m[1]!),
  );
  for (const key of keys) {
    const kind = /arn$/i.test(key) ? 'arn' : /url$/i.test(key) ? 'url' : 'name';
    const stem = key.replace(/(Arn|Url|Name)$/i, '');
    const fn = manifest.functions.find((f) => bare(f.id) === bare(stem));
    if (fn) {
      out[key] = kind === 'arn' ? host.functionArn(fn.id) : fn.id;
      continue;
    }
    const resource = [...resources.values()].find((r) => norm(r.resource.id) === norm(stem));
    if (resource) out[key] = kind === 'arn' ? resource.arn : resource.envValue;
  }
  return out;
}
