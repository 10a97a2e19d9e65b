/**
 * The HTTP server: matches a route and runs it through the same steps Amazon's front door does,
 * in Amazon's order: (injected latency) → access token → usage plan → (injected throttling and
 * server errors) → request validation → the operation → (injected malformed body), then records
 * the request for `requestLog()` and `stats()`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '#shared/clock.ts';
import { describeIssues } from '#shared/validation.ts';
import type { FaultInjector } from './faults.ts';
import { amazonError, invalidInput, type Reply, type Route, type SandboxRequest } from './http.ts';
import type { LwaAuthority, TokenCheck } from './lwa.ts';
import type { OfficialModels } from './official-models.ts';
import { formatRate, type TokenBucketLimiter, USAGE_PLANS } from './rate-limiter.ts';
import type { SandboxLogEntry } from './services.ts';

/** Largest request body accepted (Amazon answers 413 above its limit). */
const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Requests kept for requestLog(); older ones are dropped. */
const MAX_LOG_ENTRIES = 10_000;

/** One served request, as `requestLog()` and `GET /_sandbox/requests` report it. */
export interface RequestLogEntry {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** SP-API operation id, `lwaToken`, or `unknown` for unmatched paths. */
  readonly operation: string;
  readonly status: number;
  /** Business (clock) time of the request, ISO-8601. */
  readonly time: string;
  /** Real time spent, including injected latency. */
  readonly durationMs: number;
}

/** Request counts, as `stats()` and `GET /_sandbox/stats` report them. */
export interface SandboxStats {
  readonly total: number;
  readonly byOperation: Readonly<Record<string, number>>;
  readonly byStatus: Readonly<Record<string, number>>;
  /** All 429 answers, from the usage plans and from injected throttling. */
  readonly throttled: number;
}

/** What the server needs. */
export interface SandboxServerOptions {
  readonly routes: readonly Route[];
  readonly clock: Clock;
  readonly lwa: LwaAuthority;
  readonly faults: FaultInjector;
  /** Absent when rate limits are switched off. */
  readonly limiter?: TokenBucketLimiter;
  readonly officialModels?: OfficialModels;
  readonly log: (entry: SandboxLogEntry) => void;
}

interface CompiledRoute {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

class BodyTooLargeError extends Error {}

const UNAUTHORIZED_DETAILS: Record<Exclude<TokenCheck, { ok: true }>['reason'], string> = {
  missing: 'The request has no access token in the x-amz-access-token header.',
  invalid: 'The access token you provided is revoked, malformed or invalid.',
  expired: 'The access token you provided has expired.',
  'wrong-kind': 'The access token you provided does not grant access to this operation.',
};

const QUOTA_EXCEEDED: Reply = amazonError(429, [
  { code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' },
]);

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError());
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** The sandbox's HTTP front door. */
export class SandboxServer {
  readonly #options: SandboxServerOptions;
  readonly #routes: CompiledRoute[];
  readonly #server: Server;
  readonly #log: RequestLogEntry[] = [];
  readonly #byOperation = new Map<string, number>();
  readonly #byStatus = new Map<string, number>();
  #total = 0;
  #throttled = 0;

  constructor(options: SandboxServerOptions) {
    this.#options = options;
    this.#routes = options.routes.map(compile);
    this.#server = createServer((request, response) => {
      this.#serve(request, response).catch((error: unknown) => {
        options.log({ level: 'error', message: 'sandbox request failed', context: { error: String(error) } });
        if (!response.headersSent) response.writeHead(500).end();
      });
    });
  }

  /** Starts listening; resolves with the bound port. */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve((this.#server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops accepting requests and closes idle keep-alive connections. */
  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.close((error) => (error ? reject(error) : resolve()));
      this.#server.closeIdleConnections();
    });
  }

  /** Served Amazon requests, oldest first (control endpoints are not recorded). */
  requestLog(): RequestLogEntry[] {
    return [...this.#log];
  }

  /** Counts of served Amazon requests. */
  stats(): SandboxStats {
    return {
      total: this.#total,
      byOperation: Object.fromEntries(this.#byOperation),
      byStatus: Object.fromEntries(this.#byStatus),
      throttled: this.#throttled,
    };
  }

  async #serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = randomUUID();
    const url = new URL(request.url ?? '/', 'http://sandbox.invalid');
    const method = request.method ?? 'GET';
    const matched = this.#match(method, url.pathname);

    let reply: Reply;
    let rawBody = '';
    try {
      rawBody = await readBody(request);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      reply = amazonError(413, [{ code: 'RequestEntityTooLarge', message: 'The request is too large.' }]);
    }
    const route = matched?.route;
    reply ??= matched
      ? await this.#dispatch(matched.route, {
          method,
          path: url.pathname,
          query: url.searchParams,
          params: matched.params,
          headers: request.headers,
          body: undefined,
          rawBody,
          clientId: '',
        })
      : amazonError(404, [{ code: 'NotFound', message: `No resource at ${method} ${url.pathname}.` }]);

    const headers: Record<string, string> = { 'x-amzn-RequestId': requestId, ...reply.headers };
    const plan = route ? USAGE_PLANS[route.operation] : undefined;
    // Amazon only sends the usage plan on 2xx, 400 and 404 answers (notes/domain.md 1.2).
    if (plan && (reply.status < 300 || reply.status === 400 || reply.status === 404)) {
      headers['x-amzn-RateLimit-Limit'] = formatRate(plan.rate);
    }
    const payload = reply.raw ?? (reply.body === undefined ? undefined : JSON.stringify(reply.body));
    if (payload !== undefined) headers['content-type'] = 'application/json';
    response.writeHead(reply.status, headers);
    response.end(reply.status === 204 ? undefined : payload);

    if (route?.kind === 'control') return;
    this.#record({
      requestId,
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      operation: route?.operation ?? 'unknown',
      status: reply.status,
      time: this.#options.clock.now().toISOString(),
      durationMs: Math.round(performance.now() - started),
    });
  }

  #match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const { route, pattern, names } of this.#routes) {
      if (route.method !== method) continue;
      const found = pattern.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        params[name] = decodeURIComponent(found[i + 1] ?? '');
      });
      return { route, params };
    }
    return undefined;
  }

  async #dispatch(route: Route, request: SandboxRequest): Promise<Reply> {
    try {
      if (route.kind !== 'sp-api') {
        if (!route.body) return await route.handle(request);
        const json = this.#parseJson(request.rawBody);
        if (!json.ok) return json.reply;
        const parsed = route.body.safeParse(json.value);
        if (!parsed.success) return invalidInput(describeIssues(parsed.error));
        return await route.handle({ ...request, body: parsed.data });
      }
      return await this.#dispatchSpApi(route, request);
    } catch (error) {
      this.#options.log({
        level: 'error',
        message: 'sandbox operation failed',
        context: { operation: route.operation, error: error instanceof Error ? error.stack : String(error) },
      });
      return amazonError(500, [
        { code: 'InternalFailure', message: 'We encountered an internal error. Please try again.' },
      ]);
    }
  }

  async #dispatchSpApi(route: Route, request: SandboxRequest): Promise<Reply> {
    const { lwa, limiter, faults, officialModels } = this.#options;
    const decision = faults.decide();
    if (decision.latencyMs > 0) await delay(decision.latencyMs);

    const token = request.headers['x-amz-access-token'];
    const check = lwa.check(Array.isArray(token) ? token[0] : token, {
      ...(route.grantlessScope ? { grantlessScope: route.grantlessScope } : {}),
    });
    if (!check.ok) {
      return amazonError(403, [
        {
          code: 'Unauthorized',
          message: 'Access to requested resource is denied.',
          details: UNAUTHORIZED_DETAILS[check.reason],
        },
      ]);
    }
    const plan = USAGE_PLANS[route.operation];
    if (limiter && plan && !limiter.take(`${check.clientId}\u0000${route.operation}`, plan))
      return QUOTA_EXCEEDED;
    if (decision.fail === 'throttle') return QUOTA_EXCEEDED;
    if (decision.fail === 500) {
      return amazonError(500, [
        { code: 'InternalFailure', message: 'We encountered an internal error. Please try again.' },
      ]);
    }
    if (decision.fail === 503) {
      return amazonError(503, [
        { code: 'ServiceUnavailable', message: 'Service temporarily unavailable. Please try again.' },
      ]);
    }

    let body: unknown;
    if (route.body) {
      const contentType = request.headers['content-type'] ?? '';
      if (!contentType.includes('application/json')) {
        return amazonError(415, [
          {
            code: 'UnsupportedMediaType',
            message: `The content type ${contentType || '(none)'} is not supported; send application/json.`,
          },
        ]);
      }
      const json = this.#parseJson(request.rawBody);
      if (!json.ok) return json.reply;
      const parsed = route.body.safeParse(json.value);
      if (!parsed.success) return invalidInput(describeIssues(parsed.error));
      // The official model is a second opinion: it catches what our own schema might let through.
      const official = officialModels?.validateRequestBody(route.operation, json.value) ?? [];
      if (official.length > 0) {
        return invalidInput(
          official.map((o) => ({ path: o.path, message: `${o.message} (official model)` })),
        );
      }
      body = parsed.data;
    }

    const reply = await route.handle({ ...request, body, clientId: check.clientId });
    if (decision.malformed && reply.status < 300 && reply.body !== undefined) {
      // The operation did happen; only the answer is broken, like a response lost in transit.
      return decision.malformed === 'truncated'
        ? { ...reply, body: undefined, raw: JSON.stringify(reply.body).slice(0, 20) }
        : { ...reply, body: { payload: 'malformed by the Acorn sandbox' } };
    }
    return reply;
  }

  #parseJson(rawBody: string): { ok: true; value: unknown } | { ok: false; reply: Reply } {
    try {
      return { ok: true, value: rawBody.trim() === '' ? {} : JSON.parse(rawBody) };
    } catch {
      return {
        ok: false,
        reply: invalidInput([{ path: '(body)', message: 'the request body is not valid JSON' }]),
      };
    }
  }

  #record(entry: RequestLogEntry): void {
    this.#log.push(entry);
    if (this.#log.length > MAX_LOG_ENTRIES) this.#log.splice(0, this.#log.length - MAX_LOG_ENTRIES);
    this.#total += 1;
    this.#byOperation.set(entry.operation, (this.#byOperation.get(entry.operation) ?? 0) + 1);
    this.#byStatus.set(String(entry.status), (this.#byStatus.get(String(entry.status)) ?? 0) + 1);
    if (entry.status === 429) this.#throttled += 1;
  }
}
