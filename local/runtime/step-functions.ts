import { randomUUID } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import * as z from 'zod';
import type { Clock } from '#shared/clock.ts';
import { parseInput } from './aws-json-server.ts';
import { AwsServiceError, FunctionInvocationError, RuntimeClosedError } from './errors.ts';
import { componentLogger, type LogSink } from './log.ts';

/**
 * A local Step Functions (AWS JSON 1.0, `AWSStepFunctions.*`) over aws-local-stepfunctions,
 * executing the same ASL files CDK deploys (JSONPath; the interpreter ignores JSONata).
 *
 * What it adds to the interpreter:
 * - every Task runs locally: `lambda:invoke` (also `.waitForTaskToken`) and Lambda ARNs call the
 *   function host; `states:startExecution` starts a local execution; other `service:action`
 *   resources go to the integrations the runtime passes (events:putEvents, sqs:sendMessage,
 *   dynamodb:getItem/putItem/updateItem/deleteItem); anything else fails with
 *   `States.Runtime`;
 * - a task-token registry behind `SendTaskSuccess` / `SendTaskFailure` / `SendTaskHeartbeat`;
 * - time on the runtime clock: Wait states (Seconds, Timestamp, SecondsPath, TimestampPath),
 *   task `TimeoutSeconds`, the machine's `TimeoutSeconds` and retry intervals are divided by the
 *   clock speed. (The interpreter itself stamps `$$.Execution.StartTime` with wall-clock time.)
 * Executions live in memory only: a restart forgets them (the domain's records are the truth).
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type AnyState = Record<string, unknown> & { Type: string };

export type TaskIntegration = (parameters: Json) => Promise<unknown>;

export interface LocalStepFunctionsOptions {
  clock: Clock;
  /** Clock speed: clock-time durations in the definition are divided by it. */
  speed: number;
  region: string;
  accountId: string;
  log: LogSink;
  /** Synchronous Lambda invoke by function name or ARN; throws FunctionInvocationError. */
  invokeFunction: (functionNameOrArn: string, payload: unknown) => Promise<unknown>;
  /** `service:action` → implementation, e.g. `sqs:sendMessage`. */
  integrations?: Record<string, TaskIntegration>;
  /** Executions kept for DescribeExecution / ListExecutions. Default 1000. */
  historyLimit?: number;
  /**
   * Receives EventBridge's "Step Functions Execution Status Change" event of each execution that
   * ends FAILED, TIMED_OUT or ABORTED, shaped as AWS puts it on the default bus, so the rules on
   * those events fire locally as deployed.
   */
  onExecutionStatusChange?: (event: ExecutionStatusChangeEvent) => void;
}

/** The detail type and source AWS gives execution status changes on the default bus. */
export const EXECUTION_STATUS_CHANGE = {
  source: 'aws.states',
  detailType: 'Step Functions Execution Status Change',
} as const;

/** EventBridge's execution status change event (the fields a rule or handler reads). */
export interface ExecutionStatusChangeEvent {
  version: '0';
  id: string;
  'detail-type': typeof EXECUTION_STATUS_CHANGE.detailType;
  source: typeof EXECUTION_STATUS_CHANGE.source;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    executionArn: string;
    stateMachineArn: string;
    name: string;
    status: ExecutionRecord['status'];
    startDate: number;
    stopDate: number | null;
    input: string;
    output: string | null;
    error: string | null;
    cause: string | null;
  };
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  /** Clock time, epoch ms. */
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
}

interface RegisteredMachine {
  name: string;
  arn: string;
  definition: Record<string, unknown>;
  machine: StateMachine;
  overrides: Record<string, (input: unknown, executionArn: string) => Promise<unknown>>;
  retryIntervals: Record<string, number[]>;
  unresolved: string[];
}

interface TokenWaiter {
  executionArn: string;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
}

const TOKEN_PLACEHOLDER = '__ACORN_LOCAL_TASK_TOKEN__';
const WAIT_RESOURCE = 'arn:aws:states:::acorn-local:wait';
/** Largest delay a Node timer takes, in seconds (about 24.8 days). */
const MAX_TIMER_SECONDS = 2_147_483;

const startInput = z.object({
  stateMachineArn: z.string(),
  name: z.string().optional(),
  input: z.string().optional(),
  traceHeader: z.string().optional(),
});
const executionArnInput = z.object({ executionArn: z.string() });
const stopInput = executionArnInput.extend({ error: z.string().optional(), cause: z.string().optional() });
const listInput = z.object({ stateMachineArn: z.string().optional(), statusFilter: z.string().optional() });
const successInput = z.object({ taskToken: z.string(), output: z.string() });
const failureInput = z.object({
  taskToken: z.string(),
  error: z.string().optional(),
  cause: z.string().optional(),
});
const tokenInput = z.object({ taskToken: z.string() });
const machineArnInput = z.object({ stateMachineArn: z.string() });

export class LocalStepFunctions {
  readonly #options: LocalStepFunctionsOptions;
  readonly #log: ReturnType<typeof componentLogger>;
  readonly #machines = new Map<string, RegisteredMachine>();
  readonly #executions = new Map<string, ExecutionRecord>();
  /** Running executions: `ended` aborts when the execution stops, releasing its pending tasks. */
  readonly #running = new Map<string, { abort: () => void; done: Promise<void>; ended: AbortController }>();
  readonly #tokens = new Map<string, TokenWaiter>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(options: LocalStepFunctionsOptions) {
    this.#options = options;
    this.#log = componentLogger(options.log, 'runtime:stepfunctions');
  }

  /** Operations for AwsJsonServer.register('AWSStepFunctions', ...). */
  get operations() {
    return {
      StartExecution: (input: unknown) => {
        const { stateMachineArn, name, input: body } = parseInput(startInput, input);
        const record = this.startExecution(stateMachineArn, body ?? '{}', name);
        return { executionArn: record.executionArn, startDate: record.startDate / 1000 };
      },
      DescribeExecution: (input: unknown) =>
        toApi(this.#execution(parseInput(executionArnInput, input).executionArn)),
      StopExecution: (input: unknown) => {
        const { executionArn, error, cause } = parseInput(stopInput, input);
        return { stopDate: this.stopExecution(executionArn, error, cause).stopDate! / 1000 };
      },
      ListExecutions: (input: unknown) => {
        const { stateMachineArn, statusFilter } = parseInput(listInput, input);
        const executions = this.executions().filter(
          (e) =>
            (!stateMachineArn || e.stateMachineArn === stateMachineArn) &&
            (!statusFilter || e.status === statusFilter),
        );
        return { executions: executions.map(toApi) };
      },
      DescribeStateMachine: (input: unknown) => {
        const machine = this.#machine(parseInput(machineArnInput, input).stateMachineArn);
        return {
          stateMachineArn: machine.arn,
          name: machine.name,
          status: 'ACTIVE',
          definition: JSON.stringify(machine.definition),
          roleArn: `arn:aws:iam::${this.#options.accountId}:role/local`,
          type: 'STANDARD',
          creationDate: 0,
        };
      },
      ListStateMachines: () => ({
        stateMachines: [...this.#machines.values()].map((m) => ({
          stateMachineArn: m.arn,
          name: m.name,
          type: 'STANDARD',
          creationDate: 0,
        })),
      }),
      SendTaskSuccess: (input: unknown) => {
        const { taskToken, output } = parseInput(successInput, input);
        let parsed: unknown;
        try {
          parsed = JSON.parse(output);
        } catch {
          throw new AwsServiceError('InvalidOutput', 'output is not valid JSON');
        }
        this.#takeToken(taskToken).resolve(parsed);
        return {};
      },
      SendTaskFailure: (input: unknown) => {
        const { taskToken, error, cause } = parseInput(failureInput, input);
        this.#takeToken(taskToken).reject(namedError(error ?? 'States.TaskFailed', cause ?? ''));
        return {};
      },
      SendTaskHeartbeat: (input: unknown) => {
        const { taskToken } = parseInput(tokenInput, input);
        if (!this.#tokens.has(taskToken))
          throw new AwsServiceError('TaskDoesNotExist', 'Task does not exist');
        return {};
      },
    };
  }

  stateMachineArn(name: string): string {
    return `arn:aws:states:${this.#options.region}:${this.#options.accountId}:stateMachine:${name}`;
  }

  /**
   * Registers a state machine from its ASL definition; `substitutions` replace `${Key}` the way
   * CDK's definitionSubstitutions do. Throws when the definition is invalid.
   */
  register(name: string, definition: unknown, substitutions: Record<string, string> = {}): string {
    const arn = this.stateMachineArn(name);
    const substituted = substitute(definition, substitutions) as Record<string, unknown>;
    const unresolved = [...new Set(JSON.stringify(substituted).match(/\$\{[A-Za-z0-9_.-]+\}/g) ?? [])];
    // Validate the definition as written (asl-validator inside the interpreter).
    new StateMachine(substituted as unknown as StateMachineDefinition, {
      validationOptions: { checkArn: false, checkPaths: true },
    });
    const overrides: RegisteredMachine['overrides'] = {};
    const retryIntervals: RegisteredMachine['retryIntervals'] = {};
    const prepared = this.#prepare(substituted, overrides, retryIntervals);
    const machine = new StateMachine(prepared as unknown as StateMachineDefinition, {
      validationOptions: { noValidate: true },
    });
    this.#machines.set(arn, {
      name,
      arn,
      definition: substituted,
      machine,
      overrides,
      retryIntervals,
      unresolved,
    });
    if (unresolved.length > 0) {
      this.#log('warn', `state machine ${name} has unresolved substitutions ${unresolved.join(', ')}`, {
        name,
      });
    }
    return arn;
  }

  /** Starts an execution (idempotent by name for the same input, as for Standard workflows). */
  startExecution(stateMachineArn: string, input = '{}', name: string = randomUUID()): ExecutionRecord {
    if (this.#closed) throw new AwsServiceError('ServiceUnavailable', 'The local runtime is closing', 503);
    const machine = this.#machine(stateMachineArn);
    const executionArn = `arn:aws:states:${this.#options.region}:${this.#options.accountId}:execution:${machine.name}:${name}`;
    const existing = this.#executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new AwsServiceError('ExecutionAlreadyExists', `Execution already exists: '${executionArn}'`);
    }
    let parsed: Json;
    try {
      parsed = JSON.parse(input) as Json;
    } catch {
      throw new AwsServiceError('InvalidExecutionInput', 'input is not valid JSON');
    }
    if (machine.unresolved.length > 0) {
      throw new AwsServiceError(
        'InvalidDefinition',
        `state machine ${machine.name} has unresolved substitutions ${machine.unresolved.join(', ')}`,
      );
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      status: 'RUNNING',
      startDate: this.#options.clock.now().getTime(),
      input,
    };
    this.#executions.set(executionArn, record);
    this.#trimHistory();
    const ended = new AbortController();
    const run = machine.machine.run(parsed, {
      overrides: {
        taskResourceLocalHandlers: Object.fromEntries(
          Object.entries(machine.overrides).map(([state, fn]) => [
            state,
            (i: unknown) => untilAborted(fn(i, executionArn), ended.signal) as Promise<Json>,
          ]),
        ),
        ...(this.#options.speed !== 1 ? { retryIntervalOverrides: machine.retryIntervals } : {}),
      },
      context: {
        Execution: {
          Id: executionArn,
          Name: name,
          RoleArn: `arn:aws:iam::${this.#options.accountId}:role/local`,
        },
        StateMachine: { Id: machine.arn, Name: machine.name },
        Task: { Token: TOKEN_PLACEHOLDER },
      },
    });
    const done = run.result.then(
      (output) => {
        this.#finish(record, { status: 'SUCCEEDED', output: JSON.stringify(output ?? null) });
      },
      (error: unknown) => {
        const e = error as Error & { cause?: Error };
        if (e.name === 'ExecutionAbortedError') return this.#finish(record, { status: 'ABORTED' });
        if (e.name === 'ExecutionTimeoutError') {
          return this.#finish(record, { status: 'TIMED_OUT', error: 'States.Timeout', cause: '' });
        }
        const cause = e.cause instanceof Error ? e.cause : e;
        this.#finish(record, { status: 'FAILED', error: cause.name, cause: cause.message });
      },
    );
    this.#running.set(executionArn, { abort: run.abort, done, ended });
    this.#log('info', `execution ${name} of ${machine.name} started`, { executionArn });
    return record;
  }

  stopExecution(executionArn: string, error?: string, cause?: string): ExecutionRecord {
    const record = this.#execution(executionArn);
    if (record.status === 'RUNNING') {
      this.#running.get(executionArn)?.abort();
      this.#finish(record, { status: 'ABORTED', ...(error ? { error } : {}), ...(cause ? { cause } : {}) });
    }
    return record;
  }

  describeExecution(executionArn: string): ExecutionRecord {
    return { ...this.#execution(executionArn) };
  }

  /** Executions, newest first. */
  executions(): ExecutionRecord[] {
    return [...this.#executions.values()].reverse().map((e) => ({ ...e }));
  }

  /** Resolves when the execution is no longer running. */
  async waitForExecution(executionArn: string): Promise<ExecutionRecord> {
    await this.#running.get(executionArn)?.done;
    return this.describeExecution(executionArn);
  }

  /** Aborts every running execution and pending task token; clears timers. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const [token, waiter] of this.#tokens) {
      this.#tokens.delete(token);
      waiter.reject(new RuntimeClosedError('the local runtime closed'));
    }
    const pending = [...this.#running.values()];
    for (const run of pending) run.abort();
    await Promise.all(pending.map((r) => r.done));
  }

  #machine(arn: string): RegisteredMachine {
    const machine = this.#machines.get(arn);
    if (!machine)
      throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }

  #execution(arn: string): ExecutionRecord {
    const record = this.#executions.get(arn);
    if (!record) throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return record;
  }

  #finish(
    record: ExecutionRecord,
    outcome: Partial<ExecutionRecord> & { status: ExecutionRecord['status'] },
  ): void {
    if (record.status !== 'RUNNING') return;
    Object.assign(record, outcome, { stopDate: this.#options.clock.now().getTime() });
    // Settles the interpreter's pending task promises, which also clears its task timers.
    this.#running.get(record.executionArn)?.ended.abort();
    this.#running.delete(record.executionArn);
    for (const [token, waiter] of this.#tokens) {
      if (waiter.executionArn === record.executionArn) {
        this.#tokens.delete(token);
        waiter.reject(new RuntimeClosedError('the execution ended'));
      }
    }
    const level = outcome.status === 'SUCCEEDED' ? 'info' : 'warn';
    this.#log(level, `execution ${record.name} ${record.status}${record.error ? ` (${record.error})` : ''}`, {
      executionArn: record.executionArn,
      ...(record.cause ? { cause: record.cause } : {}),
    });
    if (outcome.status !== 'SUCCEEDED') this.#publishStatusChange(record);
  }

  #publishStatusChange(record: ExecutionRecord): void {
    const publish = this.#options.onExecutionStatusChange;
    if (!publish || this.#closed) return;
    try {
      publish({
        version: '0',
        id: randomUUID(),
        'detail-type': EXECUTION_STATUS_CHANGE.detailType,
        source: EXECUTION_STATUS_CHANGE.source,
        account: this.#options.accountId,
        time: new Date(record.stopDate ?? this.#options.clock.now().getTime())
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
        region: this.#options.region,
        resources: [record.executionArn],
        detail: {
          executionArn: record.executionArn,
          stateMachineArn: record.stateMachineArn,
          name: record.name,
          status: record.status,
          startDate: record.startDate,
          stopDate: record.stopDate ?? null,
          input: record.input,
          output: record.output ?? null,
          error: record.error ?? null,
          cause: record.cause ?? null,
        },
      });
    } catch (error) {
      this.#log('warn', `status change of ${record.name} not published: ${(error as Error).message}`);
    }
  }

  #trimHistory(): void {
    const limit = this.#options.historyLimit ?? 1000;
    for (const [arn, record] of this.#executions) {
      if (this.#executions.size <= limit) break;
      if (record.status !== 'RUNNING') this.#executions.delete(arn);
    }
  }

  #takeToken(token: string): TokenWaiter {
    const waiter = this.#tokens.get(token);
    if (!waiter) throw new AwsServiceError('TaskDoesNotExist', 'Task does not exist anymore');
    this.#tokens.delete(token);
    return waiter;
  }

  /** Real milliseconds for `seconds` of clock time. */
  #realMs(seconds: number): number {
    return Math.min(MAX_TIMER_SECONDS, seconds / this.#options.speed) * 1000;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }

  /** Rejects with States.Timeout when `promise` takes longer than `seconds` of clock time. */
  #withTimeout<T>(promise: Promise<T>, seconds: number | undefined): Promise<T> {
    if (!seconds) return promise;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        reject(namedError('States.Timeout', `The task did not finish within ${seconds} seconds`));
      }, this.#realMs(seconds));
      this.#timers.add(timer);
      promise.then(
        (v) => {
          clearTimeout(timer);
          this.#timers.delete(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          this.#timers.delete(timer);
          reject(e);
        },
      );
    });
  }

  /**
   * Rewrites a definition for local execution: Wait states become local tasks that sleep on the
   * clock, every Task gets a local handler and a timer-safe TimeoutSeconds, retry intervals are
   * scaled. Returns the rewritten copy; fills `overrides` and `retryIntervals` by state name.
   */
  #prepare(
    definition: Record<string, unknown>,
    overrides: RegisteredMachine['overrides'],
    retryIntervals: RegisteredMachine['retryIntervals'],
    nested = false,
  ): Record<string, unknown> {
    const copy = structuredClone(definition);
    if (!nested && typeof copy.TimeoutSeconds === 'number') {
      copy.TimeoutSeconds = this.#realMs(copy.TimeoutSeconds) / 1000;
    }
    const states = copy.States as Record<string, AnyState>;
    for (const [name, state] of Object.entries(states)) {
      if (overrides[name])
        throw new Error(`State name ${name} is used twice; the local interpreter needs unique names`);
      if (state.Type === 'Wait') {
        const wait = { ...state };
        states[name] = {
          Type: 'Task',
          Resource: WAIT_RESOURCE,
          TimeoutSeconds: MAX_TIMER_SECONDS,
          ...pick(state, ['Comment', 'InputPath', 'OutputPath', 'Next', 'End']),
        };
        overrides[name] = (input) => this.#wait(wait, input);
      } else if (state.Type === 'Task') {
        const timeoutSeconds = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined;
        const resource = String(state.Resource);
        state.TimeoutSeconds = MAX_TIMER_SECONDS;
        delete state.TimeoutSecondsPath;
        delete state.HeartbeatSeconds;
        delete state.HeartbeatSecondsPath;
        overrides[name] = (input, executionArn) =>
          this.#runTask(resource, input as Json, timeoutSeconds, executionArn);
      } else if (state.Type === 'Map') {
        const key = state.ItemProcessor ? 'ItemProcessor' : 'Iterator';
        state[key] = this.#prepare(state[key] as Record<string, unknown>, overrides, retryIntervals, true);
      } else if (state.Type === 'Parallel') {
        state.Branches = (state.Branches as Record<string, unknown>[]).map((b) =>
          this.#prepare(b, overrides, retryIntervals, true),
        );
      }
      if (Array.isArray(state.Retry)) {
        retryIntervals[name] = (state.Retry as { IntervalSeconds?: number }[]).map((r) =>
          this.#realMs(r.IntervalSeconds ?? 1),
        );
      }
    }
    return copy;
  }

  async #wait(state: AnyState, input: unknown): Promise<unknown> {
    let ms: number;
    const now = this.#options.clock.now().getTime();
    if (typeof state.Seconds === 'number') ms = state.Seconds * 1000;
    else if (typeof state.Timestamp === 'string') ms = Date.parse(state.Timestamp) - now;
    else if (typeof state.SecondsPath === 'string')
      ms = Number(referencePath(input, state.SecondsPath)) * 1000;
    else ms = Date.parse(String(referencePath(input, String(state.TimestampPath)))) - now;
    if (!Number.isFinite(ms))
      throw namedError('States.Runtime', 'The Wait state could not compute its duration');
    if (ms > 0) await this.#sleep(this.#realMs(ms / 1000));
    return input;
  }

  async #runTask(
    resource: string,
    params: Json,
    timeoutSeconds: number | undefined,
    executionArn: string,
  ): Promise<unknown> {
    const waitForToken = resource.endsWith('.waitForTaskToken');
    const base = resource.replace(/\.(waitForTaskToken|sync(:2)?)$/, '');
    const call = (p: Json): Promise<unknown> => {
      if (base.startsWith('arn:aws:lambda:')) return this.#invokeLambda(base, p);
      if (base === 'arn:aws:states:::lambda:invoke') return this.#lambdaInvokeIntegration(p, waitForToken);
      if (base === 'arn:aws:states:::states:startExecution')
        return this.#startNested(p, resource.includes('.sync'));
      const integration = this.#options.integrations?.[base.replace('arn:aws:states:::', '')];
      if (!integration)
        throw namedError('States.Runtime', `The resource ${resource} is not emulated locally`);
      return integration(p);
    };
    if (!waitForToken)
      return this.#withTimeout(
        Promise.resolve().then(() => call(params)),
        timeoutSeconds,
      );
    const token = randomUUID();
    const withToken = JSON.parse(JSON.stringify(params).replaceAll(TOKEN_PLACEHOLDER, token)) as Json;
    const result = new Promise<unknown>((resolve, reject) => {
      this.#tokens.set(token, { executionArn, resolve, reject });
    });
    // The notifier runs on its own: the state waits for SendTaskSuccess / SendTaskFailure.
    Promise.resolve()
      .then(() => call(withToken))
      .catch((error: unknown) => {
        const waiter = this.#tokens.get(token);
        if (!waiter) return;
        this.#tokens.delete(token);
        waiter.reject(error instanceof Error ? error : new Error(String(error)));
      });
    return this.#withTimeout(result, timeoutSeconds).finally(() => this.#tokens.delete(token));
  }

  async #invokeLambda(functionRef: string, payload: unknown): Promise<unknown> {
    try {
      return await this.#options.invokeFunction(functionRef, payload);
    } catch (error) {
      throw lambdaError(error);
    }
  }

  async #lambdaInvokeIntegration(params: Json, waitForToken: boolean): Promise<unknown> {
    const p = (params ?? {}) as Record<string, Json>;
    const functionName = String(p.FunctionName ?? '');
    const payload = typeof p.Payload === 'string' ? safeJson(p.Payload) : (p.Payload ?? {});
    if (p.InvocationType === 'Event') {
      this.#options.invokeFunction(functionName, payload).catch((error: unknown) => {
        this.#log('warn', `async invoke of ${functionName} failed: ${(error as Error).message}`);
      });
      return { Payload: '', StatusCode: 202 };
    }
    const result = await this.#invokeLambda(functionName, payload);
    if (waitForToken) return result;
    return {
      ExecutedVersion: '$LATEST',
      Payload: result,
      StatusCode: 200,
      SdkHttpMetadata: { HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: randomUUID() },
    };
  }

  async #startNested(params: Json, sync: boolean): Promise<unknown> {
    const p = (params ?? {}) as Record<string, Json>;
    const input = typeof p.Input === 'string' ? p.Input : JSON.stringify(p.Input ?? {});
    const record = this.startExecution(
      String(p.StateMachineArn),
      input,
      typeof p.Name === 'string' ? p.Name : undefined,
    );
    if (!sync)
      return { ExecutionArn: record.executionArn, StartDate: new Date(record.startDate).toISOString() };
    const done = await this.waitForExecution(record.executionArn);
    if (done.status !== 'SUCCEEDED')
      throw namedError(done.error ?? 'States.TaskFailed', done.cause ?? done.status);
    return { ...toApi(done), Output: safeJson(done.output ?? 'null') };
  }
}

function toApi(e: ExecutionRecord) {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: e.startDate / 1000,
    ...(e.stopDate !== undefined ? { stopDate: e.stopDate / 1000 } : {}),
    input: e.input,
    ...(e.output !== undefined ? { output: e.output } : {}),
    ...(e.error !== undefined ? { error: e.error } : {}),
    ...(e.cause !== undefined ? { cause: e.cause } : {}),
  };
}

/** Rejects with RuntimeClosedError once `signal` aborts, unless `promise` settled first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new RuntimeClosedError('the execution ended'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new RuntimeClosedError('the execution ended'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** An Error whose name is the ASL error name that Retry / Catch match on. */
function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** Lambda errors reach the workflow as Error = errorType, Cause = Lambda's JSON error payload. */
function lambdaError(error: unknown): Error {
  if (error instanceof FunctionInvocationError) {
    return namedError(
      error.errorType,
      JSON.stringify({
        errorType: error.errorType,
        errorMessage: error.errorMessage,
        trace: error.stackTrace,
      }),
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function pick(state: AnyState, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in state).map((k) => [k, state[k]]));
}

/** Replaces `${Key}` in every string of the definition. */
function substitute(value: unknown, substitutions: Record<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z0-9_.-]+)\}/g, (whole, key: string) => substitutions[key] ?? whole);
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, substitutions));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, substitutions)]));
  }
  return value;
}

/** A JSONPath reference path (`$.a.b[0]['c d']`), as ASL allows in *Path fields. */
export function referencePath(input: unknown, path: string): unknown {
  if (!path.startsWith('$')) throw namedError('States.Runtime', `Invalid reference path ${path}`);
  let current: unknown = input;
  const re = /\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]/g;
  let consumed = 1;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    if (m.index !== consumed) break;
    consumed = m.index + m[0].length;
    const key = m[1] ?? m[3] ?? Number(m[2]);
    current = (current as Record<string | number, unknown> | undefined)?.[key];
  }
  if (consumed !== path.length) throw namedError('States.Runtime', `Invalid reference path ${path}`);
  return current;
}
