import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  authorize,
  type Principal,
  principalFromClaims,
  type RoutePolicy,
} from '#shared/domain/authorization.ts';
import { AppError, ValidationError } from '#shared/errors.ts';
import { logger } from '#shared/observability.ts';

/** A JSON response of the console API. */
export function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

/** Maps errors to HTTP answers in one place (STYLE rule 6): typed errors by class, the rest as 500. */
export function errorResponse(error: unknown): APIGatewayProxyStructuredResultV2 {
  if (error instanceof ValidationError) {
    return json(400, { error: 'ValidationError', message: error.message, issues: error.issues });
  }
  if (error instanceof AppError) {
    logger.error('Request failed', { error });
    return json(error.retryable ? 503 : 500, { error: error.name, message: error.message });
  }
  logger.error('Unexpected failure', { error });
  return json(500, { error: 'InternalError', message: 'Unexpected failure; see the function logs' });
}

/** The verified claims API Gateway's JWT authorizer (or the local HTTP layer) put on the request. */
export function principalOf(event: APIGatewayProxyEventV2): Principal | undefined {
  const jwt = (
    event.requestContext as {
      authorizer?: { jwt?: { claims?: Record<string, unknown>; scopes?: string[] | null } };
    }
  ).authorizer?.jwt;
  return principalFromClaims(jwt?.claims, jwt?.scopes);
}

/**
 * A route handler behind its policy: the caller's groups (or a machine client's scopes) are checked
 * before the handler runs — 401 without a verified token, 403 when the policy does not allow the
 * caller. Every console route is declared through this (test/infra/authorization.test.ts checks).
 */
export function authorized(
  policy: RoutePolicy,
  handler: (
    event: APIGatewayProxyEventV2,
    principal: Principal,
  ) => Promise<APIGatewayProxyStructuredResultV2>,
): (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2> {
  return async (event) => {
    const decision = authorize(principalOf(event), policy);
    if (!decision.ok) {
      return json(decision.status, {
        error: decision.status === 401 ? 'Unauthorized' : 'Forbidden',
        message: decision.message,
      });
    }
    return handler(event, decision.principal);
  };
}

/**
 * The request's JSON body (API Gateway may hand it base64-encoded); a body that is not JSON is a
 * {@link ValidationError} naming `(body)` and what the route expects.
 */
export function jsonBodyOf(event: APIGatewayProxyEventV2, expected: string): unknown {
  const text = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('The body is not JSON', [{ path: '(body)', message: expected }]);
  }
}
