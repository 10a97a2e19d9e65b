import * as z from 'zod';
import { ConfigurationError } from '../errors.ts';
import { parseOrThrow } from '../validation.ts';
import { readEnvJson } from './env-json.ts';

/** SP-API regions and their production hosts. */
export const spApiRegionSchema = z.enum(['na', 'eu', 'fe']);
export type SpApiRegion = z.infer<typeof spApiRegionSchema>;

/** The automations an operator can switch between off, simulate and live. */
export const automationModuleSchema = z.enum([
  'purchaseOrders',
  'shipments',
  'invoices',
  'creditMemos',
  'payments',
  'inventory',
  'notifications',
]);
export type AutomationModule = z.infer<typeof automationModuleSchema>;

/** `simulate` records exactly what would be sent and sends nothing. */
export const automationModeSchema = z.enum(['off', 'simulate', 'live']);
export type AutomationMode = z.infer<typeof automationModeSchema>;

/** How often and how patiently one SP-API call is retried. */
export const retryPolicySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(20),
  baseDelayMs: z.number().int().min(1),
  maxDelayMs: z.number().int().min(1),
});
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

/** Eight attempts, 250 ms doubling to at most 20 s: rides out a 429 storm within a Lambda's budget. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 20_000 };

/** Reminders at fractions of the time to a deadline, and when to escalate. */
export const reminderPlanSchema = z.strictObject({
  reminders: z.array(z.number().gt(0).lt(1)).max(5),
  escalation: z
    .union([
      z.strictObject({ atFraction: z.number().gt(0).max(1) }),
      z.strictObject({ minutesBefore: z.number().int().min(0) }),
    ])
    .optional(),
});

/**
 * The non-secret part of the configuration that functions need at run time. CDK serialises it into
 * the `ACORN_RUNTIME_CONFIG` environment variable; secrets are referenced by id only.
 */
export const runtimeConfigSchema = z.strictObject({
  spApi: z.strictObject({
    rateLimitFraction: z.number().gt(0).max(1),
    retry: retryPolicySchema,
    lwaEndpoint: z.url().optional(),
    accounts: z.array(
      z.strictObject({ id: z.string(), region: spApiRegionSchema, endpoint: z.url().optional() }),
    ),
  }),
  vendors: z.array(
    z.strictObject({
      vendorCode: z.string(),
      spApiAccount: z.string(),
      marketplaces: z.array(z.string()),
      acknowledgementDeadlineHours: z.number(),
    }),
  ),
  automation: z.record(automationModuleSchema, automationModeSchema),
  purchaseOrders: z.strictObject({
    /** Validated against the rules schema where it is used (shared/domain/purchase-orders/rules-config.ts). */
    rules: z.record(z.string(), z.unknown()),
    reminders: reminderPlanSchema,
  }),
  shipments: z.strictObject({
    /** Reminders while an accepted PO is inside its departure window with no shipment, and the escalation. */
    reminders: reminderPlanSchema,
    /** Reminders while a shipment has no ASN at Amazon, up to its ASN deadline, and the escalation. */
    asnReminders: reminderPlanSchema,
    /** Minutes after departure by which Amazon expects the ASN. */
    asnDeadlineMinutes: z.number().int().positive(),
    /** Days in transit: a PO with a delivery window must leave this much before it. */
    transitDays: z.number().int().min(0),
    /** Where shipments leave from (`parties.shipFrom`); the first is the default. */
    shipFrom: z
      .array(
        z.strictObject({
          partyId: z.string(),
          address: z.strictObject({
            name: z.string(),
            addressLine1: z.string(),
            addressLine2: z.string().optional(),
            city: z.string(),
            stateOrRegion: z.string().optional(),
            postalCode: z.string(),
            countryCode: z.string(),
          }),
        }),
      )
      .min(1),
  }),
  initialLookbackDays: z.number().int().positive(),
  /** Invoicing (absent in configurations made before it; its functions then fail at init). */
  invoices: z
    .strictObject({
      legalEntity: z.string(),
      numberPrefix: z.string(),
      remitTo: z.strictObject({
        partyId: z.string(),
        address: z.strictObject({
          name: z.string(),
          addressLine1: z.string(),
          addressLine2: z.string().optional(),
          city: z.string(),
          stateOrRegion: z.string().optional(),
          postalCode: z.string(),
          countryCode: z.string(),
        }),
        taxRegistrations: z.array(
          z.strictObject({ type: z.enum(['VAT', 'GST']), number: z.string(), country: z.string() }),
        ),
      }),
      vendors: z.array(
        z.strictObject({
          vendorCode: z.string(),
          invoicing: z.enum(['live', 'parallel-run']),
          paymentTerms: z
            .strictObject({
              type: z.enum([
                'Basic',
                'EndOfMonth',
                'FixedDate',
                'Proximo',
                'PaymentDueUponReceiptOfInvoice',
                'LetterofCredit',
              ]),
              netDueDays: z.number().int(),
              discountPercent: z.string().optional(),
              discountDueDays: z.number().int().optional(),
            })
            .optional(),
        }),
      ),
    })
    .optional(),
  /** Inventory (issue #9); absent in configurations made before it: the defaults apply. */
  inventory: z
    .strictObject({
      /** Validated where it is used (shared/domain/inventory/allocation.ts). */
      allocation: z.record(z.string(), z.unknown()),
      shopifyEnabled: z.boolean(),
      shopifyLocationId: z.string().optional(),
      /** DF inventory push per vendor code, with the SP-API account it goes through; absent: none. */
      directFulfillment: z
        .array(
          z.strictObject({
            vendorCode: z.string(),
            warehouseId: z.string(),
            sellingPartyId: z.string(),
            spApiAccount: z.string(),
          }),
        )
        .optional(),
    })
    .optional(),
});
export type RuntimeConfig = z.infer<typeof runtimeConfigSchema>;

/**
 * The credit-memo functions' own configuration (`CREDIT_MEMOS_CONFIG`, infra/config.ts
 * `creditMemos`, `approvers`, `parties.remitTo`): only those functions get it, so neither the
 * approvers' addresses nor the policy grow the runtime configuration every function carries.
 */
export const creditMemosConfigSchema = z.strictObject({
  autoApproveBelow: z.record(z.string(), z.string()),
  receivedStatuses: z.array(z.string()),
  recheckReceiptMinutes: z.number().int().positive(),
  approvalHours: z.number().int().positive(),
  reminders: z.array(z.number()),
  emailFrom: z.string().optional(),
  slackChannel: z.string().optional(),
  approvers: z.array(
    z.strictObject({ name: z.string(), email: z.string(), slackUserId: z.string().optional() }),
  ),
  remitTo: z.strictObject({
    partyId: z.string(),
    address: z.record(z.string(), z.string()),
    taxRegistrations: z.array(
      z.strictObject({ type: z.enum(['VAT', 'GST']), number: z.string(), country: z.string() }),
    ),
  }),
});
export type CreditMemosConfig = z.infer<typeof creditMemosConfigSchema>;

/** Reads a required environment variable or fails init with its name (STYLE rule 4). */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new ConfigurationError(`Environment variable ${name} is required but not set`);
  }
  return value;
}

/** Parses `ACORN_RUNTIME_CONFIG`. */
export function runtimeConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  return parseOrThrow(runtimeConfigSchema, readEnvJson('ACORN_RUNTIME_CONFIG', env), 'ACORN_RUNTIME_CONFIG');
}
