import { AppError } from '../errors.ts';

/** One entry of Amazon's `{ errors: [...] }` body. */
export interface SpApiErrorDetail {
  readonly code: string;
  readonly message: string;
  readonly details?: string;
}

/** Base of every SP-API failure: carries the operation, HTTP status and Amazon's errors. */
export abstract class SpApiError extends AppError {
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly errors: readonly SpApiErrorDetail[],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Amazon's first error code, e.g. `InvalidInput`. */
  get code(): string | undefined {
    return this.errors[0]?.code;
  }
}

function describe(operation: string, status: number, errors: readonly SpApiErrorDetail[]): string {
  const first = errors[0];
  return first
    ? `SP-API ${operation} failed with ${status} ${first.code}: ${first.message}${first.details ? ` (${first.details})` : ''}`
    : `SP-API ${operation} failed with ${status}`;
}

/** 400/404/413/415 and friends: the request is wrong and resending it will not help. */
export class SpApiRequestError extends SpApiError {
  readonly retryable = false;
  constructor(operation: string, status: number, errors: readonly SpApiErrorDetail[]) {
    super(operation, status, errors, describe(operation, status, errors));
  }
}

/** 401/403 after a fresh token: the authorization itself is missing or revoked. */
export class SpApiAuthorizationError extends SpApiError {
  readonly retryable = false;
  constructor(operation: string, status: number, errors: readonly SpApiErrorDetail[]) {
    super(operation, status, errors, describe(operation, status, errors));
  }
}

/** 429 persisted through every retry. */
export class SpApiThrottledError extends SpApiError {
  readonly retryable = true;
  constructor(operation: string, attempts: number, errors: readonly SpApiErrorDetail[]) {
    super(operation, 429, errors, `SP-API ${operation} still throttled after ${attempts} attempts`);
  }
}

/** 5xx or a network failure persisted through every retry. */
export class SpApiUnavailableError extends SpApiError {
  readonly retryable = true;
  constructor(
    operation: string,
    status: number,
    attempts: number,
    errors: readonly SpApiErrorDetail[],
    cause?: unknown,
  ) {
    super(
      operation,
      status,
      errors,
      `SP-API ${operation} unavailable after ${attempts} attempts (last status ${status || 'network error'})`,
      { cause },
    );
  }
}

/** A 2xx whose body does not match our schema of the operation's response. */
export class SpApiMalformedResponseError extends SpApiError {
  readonly retryable = true;
  constructor(
    operation: string,
    status: number,
    readonly problems: readonly { path: string; message: string }[],
  ) {
    super(
      operation,
      status,
      [],
      `SP-API ${operation} returned a body that does not match its model: ${problems
        .slice(0, 5)
        .map((p) => `${p.path}: ${p.message}`)
        .join('; ')}`,
    );
  }
}

/**
 * A submission (a POST that changes Amazon's state) ended without a clear answer: a 5xx, a broken
 * connection, or a 2xx we could not read. Amazon may or may not have applied it, so it is never
 * resent blindly: the outbox marks it `unknown` and reads Amazon's state to decide (rule 11).
 */
export class SpApiOutcomeUnknownError extends SpApiError {
  readonly retryable = true;
  /** Tells the outbox that a resend needs Amazon's state first. */
  readonly ambiguous = true;
  constructor(operation: string, status: number, errors: readonly SpApiErrorDetail[], cause?: unknown) {
    super(
      operation,
      status,
      errors,
      `SP-API ${operation} ended without a clear answer (status ${status || 'network error'}); it may have been applied`,
      { cause },
    );
  }
}

/** Login with Amazon refused the credentials (wrong client secret, revoked refresh token). */
export class LwaAuthenticationError extends AppError {
  readonly retryable = false;
  constructor(
    readonly status: number,
    readonly lwaError: string,
    description: string,
  ) {
    super(`Login with Amazon refused the credentials (${status} ${lwaError}): ${description}`);
  }
}
