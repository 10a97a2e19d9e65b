import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import { describeIssues } from '#shared/validation.ts';
import { AwsServiceError } from './errors.ts';

/**
 * One small HTTP server for the AWS services the runtime emulates itself (EventBridge, Secrets
 * Manager, Step Functions), all speaking the AWS JSON protocol: `POST /` with
 * `X-Amz-Target: <Prefix>.<Operation>` and a JSON body; errors as `{"__type", "message"}`.
 * The SDK clients reach it through `AWS_ENDPOINT_URL_<SERVICE>`; requests are not authenticated.
 */

export type AwsJsonOperation = (input: unknown) => unknown;

const MAX_BODY_BYTES = 2 * 1024 * 1024;

export class AwsJsonServer {
  readonly #services = new Map<string, Record<string, AwsJsonOperation>>();
  #server: Server | undefined;

  /** Serves `<targetPrefix>.<Operation>` (e.g. `AWSEvents.PutEvents`) with `operations[Operation]`. */
  register(targetPrefix: string, operations: Record<string, AwsJsonOperation>): void {
    this.#services.set(targetPrefix, operations);
  }

  /** Starts listening on 127.0.0.1; returns the endpoint URL. */
  async listen(port = 0): Promise<string> {
    const server = createServer((req, res) => {
      void this.#handle(req, res);
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const contentType = String(req.headers['content-type'] ?? 'application/x-amz-json-1.1');
    try {
      const target = String(req.headers['x-amz-target'] ?? '');
      const dot = target.lastIndexOf('.');
      const operation = this.#services.get(target.slice(0, dot))?.[target.slice(dot + 1)];
      if (req.method !== 'POST' || !operation) {
        throw new AwsServiceError('UnknownOperationException', `Unknown operation ${target || '(none)'}`);
      }
      const body = await readBody(req);
      let input: unknown;
      try {
        input = body.length ? JSON.parse(body.toString('utf8')) : {};
      } catch {
        throw new AwsServiceError('SerializationException', 'The request body is not valid JSON');
      }
      const output = await operation(input);
      send(res, 200, contentType, output ?? {});
    } catch (error) {
      if (error instanceof AwsServiceError) {
        res.setHeader('x-amzn-errortype', error.type);
        send(res, error.statusCode, contentType, { __type: error.type, message: error.message });
      } else {
        const message = error instanceof Error ? error.message : String(error);
        send(res, 500, contentType, { __type: 'InternalFailure', message });
      }
    }
  }
}

/** Parses an operation's input with zod, answering ValidationException like AWS does. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const summary = describeIssues(result.error)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  throw new AwsServiceError('ValidationException', summary);
}

function send(res: ServerResponse, status: number, contentType: string, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new AwsServiceError('RequestEntityTooLarge', 'The request body is too large', 413));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
