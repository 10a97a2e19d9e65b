/** Errors of the purchase-order domain (acknowledgement rules, payloads, deadlines). */
import { AppError, ValidationError } from '#shared/errors.ts';

/** A PO the rules cannot decide: closed, without details, or for another vendor code. */
export class PurchaseOrderNotDecidableError extends AppError {
  readonly retryable = false;
}

/**
 * An acknowledgement that Amazon would refuse or that would silently reject lines: a PO line
 * without a decision, a quantity above the ordered one, a backorder the line does not allow.
 * `issues` names each line at fault.
 */
export class InvalidAcknowledgementError extends ValidationError {}

/** A date-time or an ISO-8601 interval (`start--end`) that cannot be read. */
export class InvalidDateTimeError extends ValidationError {}

/** A reminder plan that makes no sense: a fraction outside (0, 1), negative minutes. */
export class InvalidReminderPlanError extends ValidationError {}
