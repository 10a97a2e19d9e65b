import type { Clock } from '../clock.ts';
import { marketplaceRule } from '../domain/invoices/marketplace-rules.ts';
import type { SendResult } from '../domain/outbox.ts';
import type { VendorInvoicesApi } from '../sp-api/vendor-invoices.ts';
import type { InvoiceStore } from '../use-cases/invoices/ports.ts';
import { type Outbox, type OutboxBase, outboxFor } from '../use-cases/outbox/outbox.ts';
import type { Resolution, Sender, UnknownResolver } from '../use-cases/outbox/ports.ts';

/** How long after an unclear attempt Amazon's finance invoices are trusted to list an invoice it took. */
export const LISTED_AFTER_MS = 60 * 60 * 1000;

/**
 * The sender and resolver of invoices: submitInvoices with the outbox's exact bytes, and — for an
 * attempt whose outcome is unknown — the Finances Invoices API: `applied` when Amazon lists the
 * invoice number, `undetermined` while it may still be processing, `not-applied` only once it is
 * still not listed an hour after the attempt. The resend that allows is safe: Amazon refuses a
 * second invoice with the same number (a Failure to look at, never a second payment).
 */
export function invoiceHandlers(deps: {
  clock: Clock;
  invoicesApiOfAccount: (accountId: string) => VendorInvoicesApi;
  invoices: Pick<InvoiceStore, 'get'>;
}): { sender: Sender; resolver: UnknownResolver } {
  const sender: Sender = {
    async send(request): Promise<SendResult> {
      const { transactionId } = await deps
        .invoicesApiOfAccount(request.target)
        .submitInvoices(request.payload);
      return { transactionId };
    },
  };
  const resolver: UnknownResolver = {
    async resolve(message): Promise<Resolution> {
      const number = message.subject.id;
      const record = await deps.invoices.get(number);
      const rule = record ? marketplaceRule(record.marketplace) : undefined;
      const since = deps.clock.now().getTime() - Date.parse(message.updatedAt);
      if (rule) {
        const headers = await deps
          .invoicesApiOfAccount(message.target)
          .invoiceHeaders(rule.marketplaceId, message.createdAt);
        const found = headers.find((h) => h.invoiceNumber === number);
        if (found)
          return { outcome: 'applied', note: `Amazon lists invoice ${number} (${found.invoiceStatus})` };
      }
      const note = `invoice ${number} not in Amazon's finance invoices ${Math.round(since / 60000)} min after the attempt`;
      return since < LISTED_AFTER_MS ? { outcome: 'undetermined', note } : { outcome: 'not-applied', note };
    },
  };
  return { sender, resolver };
}

/** An outbox that sends invoices (and only them). */
export function makeInvoiceOutbox(
  deps: OutboxBase & {
    invoicesApiOfAccount: (accountId: string) => VendorInvoicesApi;
    invoices: Pick<InvoiceStore, 'get'>;
  },
): Outbox {
  return outboxFor(deps, { submitInvoices: invoiceHandlers(deps) });
}
