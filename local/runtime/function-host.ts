import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FunctionInvocationError, RuntimeClosedError } from './errors.ts';
import type {
  InvocationContextData,
  WorkerInbound,
  WorkerOutbound,
  WorkerSetup,
} from './function-protocol.ts';
import { componentLogger, type LogSink, parseFunctionLogLine } from './log.ts';

/**
 * Runs functions like Lambda containers: each warm "container" is a worker thread
 * (function-worker.ts) with its own process.env and module graph, loading the TypeScript entry
 * through tsx. A function has a small pool of them (its concurrency); each runs one invocation at
 * a time; invocations beyond the pool wait in order (Lambda would throttle instead).
 */

/** One function as the host runs it. */
export interface HostedFunction {
  id: string;
  /** Absolute path of the TypeScript entry. */
  entryPath: string;
  handlerName: string;
  /** Real (wall-clock) seconds before an invocation is killed, as Lambda does. */
  timeoutSeconds: number;
  /** The whole environment of the function's workers: nothing is inherited from this process. */
  env: Record<string, string>;
  /** Warm workers at most. Default: the host's defaultConcurrency. */
  concurrency?: number;
  /** Reported as context.memoryLimitInMB. Default 512. */
  memoryMb?: number;
}

export interface FunctionHostOptions {
  log: LogSink;
  region: string;
  accountId: string;
  /** Workers per function when the function does not say. Default 2. */
  defaultConcurrency?: number;
  /** How long a worker may take to import its entry. Default 30 000 ms. */
  initTimeoutMs?: number;
  /** Called after every invocation, for consoles and tests. */
  onInvocation?: (record: InvocationRecord) => void;
}

export interface InvocationRecord {
  functionId: string;
  requestId: string;
  startedAt: string;
  durationMs: number;
  coldStart: boolean;
  ok: boolean;
  errorType?: string;
  errorMessage?: string;
}

export interface FunctionStats {
  id: string;
  workers: number;
  busy: number;
  waiting: number;
  invocations: number;
  errors: number;
  coldStarts: number;
}

const WORKER_FILE = fileURLToPath(new URL('./function-worker.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Pending {
  id: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

class FunctionWorker {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  busy = false;
  dead = false;
  /** Init finished: an invocation that finds the worker ready is warm. */
  initialized = false;
  #pending: Pending | undefined;
  #nextId = 1;
  #closing = false;

  constructor(
    readonly fn: HostedFunction,
    log: LogSink,
    initTimeoutMs: number,
  ) {
    const setup: WorkerSetup = { functionId: fn.id, entryPath: fn.entryPath, handlerName: fn.handlerName };
    this.worker = new Worker(WORKER_FILE, {
      execArgv: ['--import', TSX_LOADER],
      env: fn.env,
      workerData: setup,
      stdout: true,
      stderr: true,
      name: `fn:${fn.id}`,
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: this.worker[stream], crlfDelay: Number.POSITIVE_INFINITY }).on(
        'line',
        (text) => {
          if (text.trim()) log(parseFunctionLogLine(fn.id, text, stream));
        },
      );
    }
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(this.#error('Runtime.InitTimeout', `init did not finish within ${initTimeoutMs} ms`));
        void this.terminate();
      }, initTimeoutMs);
      this.worker.on('message', (message: WorkerOutbound) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          this.initialized = true;
          resolve();
        } else if (message.type === 'init-error') {
          clearTimeout(timer);
          reject(this.#error(message.error.name, message.error.message, message.error.stack));
          void this.terminate();
        } else if (message.type === 'result' && this.#pending?.id === message.id) {
          const pending = this.#pending;
          this.#pending = undefined;
          if (message.ok) pending.resolve(message.value);
          else pending.reject(this.#error(message.error.name, message.error.message, message.error.stack));
        }
      });
      this.worker.on('error', (error) => {
        clearTimeout(timer);
        const failure = this.#error(`Runtime.${error.name || 'Error'}`, error.message, error.stack);
        reject(failure);
        this.#fail(failure);
      });
      this.worker.on('exit', (code) => {
        clearTimeout(timer);
        this.dead = true;
        const failure = this.#closing
          ? new RuntimeClosedError(`function ${fn.id} was stopped`)
          : this.#error('Runtime.ExitError', `worker exited with code ${code}`);
        reject(failure);
        this.#fail(failure);
      });
    });
    // A failed init is reported through invoke(); don't let it surface as an unhandled rejection.
    this.ready.catch(() => {});
  }

  /** Runs one invocation; kills the worker when it runs past the timeout. */
  run(event: unknown, context: InvocationContextData, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      const timer = setTimeout(() => {
        if (this.#pending?.id !== id) return;
        this.#pending = undefined;
        reject(
          this.#error('Sandbox.Timedout', `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`),
        );
        void this.terminate();
      }, timeoutMs);
      this.#pending = {
        id,
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const message: WorkerInbound = { type: 'invoke', id, event, context };
      this.worker.postMessage(message);
    });
  }

  async terminate(closing = false): Promise<void> {
    this.#closing ||= closing;
    this.dead = true;
    await this.worker.terminate();
  }

  #fail(error: Error): void {
    this.dead = true;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
  }

  #error(type: string, message: string, stack = ''): FunctionInvocationError {
    return new FunctionInvocationError(this.fn.id, type, message, stack.split('\n').slice(1));
  }
}

interface Pool {
  fn: HostedFunction;
  workers: FunctionWorker[];
  waiters: (() => void)[];
  invocations: number;
  errors: number;
  coldStarts: number;
}

export class FunctionHost {
  readonly #options: FunctionHostOptions;
  readonly #pools = new Map<string, Pool>();
  readonly #log: ReturnType<typeof componentLogger>;
  #closed = false;

  constructor(options: FunctionHostOptions) {
    this.#options = options;
    this.#log = componentLogger(options.log, 'runtime:functions');
  }

  register(fn: HostedFunction): void {
    if (this.#pools.has(fn.id)) throw new Error(`Function ${fn.id} is already registered`);
    this.#pools.set(fn.id, { fn, workers: [], waiters: [], invocations: 0, errors: 0, coldStarts: 0 });
  }

  has(functionId: string): boolean {
    return this.#pools.has(functionId);
  }

  /** The Lambda ARN the local function answers to. */
  functionArn(functionId: string): string {
    return `arn:aws:lambda:${this.#options.region}:${this.#options.accountId}:function:${functionId}`;
  }

  /**
   * Invokes a function synchronously (RequestResponse) and returns its JSON result.
   * Throws FunctionInvocationError when the handler throws, times out or cannot load.
   */
  async invoke(functionId: string, event: unknown, options: { requestId?: string } = {}): Promise<unknown> {
    const pool = this.#pools.get(functionId);
    if (!pool) throw new Error(`Unknown function ${functionId}`);
    const worker = await this.#acquire(pool);
    const requestId = options.requestId ?? randomUUID();
    const started = Date.now();
    const coldStart = !worker.initialized;
    if (coldStart) pool.coldStarts++;
    pool.invocations++;
    try {
      await worker.ready;
      const timeoutMs = pool.fn.timeoutSeconds * 1000;
      const context: InvocationContextData = {
        functionName: functionId,
        functionVersion: '$LATEST',
        invokedFunctionArn: this.functionArn(functionId),
        memoryLimitInMB: String(pool.fn.memoryMb ?? 512),
        awsRequestId: requestId,
        logGroupName: `/aws/lambda/${functionId}`,
        logStreamName: `local/${worker.worker.threadId}`,
        deadlineMs: Date.now() + timeoutMs,
      };
      const value = await worker.run(event, context, timeoutMs);
      this.#record(pool, { requestId, started, coldStart, ok: true });
      return value;
    } catch (error) {
      pool.errors++;
      const e = error instanceof FunctionInvocationError ? error : undefined;
      this.#record(pool, {
        requestId,
        started,
        coldStart,
        ok: false,
        ...(e ? { errorType: e.errorType, errorMessage: e.errorMessage } : {}),
      });
      throw error;
    } finally {
      this.#release(pool, worker);
    }
  }

  /** Starts the first worker of each function (or of one) so its init is done before traffic. */
  async prewarm(functionId?: string): Promise<void> {
    const pools = functionId
      ? [this.#pools.get(functionId)].filter((p) => p !== undefined)
      : [...this.#pools.values()];
    await Promise.all(
      pools.map(async (pool) => {
        if (pool.workers.some((w) => !w.dead)) return;
        const worker = this.#spawn(pool);
        await worker.ready.catch(() => {});
      }),
    );
  }

  stats(): FunctionStats[] {
    return [...this.#pools.values()].map((p) => ({
      id: p.fn.id,
      workers: p.workers.filter((w) => !w.dead).length,
      busy: p.workers.filter((w) => w.busy).length,
      waiting: p.waiters.length,
      invocations: p.invocations,
      errors: p.errors,
      coldStarts: p.coldStarts,
    }));
  }

  /** Stops every worker; invocations in progress or waiting fail with RuntimeClosedError. */
  async close(): Promise<void> {
    this.#closed = true;
    const all: Promise<void>[] = [];
    for (const pool of this.#pools.values()) {
      for (const wake of pool.waiters.splice(0)) wake();
      for (const worker of pool.workers) all.push(worker.terminate(true));
      pool.workers = [];
    }
    await Promise.all(all);
  }

  #spawn(pool: Pool): FunctionWorker {
    const worker = new FunctionWorker(pool.fn, this.#options.log, this.#options.initTimeoutMs ?? 30_000);
    pool.workers.push(worker);
    return worker;
  }

  async #acquire(pool: Pool): Promise<FunctionWorker> {
    for (;;) {
      if (this.#closed) throw new RuntimeClosedError(`function ${pool.fn.id}: the runtime is closed`);
      pool.workers = pool.workers.filter((w) => !w.dead);
      const idle = pool.workers.find((w) => !w.busy);
      const limit = pool.fn.concurrency ?? this.#options.defaultConcurrency ?? 2;
      const worker = idle ?? (pool.workers.length < limit ? this.#spawn(pool) : undefined);
      if (worker) {
        worker.busy = true;
        return worker;
      }
      await new Promise<void>((resolve) => pool.waiters.push(resolve));
    }
  }

  #release(pool: Pool, worker: FunctionWorker): void {
    worker.busy = false;
    pool.waiters.shift()?.();
  }

  #record(
    pool: Pool,
    r: {
      requestId: string;
      started: number;
      coldStart: boolean;
      ok: boolean;
      errorType?: string;
      errorMessage?: string;
    },
  ): void {
    const record: InvocationRecord = {
      functionId: pool.fn.id,
      requestId: r.requestId,
      startedAt: new Date(r.started).toISOString(),
      durationMs: Date.now() - r.started,
      coldStart: r.coldStart,
      ok: r.ok,
      ...(r.errorType ? { errorType: r.errorType } : {}),
      ...(r.errorMessage ? { errorMessage: r.errorMessage } : {}),
    };
    this.#log(
      r.ok ? 'debug' : 'warn',
      r.ok
        ? `END ${pool.fn.id} ${r.requestId} ${record.durationMs} ms${r.coldStart ? ' (cold)' : ''}`
        : `FAIL ${pool.fn.id} ${r.requestId} ${r.errorType}: ${r.errorMessage}`,
      { ...record },
    );
    this.#options.onInvocation?.(record);
  }
}
