import { AppError } from '../errors.ts';

/** Shopify refused a mutation with a user error (`code`), e.g. `CHANGE_FROM_QUANTITY_STALE`; resending the same request is refused again. */
export class ShopifyUserError extends AppError {
  readonly retryable = false;
  constructor(
    message: string,
    readonly code: string,
    readonly errors: readonly { code: string; message: string }[],
  ) {
    super(message);
  }
}

/** Shopify answered with an HTTP error or GraphQL errors. `retryable` when it certainly did not apply a mutation. */
export class ShopifyRequestError extends AppError {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The client-credentials grant was refused: wrong client id or secret, or the app is not installed. */
export class ShopifyAuthError extends AppError {
  readonly retryable = false;
}

/**
 * A mutation's answer was lost (dropped connection, 5xx, unreadable body): Shopify may or may not
 * have applied it. Deliberately without `retryable`, so the outbox makes the message `unknown`
 * and resolves it by reading Shopify's state instead of resending blindly.
 */
export class ShopifyOutcomeUnknownError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShopifyOutcomeUnknownError';
  }
}

/** Shopify could not parse a ShopifyQL query (`shopifyqlQuery.parseErrors`): the same query fails again. */
export class ShopifyqlParseError extends AppError {
  readonly retryable = false;
  constructor(
    readonly query: string,
    readonly parseErrors: readonly string[],
  ) {
    super(`Shopify could not parse the ShopifyQL query "${query}": ${parseErrors.join('; ')}`);
  }
}

/** A ShopifyQL answer without the columns or the values its query asked for. */
export class ShopifyqlAnswerError extends AppError {
  readonly retryable = false;
  constructor(
    readonly query: string,
    problem: string,
  ) {
    super(`Shopify's answer to the ShopifyQL query "${query}" is malformed: ${problem}`);
  }
}
