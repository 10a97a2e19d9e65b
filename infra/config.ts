import { readFileSync } from 'node:fs';
import * as z from 'zod';
import {
  automationModeSchema,
  automationModuleSchema,
  DEFAULT_RETRY_POLICY,
  reminderPlanSchema,
  retryPolicySchema,
  spApiRegionSchema,
} from '#shared/config/runtime.ts';
import { allocationRulesSchema, DEFAULT_ALLOCATION_RULES } from '#shared/domain/inventory/allocation.ts';
import { alertsConfigSchema } from '#shared/domain/notifications/alert-config.ts';
import { acknowledgementRulesSchema } from '#shared/domain/purchase-orders/rules-config.ts';
import { ConfigurationError } from '#shared/errors.ts';
import { parseOrThrow } from '#shared/validation.ts';

/**
 * The one schema of `acorn.config.json` (ARCHITECTURE rule 6). Read once at synth time and by the
 * local runtime; functions receive the parts they need as environment (see shared/config/runtime.ts).
 */

const vendorCode = z.string().regex(/^[A-Z0-9]{3,10}$/, 'a vendor code: 3–10 upper-case letters or digits');
const countryCode = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code');
const marketplaceCode = z.enum([
  'US',
  'CA',
  'MX',
  'BR',
  'UK',
  'DE',
  'FR',
  'IT',
  'ES',
  'NL',
  'PL',
  'SE',
  'BE',
  'IE',
  'TR',
  'AE',
  'SA',
  'EG',
  'IN',
  'ZA',
  'JP',
  'AU',
  'SG',
]);
const scheduleExpression = z
  .string()
  .regex(
    /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/,
    'an EventBridge schedule: rate(15 minutes) or cron(...)',
  );

/** Minute 5 of every hour: the hour before is complete (the export waits 5 minutes for late writes). */
const DEFAULT_EXPORT_SCHEDULE = 'cron(5 * * * ? *)';
/** 1 GB: far more than any named query reads from a year of Parquet, and at most half a cent a query. */
const DEFAULT_MAX_SCANNED_MB = 1024;

const taxRegistration = z.strictObject({
  type: z.enum(['VAT', 'GST']),
  number: z.string().min(2),
  /** Country that issued the registration. */
  country: countryCode,
});

const address = z.strictObject({
  name: z.string().min(1),
  addressLine1: z.string().min(1),
  addressLine2: z.string().optional(),
  city: z.string().min(1),
  stateOrRegion: z.string().optional(),
  postalCode: z.string().min(1),
  countryCode,
});

const party = z.strictObject({
  partyId: z.string().min(1),
  address,
  taxRegistrations: z.array(taxRegistration).default([]),
});

const spApiAccount = z.strictObject({
  /** Our name for the authorization (one Vendor Central vendor group in one region). */
  id: z.string().regex(/^[a-z0-9-]{2,40}$/, 'lower-case letters, digits and dashes'),
  region: spApiRegionSchema,
  /** Override of the SP-API base URL (the local sandbox, or Amazon's static sandbox). */
  endpoint: z.url().optional(),
});

const vendor = z.strictObject({
  vendorCode,
  /** Which SP-API account (authorization) this vendor code is reached through. */
  spApiAccount: z.string(),
  marketplaces: z.array(marketplaceCode).min(1),
  /** Hours after the PO date within which Amazon expects the acknowledgement. */
  acknowledgementDeadlineHours: z.number().int().positive().max(72).default(24),
});

const retentionDays = z
  .number()
  .int()
  .min(548, 'at least 548 days: invoices and memos must be kept 18 months or longer');

const approver = z.strictObject({
  name: z.string().min(1),
  email: z.email(),
  slackUserId: z.string().optional(),
});

export const acornConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    /** Prefix of stack names; one deployment per vendor company. */
    name: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{1,30}$/, 'letters, digits and dashes, starting with a letter'),
    aws: z.strictObject({
      account: z
        .string()
        .regex(/^\d{12}$/)
        .optional(),
      region: z.string().min(1),
    }),
    spApi: z.strictObject({
      accounts: z.array(spApiAccount).min(1),
      /** Share of Amazon's documented rate we use, leaving headroom for other clients (rule 12). */
      rateLimitFraction: z.number().gt(0).max(1).default(0.85),
      /**
       * Retries of one SP-API call on 429, 5xx, network errors and malformed bodies, with capped
       * exponential backoff and full jitter. After the last attempt the function fails and the
       * schedule's next run picks up from the stored cursor.
       */
      retry: retryPolicySchema.default(DEFAULT_RETRY_POLICY),
      /** Override of the Login-with-Amazon token URL (the local sandbox). */
      lwaEndpoint: z.url().optional(),
    }),
    vendors: z.array(vendor).min(1),
    parties: z.strictObject({
      remitTo: party,
      shipFrom: z.array(party).min(1),
      billTo: party.optional(),
    }),
    schedules: z
      .strictObject({
        pullPurchaseOrders: scheduleExpression.default('rate(15 minutes)'),
        pullPurchaseOrderStatus: scheduleExpression.default('rate(1 hour)'),
      })
      .default({ pullPurchaseOrders: 'rate(15 minutes)', pullPurchaseOrderStatus: 'rate(1 hour)' }),
    /** How far back the first pull reaches when no cursor exists yet. */
    initialLookbackDays: z.number().int().min(1).max(180).default(7),
    /** Purchase-order acknowledgements: the rules, reminders and the schedules of the follow-ups. */
    purchaseOrders: z
      .strictObject({
        rules: acknowledgementRulesSchema.prefault({}),
        /** Reminders at fractions of the time to the acknowledgement deadline, and the escalation. */
        reminders: reminderPlanSchema.default({ reminders: [0.5, 0.75], escalation: { atFraction: 0.9 } }),
        /** How often submitted acknowledgements' transaction status is checked. */
        pollTransactions: scheduleExpression.default('rate(2 minutes)'),
        /** How often acknowledgement deadlines are checked for reminders and escalations. */
        checkDeadlines: scheduleExpression.default('rate(5 minutes)'),
      })
      .prefault({}),
    /** Shipments: ASN deadlines, ship-window reminders and the schedules of their follow-ups. */
    shipments: z
      .strictObject({
        /** Reminders while an accepted PO is inside its departure window with no shipment, and the escalation. */
        reminders: reminderPlanSchema.default({ reminders: [0.5, 0.75], escalation: { atFraction: 0.9 } }),
        /** Minutes after departure by which Amazon expects the ASN (its rule: within 30 minutes). */
        asnDeadlineMinutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60)
          .default(30),
        /** Reminders while a shipment has no ASN at Amazon; escalated at the ASN deadline. */
        asnReminders: reminderPlanSchema.default({ reminders: [0.5], escalation: { atFraction: 1 } }),
        /** Days in transit to Amazon: a PO with a delivery window leaves this much before it. */
        transitDays: z.number().int().min(0).max(30).default(2),
        /** How often submitted shipment confirmations' transaction status is checked. */
        pollTransactions: scheduleExpression.default('rate(2 minutes)'),
        /** How often ship windows and ASN deadlines are checked for reminders and escalations. */
        checkDeadlines: scheduleExpression.default('rate(5 minutes)'),
      })
      .prefault({}),
    /** Invoicing: number prefix, how each vendor code is invoiced, the follow-up schedules. */
    invoices: z
      .strictObject({
        /** Prefix of invoice numbers (`ACME` → `ACME-INV-000001`); default: the remit-to party id's letters and digits. */
        numberPrefix: z
          .string()
          .regex(/^[A-Z0-9]{2,10}$/, '2–10 upper-case letters or digits')
          .optional(),
        /**
         * Per vendor code: `live` (invoices go to Amazon through the outbox) or `parallel-run`
         * (generated and archived, never sent, reported beside the vendor's existing invoices),
         * and the payment terms agreed with Amazon. A vendor code left out (or not among `vendors`) runs in
         * `parallel-run`: the safe side.
         */
        vendors: z
          .record(
            vendorCode,
            z.strictObject({
              invoicing: z.enum(['live', 'parallel-run']).default('parallel-run'),
              paymentTerms: z
                .strictObject({
                  type: z
                    .enum([
                      'Basic',
                      'EndOfMonth',
                      'FixedDate',
                      'Proximo',
                      'PaymentDueUponReceiptOfInvoice',
                      'LetterofCredit',
                    ])
                    .default('Basic'),
                  netDueDays: z.number().int().min(0).max(365),
                  discountPercent: z
                    .string()
                    .regex(/^\d+(\.\d+)?$/, 'a percentage such as "2"')
                    .optional(),
                  discountDueDays: z.number().int().min(0).max(365).optional(),
                })
                .optional(),
            }),
          )
          .default({}),
        /** How often submitted invoices' transaction status is read (and queued ones pushed on). */
        followUp: scheduleExpression.default('rate(5 minutes)'),
        /** How often the Finances Invoices API is polled for payment statuses. */
        pollPaymentStatus: scheduleExpression.default('rate(1 hour)'),
      })
      .prefault({}),
    /** Inventory shared between Amazon and Shopify (issue #9): allocation rules, the Shopify sync. */
    inventory: z
      .strictObject({
        /** Safety stock and per-channel caps, shares and priorities, with per-SKU overrides. */
        allocation: allocationRulesSchema.prefault(DEFAULT_ALLOCATION_RULES),
        shopify: z
          .strictObject({
            /** Push stock to Shopify and take its orders; off: Amazon alone uses the stock. */
            enabled: z.boolean().default(true),
            /** The Shopify location Acorn sells from (`gid://shopify/Location/…`); the first active one when absent. */
            locationId: z.string().optional(),
            /** How often every SKU is compared with Shopify and drift corrected. */
            reconcile: scheduleExpression.default('rate(1 hour)'),
            /** DTC conversion: how often the store's daily sessions, checkouts and orders are pulled (ShopifyQL, scope `read_reports`), and how many days back. */
            dtcConversion: z
              .strictObject({
                schedule: scheduleExpression.default('rate(1 hour)'),
                days: z.number().int().min(1).max(90).default(30),
              })
              .prefault({}),
          })
          .prefault({}),
        /** Vendor codes that push stock to Amazon's Direct Fulfillment (submitInventoryUpdate); none by default. */
        directFulfillment: z
          .array(
            z.strictObject({
              vendorCode,
              /** The DF warehouse (ship-from location) id Amazon knows the stock under. */
              warehouseId: z.string().min(1),
              /** The selling party of the updates (the DF vendor id). */
              sellingPartyId: z.string().min(1),
            }),
          )
          .default([]),
      })
      .prefault({}),
    /** Payments: remittance reconciliation. */
    payments: z
      .strictObject({
        /** Net payment days of invoices that carry no terms of their own (due date = invoice date + this). */
        defaultTermsDays: z.number().int().min(0).max(365).default(60),
        /** How often open receivables are checked for invoices unpaid past their terms. */
        checkOverdue: scheduleExpression.default('rate(1 day)'),
      })
      .prefault({}),
    /** Every automation starts in `simulate` in a new deployment until an operator switches it. */
    automation: z.partialRecord(automationModuleSchema, automationModeSchema).default({}),
    archive: z
      .strictObject({
        retentionDays,
        objectLockMode: z.enum(['GOVERNANCE', 'COMPLIANCE']).default('GOVERNANCE'),
        /** Age after which legal documents move to colder storage. */
        coldStorageAfterDays: z.number().int().min(30).default(90),
        /** When the export writes the last complete hours' changes to the datasets (docs/archive.md). */
        exportSchedule: scheduleExpression.default(DEFAULT_EXPORT_SCHEDULE),
        /** Athena cancels an analytics-workgroup query once it has scanned this many megabytes. */
        maxScannedMbPerQuery: z.number().int().min(10).default(DEFAULT_MAX_SCANNED_MB),
      })
      .default({
        retentionDays: 548,
        objectLockMode: 'GOVERNANCE',
        coldStorageAfterDays: 90,
        exportSchedule: DEFAULT_EXPORT_SCHEDULE,
        maxScannedMbPerQuery: DEFAULT_MAX_SCANNED_MB,
      }),
    /** Alert channels, people, routing rules, quiet hours and digests (shared/domain/notifications/alert-config.ts). */
    alerts: alertsConfigSchema.prefault({}),
    approvers: z.array(approver).default([]),
    /** Credit memos: the receipt gate, the auto-approval policy, approvals and their reminders. */
    creditMemos: z
      .strictObject({
        /** Auto-approve a memo whose total is below this, per currency (decimal strings); other currencies always ask. */
        autoApproveBelow: z
          .record(z.string().regex(/^[A-Z]{3}$/), z.string().regex(/^\d+(\.\d+)?$/, 'a decimal amount'))
          .default({
            EUR: '100',
            GBP: '100',
            USD: '100',
            CAD: '100',
            PLN: '400',
            SEK: '1000',
            JPY: '15000',
            MXN: '2000',
          }),
        /** Return statuses (returns export `Status`) meaning the goods are back; no memo before one of them. */
        receivedStatuses: z.array(z.string().min(1)).min(1).default(['Delivered to Warehouse', 'Received']),
        /** Minutes between checks of a return not yet received (until its 72-hour deadline). */
        recheckReceiptMinutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60)
          .default(60),
        /** Hours an approver has (never past the request's own deadline). */
        approvalHours: z.number().int().min(1).max(72).default(24),
        /** Reminders at these fractions of the approver's time; the escalation at its end. */
        reminders: z.array(z.number().gt(0).lt(1)).max(5).default([0.5, 0.75]),
        /** Sender address of approval emails (an SES-verified identity). */
        emailFrom: z.email().optional(),
        /** Slack channel for approval messages with buttons (bot token and signing secret in Secrets Manager). */
        slackChannel: z.string().min(1).optional(),
        /**
         * Public base URL of the review pages: the console API's URL (stack output `ApiUrl`, or
         * its custom domain) + `approvals`. Approval emails link to `<reviewBaseUrl>/<approvalId>`.
         * Required: a link must point where the page is.
         */
        reviewBaseUrl: z.url(),
        /** How often reminders, escalations and expiries of approvals are checked. */
        checkApprovals: scheduleExpression.default('rate(15 minutes)'),
      })
      // Without the section a deployment still synthesises; its links point nowhere (.invalid) until it is set.
      .prefault({ reviewBaseUrl: 'https://set-creditMemos-reviewBaseUrl.invalid/approvals' }),
  })
  .superRefine((cfg, ctx) => {
    const accounts = new Set(cfg.spApi.accounts.map((a) => a.id));
    cfg.vendors.forEach((v, i) => {
      if (!accounts.has(v.spApiAccount)) {
        ctx.addIssue({
          code: 'custom',
          path: ['vendors', i, 'spApiAccount'],
          message: `expected one of the spApi.accounts ids (${[...accounts].join(', ')}), got "${v.spApiAccount}"`,
        });
      }
    });
    const seen = new Set<string>();
    cfg.vendors.forEach((v, i) => {
      if (seen.has(v.vendorCode)) {
        ctx.addIssue({
          code: 'custom',
          path: ['vendors', i, 'vendorCode'],
          message: `duplicate vendor code ${v.vendorCode}`,
        });
      }
      seen.add(v.vendorCode);
    });
  });

export type AcornConfig = z.output<typeof acornConfigSchema>;

/** Parses a config object; errors name the path of each bad field and what was expected. */
export function parseAcornConfig(raw: unknown, source = 'acorn.config.json'): AcornConfig {
  return parseOrThrow(acornConfigSchema, raw, source);
}

/** Reads and validates a config file. */
export function loadAcornConfig(path: string): AcornConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigurationError(`Cannot read the Acorn configuration at ${path}`, { cause });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new ConfigurationError(`${path} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  return parseAcornConfig(raw, path);
}
