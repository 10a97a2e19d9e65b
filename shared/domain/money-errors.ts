/** Errors of the decimal money module (shared/domain/money.ts). */
import { AppError, ValidationError } from '#shared/errors.ts';

/** A text is not an amount we can hold exactly: not a decimal, too many digits, a bad currency code. */
export class InvalidAmountError extends ValidationError {}

/** Two amounts in different currencies were added, subtracted or compared. */
export class CurrencyMismatchError extends AppError {
  readonly retryable = false;
  constructor(
    readonly operation: string,
    readonly left: string,
    readonly right: string,
  ) {
    super(`Cannot ${operation} ${left} and ${right}: the currencies differ`);
  }
}

/** An amount was multiplied by something that is not a whole quantity. */
export class InvalidQuantityError extends AppError {
  readonly retryable = false;
}
