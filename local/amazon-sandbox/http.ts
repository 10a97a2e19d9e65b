/**
 * The small HTTP vocabulary the sandbox's routes share: requests, replies, Amazon-shaped errors,
 * and query-string helpers.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import type { ApiError } from '#shared/sp-api/schemas/common.ts';
import { describeIssues } from '#shared/validation.ts';

/** A parsed request as a route sees it. */
export interface SandboxRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Path parameters by template name. */
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  /** The JSON body, validated by the route's schema when it declares one. */
  readonly body: unknown;
  readonly rawBody: string;
  /** The LWA client id of the access token (SP-API routes only). */
  readonly clientId: string;
}

/** What a route answers. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  /** Sent verbatim instead of `body` (used to simulate a truncated response). */
  readonly raw?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** How a route is reached and protected. */
export type RouteKind = 'sp-api' | 'lwa' | 'control';

/** One route of the sandbox. */
export interface Route {
  readonly kind: RouteKind;
  readonly method: 'GET' | 'POST';
  /** Path template, e.g. `/vendor/orders/v1/purchaseOrders/{purchaseOrderNumber}`. */
  readonly path: string;
  /** SP-API operation id (also the usage-plan key and the log label). */
  readonly operation: string;
  /** Grantless scope the access token must carry; absent = selling-partner token. */
  readonly grantlessScope?: string;
  /** Schema of the JSON body; invalid bodies get a 400 InvalidInput before the handler runs. */
  readonly body?: z.ZodType;
  handle(request: SandboxRequest): Reply | Promise<Reply>;
}

/** An error reply in Amazon's `{ errors: [...] }` shape. */
export function amazonError(status: number, errors: ApiError[]): Reply {
  return { status, body: { errors } };
}

/** A 400 InvalidInput reply naming each problem. */
export function invalidInput(problems: readonly { path: string; message: string }[]): Reply {
  return amazonError(
    400,
    problems.map((p) => ({ code: 'InvalidInput', message: `${p.path}: ${p.message}`, details: p.path })),
  );
}

/** A 404 NotFound reply. */
export function notFound(message: string, details = ''): Reply {
  return amazonError(404, [{ code: 'NotFound', message, details }]);
}

/** Parses the query string with a zod schema, or answers 400 InvalidInput. */
export function parseQuery<S extends z.ZodType>(
  schema: S,
  query: URLSearchParams,
): { ok: true; value: z.output<S> } | { ok: false; reply: Reply } {
  const result = schema.safeParse(Object.fromEntries(query));
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, reply: invalidInput(describeIssues(result.error)) };
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses a query timestamp. Amazon's own examples send some without a zone
 * (`2019-08-20T14:00:00`), which the sandbox reads as UTC.
 */
export function parseQueryTime(value: string): number | undefined {
  if (!ISO_DATE_TIME.test(value)) return undefined;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const at = Date.parse(zoned);
  return Number.isNaN(at) ? undefined : at;
}
