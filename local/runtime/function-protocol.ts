/** Messages between the function host and a function worker (function-worker.ts). */

/** workerData of a function worker. */
export interface WorkerSetup {
  functionId: string;
  /** Absolute path of the TypeScript entry. */
  entryPath: string;
  /** Name of the exported handler. */
  handlerName: string;
}

/** The Lambda context fields that cross to the worker; methods are added there. */
export interface InvocationContextData {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  /** Wall-clock epoch ms at which the invocation times out. */
  deadlineMs: number;
}

export interface SerializedError {
  name: string;
  message: string;
  stack: string;
  extra: Record<string, unknown>;
}

export type WorkerInbound = { type: 'invoke'; id: number; event: unknown; context: InvocationContextData };

export type WorkerOutbound =
  | { type: 'ready' }
  | { type: 'init-error'; error: SerializedError }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: SerializedError };
