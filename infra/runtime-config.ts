import {
  type AutomationMode,
  type AutomationModule,
  automationModuleSchema,
  type CreditMemosConfig,
  creditMemosConfigSchema,
  type RuntimeConfig,
  runtimeConfigSchema,
} from '#shared/config/runtime.ts';
import { ConfigurationError } from '#shared/errors.ts';
import { parseOrThrow } from '#shared/validation.ts';
import type { AcornConfig } from './config.ts';

/** The credit-memo functions' configuration (CREDIT_MEMOS_CONFIG): policy, approvers, remit-to party. */
export function toCreditMemosConfig(config: AcornConfig): CreditMemosConfig {
  const c = config.creditMemos;
  const remit = config.parties.remitTo;
  return parseOrThrow(
    creditMemosConfigSchema,
    {
      autoApproveBelow: c.autoApproveBelow,
      receivedStatuses: c.receivedStatuses,
      recheckReceiptMinutes: c.recheckReceiptMinutes,
      approvalHours: c.approvalHours,
      reminders: c.reminders,
      ...(c.emailFrom ? { emailFrom: c.emailFrom } : {}),
      ...(c.slackChannel ? { slackChannel: c.slackChannel } : {}),
      approvers: config.approvers.map((a) => ({
        name: a.name,
        email: a.email,
        ...(a.slackUserId ? { slackUserId: a.slackUserId } : {}),
      })),
      remitTo: {
        partyId: remit.partyId,
        address: Object.fromEntries(
          Object.entries(remit.address).filter((e): e is [string, string] => e[1] !== undefined),
        ),
        taxRegistrations: remit.taxRegistrations,
      },
    },
    'credit-memo configuration',
  );
}

/** Environment variable that carries the runtime configuration to every function. */
export const RUNTIME_CONFIG_ENV = 'ACORN_RUNTIME_CONFIG';

/**
 * The non-secret configuration functions need at run time, cut from the deployment
 * configuration. Every automation module gets a mode: one the configuration leaves out runs in
 * `simulate` (a new deployment sends nothing until an operator switches it to `live`).
 */
export function toRuntimeConfig(config: AcornConfig): RuntimeConfig {
  const automation = Object.fromEntries(
    automationModuleSchema.options.map((module) => [module, config.automation[module] ?? 'simulate']),
  ) as Record<AutomationModule, AutomationMode>;
  return parseOrThrow(
    runtimeConfigSchema,
    {
      spApi: {
        rateLimitFraction: config.spApi.rateLimitFraction,
        retry: config.spApi.retry,
        ...(config.spApi.lwaEndpoint ? { lwaEndpoint: config.spApi.lwaEndpoint } : {}),
        accounts: config.spApi.accounts.map((account) => ({
          id: account.id,
          region: account.region,
          ...(account.endpoint ? { endpoint: account.endpoint } : {}),
        })),
      },
      vendors: config.vendors.map((vendor) => ({
        vendorCode: vendor.vendorCode,
        spApiAccount: vendor.spApiAccount,
        marketplaces: vendor.marketplaces,
        acknowledgementDeadlineHours: vendor.acknowledgementDeadlineHours,
      })),
      automation,
      purchaseOrders: { rules: config.purchaseOrders.rules, reminders: config.purchaseOrders.reminders },
      shipments: {
        reminders: config.shipments.reminders,
        asnReminders: config.shipments.asnReminders,
        asnDeadlineMinutes: config.shipments.asnDeadlineMinutes,
        transitDays: config.shipments.transitDays,
        shipFrom: config.parties.shipFrom.map((party) => ({
          partyId: party.partyId,
          address: party.address,
        })),
      },
      initialLookbackDays: config.initialLookbackDays,
      invoices: {
        legalEntity: config.parties.remitTo.partyId,
        numberPrefix:
          config.invoices.numberPrefix ??
          (config.parties.remitTo.partyId
            .toUpperCase()
            .replace(/[^A-Z0-9]/g, '')
            .slice(0, 10) ||
            'INV'),
        remitTo: config.parties.remitTo,
        vendors: config.vendors.map((vendor) => {
          const own = config.invoices.vendors[vendor.vendorCode];
          return {
            vendorCode: vendor.vendorCode,
            invoicing: own?.invoicing ?? 'parallel-run',
            ...(own?.paymentTerms ? { paymentTerms: own.paymentTerms } : {}),
          };
        }),
      },
      inventory: {
        allocation: config.inventory.allocation,
        shopifyEnabled: config.inventory.shopify.enabled,
        ...(config.inventory.shopify.locationId
          ? { shopifyLocationId: config.inventory.shopify.locationId }
          : {}),
        ...(config.inventory.directFulfillment.length > 0
          ? {
              directFulfillment: config.inventory.directFulfillment.map((df) => {
                const vendor = config.vendors.find((v) => v.vendorCode === df.vendorCode);
                if (!vendor)
                  throw new ConfigurationError(
                    `inventory.directFulfillment: vendor code ${df.vendorCode} is not in "vendors"`,
                  );
                return { ...df, spApiAccount: vendor.spApiAccount };
              }),
            }
          : {}),
      },
    },
    'runtime configuration',
  );
}
