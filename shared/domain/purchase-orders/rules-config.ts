/**
 * The acknowledgement rules an operator configures (`purchaseOrders.rules` in acorn.config.json):
 * what to accept, backorder, reject or send to a person, line by line. Every field has a default,
 * so `{}` is a complete, conservative rule set: anything uncertain goes to review, because a line
 * acknowledged `Rejected` can never be accepted later.
 */
import * as z from 'zod';
import { parseDecimal } from '#shared/domain/money.ts';
import { InvalidAmountError } from '#shared/domain/money-errors.ts';
import { parseOrThrow } from '#shared/validation.ts';

/** A decimal amount as a string or a JSON number (`"0.05"` or `0.05`); kept as a string, never a float. */
const decimalInput = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const text = typeof value === 'number' ? String(value) : value.trim();
  try {
    parseDecimal(text);
    return text;
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: error instanceof InvalidAmountError ? error.message : `"${text}" is not a decimal number`,
    });
    return z.NEVER;
  }
});
const wholeNumber = z.number().int('a whole number');

/** Per-SKU settings. At most one of alwaysAccept / neverAccept / alwaysReview may be set. */
export const skuRulesSchema = z.strictObject({
  /** Every line of this SKU goes to a person, whatever the stock. */
  alwaysReview: z.boolean().default(false),
  /** Every line of this SKU is rejected (`TemporarilyUnavailable`). */
  neverAccept: z.boolean().default(false),
  /**
   * Every line of this SKU is accepted in full without a stock check (made to order, or stock not
   * in the stock file). Catalogue, discontinuation, quantity and cost rules still apply.
   */
  alwaysAccept: z.boolean().default(false),
  /** Eaches kept back from Amazon for this SKU (overrides `defaultSafetyStock`). */
  safetyStock: wholeNumber.optional(),
  /** Lines ordering more eaches than this go to review (overrides the catalogue's maxOrderQuantity). */
  maxOrderQuantity: wholeNumber.optional(),
  /** Days to replenish (overrides the catalogue's leadTimeDays). */
  leadTimeDays: wholeNumber.optional(),
});

/**
 * The acknowledgement rules. Parse with this schema (or {@link validateRules}); the schema also
 * refuses self-contradicting settings with the path of the offending field.
 */
export const acknowledgementRulesSchema = z
  .strictObject({
    /**
     * How far the PO's net cost may be from the catalogue's expected cost and still count as equal:
     * within the absolute amount for the currency **or** within the percentage. Neither → exact.
     */
    costTolerance: z
      .strictObject({
        /** Per currency, e.g. `{ "EUR": "0.05", "JPY": "5" }`. */
        absolute: z.record(z.string(), decimalInput).default({}),
        /** Percent of the expected cost, e.g. `2` for 2 %. */
        percent: decimalInput.optional(),
      })
      .prefault({}),
    /** What to do when the net cost is outside the tolerance. `reject` sends `TemporarilyUnavailable`. */
    onCostMismatch: z.enum(['review', 'reject']).default('review'),
    /** A line whose product is not in the catalogue: review, or reject `InvalidProductIdentifier`. */
    onUnknownItem: z.enum(['review', 'reject']).default('review'),
    /** A line whose product is discontinued: reject `ObsoleteProduct`, or review. */
    onDiscontinued: z.enum(['reject', 'review']).default('reject'),
    /** A SKU without a stock position: review, or treat as zero available. */
    onMissingStock: z.enum(['review', 'zero']).default('review'),
    /** When less is available than ordered. */
    shortage: z
      .strictObject({
        /** Backorder the missing quantity when the PO line allows it (`isBackOrderAllowed`). */
        backorder: z.boolean().default(true),
        /** Backorder only when the SKU's lead time is at most this many days. */
        maxBackorderLeadTimeDays: wholeNumber.default(14),
        /**
         * Split a line: accept what is available and backorder (or, without a backorder, reject) the
         * rest. Off: a line is accepted, backordered or rejected whole.
         */
        partialAcceptance: z.boolean().default(true),
        /** When neither a backorder nor a partial acceptance applies: reject `TemporarilyUnavailable`, or review. */
        otherwise: z.enum(['reject', 'review']).default('reject'),
      })
      .prefault({}),
    /** Days from our dispatch to Amazon's dock, for POs with a delivery window (prepaid freight). */
    transitDays: wholeNumber.default(2),
    /** Lines ordering more eaches than this go to review (any SKU). Absent: no global limit. */
    reviewAboveQuantity: wholeNumber.optional(),
    /** Eaches kept back from Amazon for every SKU unless the SKU says otherwise. */
    defaultSafetyStock: wholeNumber.default(0),
    /** Whether a line sent to review keeps the stock it would get, so later lines cannot take it. */
    reviewHoldsStock: z.boolean().default(true),
    /** Per-SKU settings, keyed by SKU. */
    skus: z.record(z.string().min(1), skuRulesSchema).default({}),
  })
  .superRefine((rules, ctx) => {
    for (const problem of ruleProblems(rules)) ctx.addIssue({ code: 'custom', ...problem });
  });

/** What {@link acknowledgementRulesSchema} parses to. */
export type AcknowledgementRules = z.output<typeof acknowledgementRulesSchema>;
/** What an operator writes (every field optional). */
export type AcknowledgementRulesInput = z.input<typeof acknowledgementRulesSchema>;
/** What {@link skuRulesSchema} parses to. */
export type SkuRules = z.output<typeof skuRulesSchema>;

/** A contradiction in a rule set: the path of the field and what is wrong. */
export interface RuleProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/** Every contradiction in a rule set that the field types alone do not catch. */
export function ruleProblems(rules: AcknowledgementRules): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const nonNegative = (path: (string | number)[], value: number | undefined, what: string) => {
    if (value !== undefined && value < 0) problems.push({ path, message: `${what} cannot be below zero` });
  };

  for (const [currency, amount] of Object.entries(rules.costTolerance.absolute)) {
    if (!/^[A-Z]{3}$/.test(currency)) {
      problems.push({
        path: ['costTolerance', 'absolute', currency],
        message: `"${currency}" is not a currency code such as "EUR"`,
      });
    } else if (amount.startsWith('-')) {
      problems.push({
        path: ['costTolerance', 'absolute', currency],
        message: 'a tolerance cannot be below zero',
      });
    }
  }
  const percent = rules.costTolerance.percent;
  if (percent !== undefined) {
    const value = parseDecimal(percent);
    if (value.units < 0n) {
      problems.push({ path: ['costTolerance', 'percent'], message: 'a tolerance cannot be below zero' });
    } else if (value.units > 100n * 10n ** BigInt(value.scale)) {
      problems.push({
        path: ['costTolerance', 'percent'],
        message: `${percent} % is more than 100 %: every cost would match`,
      });
    }
  }
  nonNegative(
    ['shortage', 'maxBackorderLeadTimeDays'],
    rules.shortage.maxBackorderLeadTimeDays,
    'the backorder lead time',
  );
  nonNegative(['transitDays'], rules.transitDays, 'the transit time');
  nonNegative(['defaultSafetyStock'], rules.defaultSafetyStock, 'a safety stock');
  if (rules.reviewAboveQuantity !== undefined && rules.reviewAboveQuantity < 0) {
    problems.push({ path: ['reviewAboveQuantity'], message: 'the review threshold cannot be below zero' });
  }

  for (const [sku, sr] of Object.entries(rules.skus)) {
    const at = (field: string) => ['skus', sku, field];
    const forced = (['alwaysAccept', 'neverAccept', 'alwaysReview'] as const).filter((k) => sr[k]);
    if (forced.length > 1) {
      problems.push({
        path: at(forced[1]!),
        message: `SKU ${sku} cannot be both ${forced.join(' and ')}: choose one`,
      });
    }
    nonNegative(at('safetyStock'), sr.safetyStock, 'a safety stock');
    nonNegative(at('leadTimeDays'), sr.leadTimeDays, 'a lead time');
    if (sr.maxOrderQuantity !== undefined && sr.maxOrderQuantity < 1) {
      problems.push({
        path: at('maxOrderQuantity'),
        message: `a maximum order quantity below 1 sends every line of ${sku} to review; use alwaysReview`,
      });
    }
  }
  return problems;
}

/**
 * Parses and checks a rule set; throws ValidationError naming every bad field
 * (`shortage.maxBackorderLeadTimeDays: the backorder lead time cannot be below zero`).
 */
export function validateRules(input: unknown): AcknowledgementRules {
  return parseOrThrow(acknowledgementRulesSchema, input, 'acknowledgement rules');
}

/** The rules when nothing is configured. */
export const DEFAULT_ACKNOWLEDGEMENT_RULES: AcknowledgementRules = acknowledgementRulesSchema.parse({});
