import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { FunctionInvocationError } from './errors.ts';

/**
 * HTTP routes of the manifest, served like an API Gateway HTTP API with payload format 2.0:
 * route matching (`/approvals/{id}`, greedy `/{proxy+}`, method `ANY`, `$default`; literal
 * segments beat parameters, parameters beat greedy paths), the v2 event, and the mapping of the
 * function's result to a response (a result without `statusCode` is a 200 JSON body; a function
 * error is a 500 `{"message":"Internal Server Error"}`).
 */

export interface HttpRoute {
  functionId: string;
  /** HTTP method or `ANY`. */
  method: string;
  /** `/path/{param}/{rest+}` or `$default`. */
  path: string;
  /** The route's authorizer kind from the manifest: `jwt` routes need a verified bearer token. */
  authorization?: 'jwt' | 'iam' | 'none';
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  /** Cookies to set (one `set-cookie` header each). */
  cookies: string[];
  /** A string, or a Buffer when the function returned a base64-encoded body. */
  body: string | Buffer;
}

/** Query as a raw string (`a=1&b=2`), URLSearchParams, or name → value(s). */
export type HttpQuery = string | URLSearchParams | Record<string, string | readonly string[] | undefined>;

export type HandleHttp = (
  method: string,
  path: string,
  query?: HttpQuery,
  body?: string | Buffer,
  headers?: IncomingHttpHeaders | Record<string, string | readonly string[] | undefined>,
) => Promise<HttpResponse>;

interface CompiledRoute {
  route: HttpRoute;
  segments: string[];
  /** Higher wins: literal segments, then parameters; greedy and `$default` last. */
  score: number;
}

export class HttpRouter {
  readonly #routes: CompiledRoute[];

  constructor(routes: readonly HttpRoute[]) {
    this.#routes = routes
      .map((route) => {
        const segments = route.path === '$default' ? [] : route.path.split('/').filter(Boolean);
        let score = route.path === '$default' ? -1_000_000 : 0;
        for (const s of segments) score += s.endsWith('+}') ? -1000 : s.startsWith('{') ? 10 : 100;
        if (route.method.toUpperCase() !== 'ANY') score += 1;
        return { route, segments, score };
      })
      .sort((a, b) => b.score - a.score || b.segments.length - a.segments.length);
  }

  routes(): HttpRoute[] {
    return this.#routes.map((r) => r.route);
  }

  /** The best route for a request, with its path parameters. */
  match(
    method: string,
    path: string,
  ): { route: HttpRoute; pathParameters: Record<string, string> } | undefined {
    const parts = path.split('/').filter(Boolean);
    for (const { route, segments } of this.#routes) {
      const m = route.method.toUpperCase();
      if (m !== 'ANY' && m !== method.toUpperCase()) continue;
      if (route.path === '$default') return { route, pathParameters: {} };
      const params = matchSegments(segments, parts);
      if (params) return { route, pathParameters: params };
    }
    return undefined;
  }
}

function matchSegments(
  segments: readonly string[],
  parts: readonly string[],
): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (s.startsWith('{') && s.endsWith('+}')) {
      if (i >= parts.length) return undefined;
      params[s.slice(1, -2)] = parts.slice(i).map(decode).join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (s.startsWith('{') && s.endsWith('}')) params[s.slice(1, -1)] = decode(part);
    else if (s !== part) return undefined;
  }
  return parts.length === segments.length ? params : undefined;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const TEXT_TYPES = /^(text\/|application\/(json|.*\+json|xml|.*\+xml|x-www-form-urlencoded|javascript))/i;

/** Builds the API Gateway HTTP API (payload 2.0) event for a request. */
export function buildHttpEvent(input: {
  route: HttpRoute;
  pathParameters: Record<string, string>;
  method: string;
  path: string;
  query?: HttpQuery;
  body?: string | Buffer;
  headers?: Record<string, string | readonly string[] | undefined>;
  now: Date;
  accountId: string;
}): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  let cookies: string[] = [];
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const joined = typeof value === 'string' ? value : value.join(',');
    if (key === 'cookie') cookies = joined.split(/;\s*/).filter(Boolean);
    else headers[key] = key in headers ? `${headers[key]},${joined}` : joined;
  }
  const search = toSearchParams(input.query);
  const queryStringParameters: Record<string, string> = {};
  for (const key of new Set(search.keys())) queryStringParameters[key] = search.getAll(key).join(',');

  let body: string | undefined;
  let isBase64Encoded = false;
  if (typeof input.body === 'string') body = input.body;
  else if (input.body && input.body.length > 0) {
    if (TEXT_TYPES.test(headers['content-type'] ?? '')) body = input.body.toString('utf8');
    else {
      body = input.body.toString('base64');
      isBase64Encoded = true;
    }
  }
  const routeKey =
    input.route.path === '$default' ? '$default' : `${input.route.method.toUpperCase()} ${input.route.path}`;
  const method = input.method.toUpperCase();
  return {
    version: '2.0',
    routeKey,
    rawPath: input.path,
    rawQueryString: search.toString(),
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(search.size > 0 ? { queryStringParameters } : {}),
    ...(Object.keys(input.pathParameters).length > 0 ? { pathParameters: input.pathParameters } : {}),
    requestContext: {
      accountId: input.accountId,
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method,
        path: input.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: apiGatewayTime(input.now),
      timeEpoch: input.now.getTime(),
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded,
  };
}

/** Maps a function's result (or error) to an HTTP response, as HTTP APIs do for payload 2.0. */
export function httpResponseFromResult(
  outcome: { ok: true; value: unknown } | { ok: false; error: unknown },
): HttpResponse {
  if (!outcome.ok) {
    if (!(outcome.error instanceof FunctionInvocationError)) throw outcome.error;
    return jsonResponse(500, { message: 'Internal Server Error' });
  }
  const value = outcome.value;
  if (typeof value === 'object' && value !== null && 'statusCode' in value) {
    const r = value as {
      statusCode: unknown;
      headers?: Record<string, unknown>;
      cookies?: unknown[];
      body?: unknown;
      isBase64Encoded?: boolean;
    };
    const headers = Object.fromEntries(
      Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    const text = r.body === undefined || r.body === null ? '' : String(r.body);
    return {
      statusCode: Number(r.statusCode),
      headers,
      cookies: (r.cookies ?? []).map(String),
      body: r.isBase64Encoded ? Buffer.from(text, 'base64') : text,
    };
  }
  if (typeof value === 'string')
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, cookies: [], body: value };
  return jsonResponse(200, value);
}

function jsonResponse(statusCode: number, payload: unknown): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: JSON.stringify(payload),
  };
}

/** The 401 API Gateway's JWT authorizer answers for a missing or invalid token. */
export function unauthorizedResponse(): HttpResponse {
  return {
    ...jsonResponse(401, { message: 'Unauthorized' }),
    headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' },
  };
}

/** The 404 an HTTP API answers when no route matches. */
export function notFoundResponse(): HttpResponse {
  return jsonResponse(404, { message: 'Not Found' });
}

function toSearchParams(query: HttpQuery | undefined): URLSearchParams {
  if (query === undefined) return new URLSearchParams();
  if (typeof query === 'string') return new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  if (query instanceof URLSearchParams) return new URLSearchParams(query);
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    for (const one of typeof v === 'string' ? [v] : v) out.append(k, one);
  }
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `12/Mar/2020:19:03:58 +0000`, the format of requestContext.time. */
function apiGatewayTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/**
 * A Node request listener for the manifest's routes, for an HTTP server that also serves other
 * things: resolves true when it answered, false when no route matched (the request is untouched).
 */
export function httpRouteListener(
  router: HttpRouter,
  handleHttp: HandleHttp,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    if (!router.match(method, url.pathname)) return false;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const response = await handleHttp(method, url.pathname, url.search, Buffer.concat(chunks), req.headers);
    res.statusCode = response.statusCode;
    for (const [k, v] of Object.entries(response.headers)) res.setHeader(k, v);
    if (response.cookies.length > 0) res.setHeader('set-cookie', response.cookies);
    res.end(response.body);
    return true;
  };
}
