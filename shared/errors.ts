/**
 * Base of every error Acorn throws on purpose. Subclasses name the failure; their class names are
 * also the Retry/Catch contract of the state machines (STYLE rule 7), so never rename one lightly.
 */
export abstract class AppError extends Error {
  /** Whether retrying the same operation later may succeed. */
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that does not match its schema: an event, a file row, an API body, a config file. */
export class ValidationError extends AppError {
  readonly retryable = false;
  constructor(
    message: string,
    /** Each problem with the path of the field and what was expected. */
    readonly issues: readonly { path: string; message: string }[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A required environment variable or setting is missing or malformed: fail at init. */
export class ConfigurationError extends AppError {
  readonly retryable = false;
}

/** A conditional write lost: someone else already did it. Usually not an error for the caller. */
export class ConflictError extends AppError {
  readonly retryable = false;
}
