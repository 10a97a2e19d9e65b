import { randomBytes } from 'node:crypto';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { makeCreditMemoOutbox } from '#shared/aws/credit-memo-outbox.ts';
import { DynamoDbPurchaseOrderReader } from '#shared/aws/dynamodb-catalog.ts';
import {
  DynamoDbApprovalStore,
  DynamoDbCreditMemoStore,
  DynamoDbInvoiceLookup,
  DynamoDbReturnStatusStore,
} from '#shared/aws/dynamodb-credit-memos.ts';
import { DynamoDbNumberSeries } from '#shared/aws/dynamodb-number-series.ts';
import { JsonSecret } from '#shared/aws/secrets.ts';
import { sesApprovalEmailSender } from '#shared/aws/ses-email.ts';
import { slackApprovalSender } from '#shared/aws/slack-web-api.ts';
import { StepFunctionsCallbacks } from '#shared/aws/step-functions-callbacks.ts';
import { outboxWriterEnvironment } from '#shared/aws/writer-environment.ts';
import { readEnvJson } from '#shared/config/env-json.ts';
import { creditMemosConfigSchema } from '#shared/config/runtime.ts';
import { ConfigurationError, ValidationError } from '#shared/errors.ts';
import type { InvoicePartyIdentification } from '#shared/sp-api/schemas/common.ts';
import { makeVendorInvoicesApi } from '#shared/sp-api/vendor-invoices.ts';
import { makeVendorTransactionsApi } from '#shared/sp-api/vendor-transactions.ts';
import type { CreditMemoDeps } from '#shared/use-cases/credit-memos/ports.ts';
import type { Sender } from '#shared/use-cases/outbox/ports.ts';
import { parseOrThrow } from '#shared/validation.ts';

/** The ApprovalLinkKey secret: `{ current, previous? }`. */
export const approvalLinkKeySchema = z.looseObject({
  current: z.string().min(32),
  previous: z.string().min(32).optional(),
});
/** The SlackCredentials secret: the bot token (chat.postMessage) and the app's signing secret. */
export const slackCredentialsSchema = z.looseObject({ botToken: z.string(), signingSecret: z.string() });

/**
 * The credit notes' series: invoicing's legal entity and number prefix (`ACME-CN-000001`), the
 * same derivation as infra/runtime-config.ts when the config has no invoices section.
 */
export function creditNoteSeriesOf(
  invoices: { legalEntity: string; numberPrefix: string } | undefined,
  remitToPartyId: string,
): { legalEntity: string; prefix: string } {
  if (invoices) return { legalEntity: invoices.legalEntity, prefix: invoices.numberPrefix };
  const prefix =
    remitToPartyId
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .slice(0, 10) || 'INV';
  return { legalEntity: remitToPartyId, prefix };
}

/** The vendor's default ship-from party as an invoice party. */
function shipFromOf(
  party:
    | {
        partyId: string;
        address: {
          name: string;
          addressLine1: string;
          addressLine2?: string | undefined;
          city: string;
          stateOrRegion?: string | undefined;
          postalCode: string;
          countryCode: string;
        };
      }
    | undefined,
): InvoicePartyIdentification | undefined {
  if (!party) return undefined;
  const a = party.address;
  return {
    partyId: party.partyId,
    address: {
      name: a.name,
      addressLine1: a.addressLine1,
      ...(a.addressLine2 ? { addressLine2: a.addressLine2 } : {}),
      city: a.city,
      ...(a.stateOrRegion ? { stateOrRegion: a.stateOrRegion } : {}),
      postalOrZipCode: a.postalCode,
      countryCode: a.countryCode,
    },
  };
}

/** Longest a credit-memo function runs; the outbox lease outlasts it. */
const FUNCTION_TIMEOUT_MS = 60_000;

/**
 * The credit-memo functions' clients and adapters, created once per container from the
 * environment the CreditMemos construct sets. A missing variable fails init with its name.
 */
export function creditMemoDependencies(env: NodeJS.ProcessEnv = process.env) {
  const base = outboxWriterEnvironment(env);
  const { config, clock, table, archive, audit, spApi, outboxStore, modeOf, events } = base;
  const settingsJson = readEnvJson('CREDIT_MEMOS_CONFIG', env);
  const settings = parseOrThrow(creditMemosConfigSchema, settingsJson, 'CREDIT_MEMOS_CONFIG');
  const contacts = settings;
  const secrets = new SecretsManagerClient({});
  const linkSecretId = env.APPROVAL_LINK_SECRET_ID;
  const linkSecret = linkSecretId
    ? new JsonSecret({ client: secrets, secretId: linkSecretId, schema: approvalLinkKeySchema })
    : undefined;
  const slackSecretId = env.SLACK_SECRET_ID;
  const slackSecret = slackSecretId
    ? new JsonSecret({ client: secrets, secretId: slackSecretId, schema: slackCredentialsSchema })
    : undefined;
  const linkKeys = async () => {
    // Only the functions that sign or check links are bound to the key (CreditMemos construct).
    if (!linkSecret)
      throw new ConfigurationError(
        'APPROVAL_LINK_SECRET_ID is not set: this function does not handle approval links',
      );
    const value = await linkSecret.get();
    return { current: value.current, ...(value.previous ? { previous: value.previous } : {}) };
  };
  const email: Sender = contacts.emailFrom
    ? sesApprovalEmailSender({
        client: new SESv2Client({}),
        from: contacts.emailFrom,
        approvers: contacts.approvers,
        linkKeys,
      })
    : {
        send() {
          throw new ValidationError(
            'creditMemos.emailFrom is not configured: approval emails cannot be sent',
          );
        },
      };
  const slack: Sender = slackSecret
    ? slackApprovalSender({
        botToken: async () => (await slackSecret.get()).botToken,
        ...(env.SLACK_API_URL ? { baseUrl: env.SLACK_API_URL } : {}),
      })
    : {
        send() {
          throw new ValidationError('Slack is not configured (SLACK_SECRET_ID)');
        },
      };
  const outbox = makeCreditMemoOutbox({
    store: outboxStore,
    archive,
    audit,
    clock,
    modeOf,
    invoicesApiOfAccount: (accountId) => makeVendorInvoicesApi(spApi.client(accountId)),
    email,
    slack,
    leaseMs: FUNCTION_TIMEOUT_MS * 2,
  });
  const accounts = new Map(config.vendors.map((v) => [v.vendorCode, v.spApiAccount]));
  const remit = settings.remitTo;
  const deps: CreditMemoDeps = {
    clock,
    memos: new DynamoDbCreditMemoStore(table),
    approvals: new DynamoDbApprovalStore(table),
    returnStatuses: new DynamoDbReturnStatusStore(table),
    orders: new DynamoDbPurchaseOrderReader(table),
    invoices: new DynamoDbInvoiceLookup(table),
    numbers: new DynamoDbNumberSeries(table),
    creditNoteSeries: creditNoteSeriesOf(config.invoices, remit.partyId),
    outbox,
    audit,
    archive,
    events,
    callbacks: new StepFunctionsCallbacks(new SFNClient({})),
    transactions: {
      async status(accountId, transactionId) {
        const t = await makeVendorTransactionsApi(spApi.client(accountId)).transaction(transactionId);
        return { status: t.status, errors: (t.errors ?? []).map((e) => `${e.code}: ${e.message}`) };
      },
    },
    linkKeys,
    settings: {
      autoApproveBelow: settings.autoApproveBelow,
      receivedStatuses: settings.receivedStatuses,
      recheckReceiptMinutes: settings.recheckReceiptMinutes,
      approvalHours: settings.approvalHours,
      reminders: settings.reminders,
      reviewBaseUrl: (env.REVIEW_BASE_URL ?? '').replace(/\/+$/, ''),
      ...(settings.slackChannel && slackSecret ? { slackChannel: settings.slackChannel } : {}),
    },
    approvers: contacts.approvers,
    accountOf: (vendorCode) => {
      const account = accounts.get(vendorCode);
      if (!account) throw new ValidationError(`vendor code ${vendorCode} is not configured`);
      return account;
    },
    remitTo: {
      partyId: remit.partyId,
      address: {
        name: remit.address.name ?? '',
        addressLine1: remit.address.addressLine1 ?? '',
        ...(remit.address.city ? { city: remit.address.city } : {}),
        ...(remit.address.postalCode ? { postalOrZipCode: remit.address.postalCode } : {}),
        countryCode: remit.address.countryCode ?? '',
      },
      ...(remit.taxRegistrations.length > 0
        ? {
            taxRegistrationDetails: remit.taxRegistrations.map((t) => ({
              taxRegistrationType: t.type,
              taxRegistrationNumber: t.number,
            })),
          }
        : {}),
    },
    shipFrom: shipFromOf(config.shipments?.shipFrom[0]),
    randomId: () => randomBytes(18).toString('base64url'),
  };
  return { deps, config, clock, s3: base.s3, slackSecret, linkKeys };
}
