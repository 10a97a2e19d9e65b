/**
 * The inside of one local "Lambda container": a worker thread that imports the function's entry
 * once (its init phase, with its own process.env and module graph), then runs one invocation at a
 * time on request of the function host. Loaded with tsx (`--import tsx` in the worker's execArgv),
 * so the entry is the same TypeScript file CDK bundles.
 */

import dns from 'node:dns';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerInbound, WorkerOutbound, WorkerSetup } from './function-protocol.ts';

type Handler = (
  event: unknown,
  context: unknown,
  callback?: (err: unknown, result?: unknown) => void,
) => unknown;

// `*.localhost` is loopback (RFC 6761), but getaddrinfo does not always say so; fauxqs hands out
// queue URLs like http://sqs.us-east-1.localhost:PORT/..., which the SDK calls directly.
const systemLookup = dns.lookup;
const loopbackLookup = ((hostname: string, options: unknown, callback?: unknown) => {
  const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
  const opts = (typeof options === 'object' && options !== null ? options : {}) as { all?: boolean };
  if (!hostname.endsWith('.localhost'))
    return (systemLookup as (...args: unknown[]) => void)(hostname, options, callback);
  if (opts.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
  else cb(null, '127.0.0.1', 4);
}) as typeof dns.lookup;
dns.lookup = loopbackLookup;

const port = parentPort;
if (!port) throw new Error('function-worker.ts must run in a worker thread');
const setup = workerData as WorkerSetup;

function post(message: WorkerOutbound): void {
  port!.postMessage(message);
}

/** Lambda's error payload: the name as errorType, own enumerable fields kept when JSON-safe. */
function serializeError(error: unknown) {
  if (error instanceof Error) {
    const extra: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(error)) {
      try {
        extra[k] = JSON.parse(JSON.stringify(v));
      } catch {
        // Drop fields that cannot cross as JSON (cycles, BigInt).
      }
    }
    return { name: error.name, message: error.message, stack: error.stack ?? '', extra };
  }
  return {
    name: 'Error',
    message: typeof error === 'string' ? error : JSON.stringify(error),
    stack: '',
    extra: {},
  };
}

let handler: Handler;
try {
  const mod = (await import(pathToFileURL(setup.entryPath).href)) as Record<string, unknown>;
  const exported = mod[setup.handlerName];
  if (typeof exported !== 'function') {
    const error = new Error(`${setup.entryPath} does not export a function named "${setup.handlerName}"`);
    error.name = 'Runtime.HandlerNotFound';
    throw error;
  }
  handler = exported as Handler;
  post({ type: 'ready' });
} catch (error) {
  const serialized = serializeError(error);
  if (serialized.name === 'Error' || serialized.name === 'SyntaxError')
    serialized.name = 'Runtime.ImportModuleError';
  post({ type: 'init-error', error: serialized });
  // Keep the thread alive long enough for the message to be read; the host terminates it.
}

function runHandler(event: unknown, context: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const callback = (err: unknown, result?: unknown) => (err ? reject(err) : resolve(result));
    const returned = handler(event, context, callback);
    if (returned && typeof (returned as PromiseLike<unknown>).then === 'function') {
      (returned as PromiseLike<unknown>).then(resolve, reject);
    } else if (handler.length < 3) {
      resolve(returned);
    }
  });
}

port.on('message', async (message: WorkerInbound) => {
  if (message.type !== 'invoke') return;
  const { id, event, context: ctx } = message;
  const context = {
    ...ctx,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, ctx.deadlineMs - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
  try {
    const result = await runHandler(event, context);
    // Lambda returns JSON: undefined becomes null, Dates become strings.
    post({
      type: 'result',
      id,
      ok: true,
      value: result === undefined ? null : JSON.parse(JSON.stringify(result)),
    });
  } catch (error) {
    post({ type: 'result', id, ok: false, error: serializeError(error) });
  }
});
