/** Retail Procurement Payments v1: invoices and credit notes; Finances Invoices 2026-06-25: their payment status. */
import * as z from 'zod';
import type { FinancesInvoiceHeader } from '#shared/sp-api/schemas/finances-invoices.ts';
import { submitInvoicesRequestSchema } from '#shared/sp-api/schemas/invoices.ts';
import { checkInvoices } from '../business-rules.ts';
import { parseQuery, type Route } from '../http.ts';
import { findMarketplace } from '../marketplaces.ts';
import { newTransactionId, type SandboxServices } from '../services.ts';
import type { InvoiceRecord } from '../state.ts';

/** Amazon's marketplace ids of the sandbox's countries (the Finances API filters by them). */
export const SANDBOX_MARKETPLACE_IDS: Readonly<Record<string, string>> = {
  US: 'ATVPDKIKX0DER',
  CA: 'A2EUQ1WTGCTBG2',
  MX: 'A1AM78C64UM0Y8',
  GB: 'A1F83G8C2ARO7P',
  DE: 'A1PA6795UKMFR9',
  FR: 'A13V1IB3VIYZZH',
  IT: 'APJ6JRA9NG5V4',
  ES: 'A1RKKUPIHCS9HS',
  NL: 'A1805IZSGTT6HS',
  PL: 'A1C3SOZRARQ6R3',
  SE: 'A2NODRKZP88ZB9',
  BE: 'AMEN7PMS3EDWL',
  IE: 'A28R8C7NBKEWEA',
  JP: 'A1VC38T7YXB528',
};

const HOUR = 3_600_000;
/** How long after acceptance the sandbox's Amazon pays (or deducts): a demo's pace, not a real term. */
export const PAYMENT_AFTER_MS = 2 * HOUR;

/**
 * An accepted invoice's payment status at `now`: IN_PROGRESS once accepted, then, PAYMENT_AFTER_MS
 * later, PAID — or, for about one invoice in six (by its number, so it is stable), DEDUCTED or
 * PARTIALLY_DEDUCTED (a shortage), so the payments side has something to reconcile.
 */
export function paymentStatusAt(
  record: InvoiceRecord,
  now: number,
): { status: FinancesInvoiceHeader['invoiceStatus']; since: number } | undefined {
  if (!record.accepted || now < record.decidedAt) return undefined;
  const paidAt = record.decidedAt + PAYMENT_AFTER_MS;
  if (now < paidAt) return { status: 'IN_PROGRESS', since: record.decidedAt };
  let hash = 0;
  for (const ch of record.invoice.id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const status = hash % 12 === 0 ? 'DEDUCTED' : hash % 12 === 1 ? 'PARTIALLY_DEDUCTED' : 'PAID';
  return { status, since: paidAt };
}

const headersQuerySchema = z.object({
  marketplaceId: z.string().min(1),
  invoicesModifiedAfter: z.iso.datetime({ offset: true }).optional(),
  fromIssueDate: z.iso.datetime({ offset: true }).optional(),
  toIssueDate: z.iso.datetime({ offset: true }).optional(),
  nextToken: z.string().regex(/^\d+$/).optional(),
});

const PAGE = 50;

/** The invoices route. */
export function invoiceRoutes(services: SandboxServices): Route[] {
  return [
    {
      kind: 'sp-api',
      method: 'POST',
      path: '/vendor/payments/v1/invoices',
      operation: 'submitInvoices',
      body: submitInvoicesRequestSchema,
      handle(request) {
        const body = submitInvoicesRequestSchema.parse(request.body);
        const now = services.clock.now().getTime();
        const { errors, countries } = checkInvoices(body.invoices, {
          book: services.book,
          state: services.state,
          now,
        });
        const transactionId = newTransactionId(services, now);
        const decidedAt = now + services.timings.invoiceProcessingMs;
        const accepted = errors.length === 0;
        services.state.recordSubmission({
          // Like acknowledgements, accepted invoices stay Processing for ever.
          transaction: {
            transactionId,
            operation: 'submitInvoices',
            submittedAt: now,
            decidedAt,
            outcome: accepted ? 'Processing' : 'Failure',
            errors,
          },
          invoices: body.invoices.map((invoice, i) => ({
            transactionId,
            receivedAt: now,
            decidedAt,
            accepted,
            invoice,
            ...(countries[i] ? { country: countries[i] } : {}),
          })),
        });
        return { status: 202, body: { payload: { transactionId } } };
      },
    },
    {
      kind: 'sp-api',
      method: 'GET',
      path: '/finances/invoices/2026-06-25/invoices',
      operation: 'getInvoiceHeaders',
      handle(request) {
        const query = parseQuery(headersQuerySchema, request.query);
        if (!query.ok) return query.reply;
        const q = query.value;
        const now = services.clock.now().getTime();
        const after = q.invoicesModifiedAfter
          ? Date.parse(q.invoicesModifiedAfter)
          : Number.NEGATIVE_INFINITY;
        const headers: FinancesInvoiceHeader[] = [];
        for (const record of services.state.invoices) {
          const country = record.country ?? '';
          if (
            SANDBOX_MARKETPLACE_IDS[country] !== q.marketplaceId ||
            record.invoice.invoiceType !== 'Invoice'
          )
            continue;
          const payment = paymentStatusAt(record, now);
          if (!payment || payment.since <= after) continue;
          const issued = Date.parse(record.invoice.date);
          if (q.fromIssueDate && issued < Date.parse(q.fromIssueDate)) continue;
          if (q.toIssueDate && issued > Date.parse(q.toIssueDate)) continue;
          const total = Number(record.invoice.invoiceTotal.amount ?? '0');
          const market = findMarketplace(country);
          const vendor = record.invoice.remitToParty.partyId;
          headers.push({
            invoiceNumber: record.invoice.id,
            invoiceIdentifier: `${record.invoice.id}~${vendor}`,
            invoiceStatus: payment.status,
            invoiceType: 'AP_INVENTORY',
            payer: {
              partnerId: `AMAZON_${country}`,
              partnerType: 'AMAZON',
              partnerName: market?.billTo.name ?? 'Amazon',
              partnerEntities: [],
            },
            payee: { partnerId: vendor, partnerType: 'VENDOR', partnerEntities: [vendor] },
            issueDate: new Date(issued).toISOString(),
            dueDate: new Date(issued + 60 * 24 * HOUR).toISOString(),
            ...(record.invoice.paymentTerms?.netDueDays !== undefined
              ? { paymentTerms: `NET${record.invoice.paymentTerms.netDueDays}` }
              : {}),
            invoiceAmount: {
              currencyCode: record.invoice.invoiceTotal.currencyCode ?? market?.currency ?? 'USD',
              currencyAmount: total,
            },
            relatedIdentifiers: [
              {
                relatedIdentifierName: 'PURCHASE_ORDER_IDS',
                relatedIdentifierValue: [
                  ...new Set(
                    (record.invoice.items ?? []).map((i) => i.purchaseOrderNumber ?? '').filter(Boolean),
                  ),
                ],
              },
            ],
            creationDate: new Date(record.receivedAt).toISOString(),
            lastUpdatedDate: new Date(payment.since).toISOString(),
          });
        }
        headers.sort((a, b) => a.lastUpdatedDate.localeCompare(b.lastUpdatedDate));
        const start = Number(q.nextToken ?? '0');
        const page = headers.slice(start, start + PAGE);
        const next = start + PAGE < headers.length ? String(start + PAGE) : undefined;
        return {
          status: 200,
          body: { invoices: page, numOfRecords: page.length, ...(next ? { nextToken: next } : {}) },
        };
      },
    },
  ];
}
