import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
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
