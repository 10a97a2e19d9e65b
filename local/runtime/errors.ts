import { AppError, ValidationError } from '#shared/errors.ts';

/** An EventBridge event pattern that EventBridge itself would reject. */
export class InvalidEventPatternError extends ValidationError {}

/** A schedule expression that is not `rate(...)`, `cron(...)` or `at(...)` as EventBridge Scheduler accepts them. */
export class InvalidScheduleExpressionError extends ValidationError {}

/**
 * A local function invocation that ended in an error, shaped like Lambda's error payload:
 * `errorType` is the thrown error's name (or `Sandbox.Timedout`, `Runtime.ImportModuleError`, …).
 */
export class FunctionInvocationError extends AppError {
  readonly retryable = true;
  constructor(
    readonly functionId: string,
    readonly errorType: string,
    readonly errorMessage: string,
    readonly stackTrace: readonly string[] = [],
  ) {
    super(`${functionId} failed with ${errorType}: ${errorMessage}`);
  }
}

/** The runtime (or one of its parts) was closed while the operation was pending. */
export class RuntimeClosedError extends AppError {
  readonly retryable = false;
}

/**
 * An error an emulated AWS JSON service answers with: `type` becomes the `__type` of the response
 * body, which the SDK turns into an exception of that name.
 */
export class AwsServiceError extends AppError {
  readonly retryable = false;
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
  }
}
