import { marketplaceRule } from '../../domain/invoices/marketplace-rules.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '../../events.ts';
import type { VendorInvoicesApi } from '../../sp-api/vendor-invoices.ts';
import type { CursorStore } from '../ports.ts';
import type { InvoicingDeps } from './issue-invoices.ts';
import { INVOICING_ACTOR, updateInvoice } from './submit-invoice.ts';

/** How far back the first poll of a marketplace reaches. */
export const FIRST_POLL_LOOKBACK_MS = 30 * 24 * 3_600_000;

/** Counts of one poll. */
export interface PaymentStatusSummary {
  headers: number;
  changed: number;
  unknownInvoices: number;
}

/**
 * The scheduled poll of the Finances Invoices API (2026-06-25): the headers changed since the last
 * poll of each vendor account and marketplace; an invoice of ours whose payment status moved gets
 * it (`IN_PROGRESS`, `PAID`, `DEDUCTED`, `REJECTED`, …), an audit event and
 * InvoicePaymentStatusChanged. The cursor is the latest `lastUpdatedDate` seen, per account and
 * marketplace, so a poll that fails is repeated from where the last one ended.
 */
export function makeSyncPaymentStatuses(
  deps: Pick<InvoicingDeps, 'clock' | 'invoices' | 'audit' | 'events' | 'settings'> & {
    cursors: CursorStore;
    invoicesApi: (spApiAccount: string) => VendorInvoicesApi;
  },
) {
  return async function syncPaymentStatuses(): Promise<PaymentStatusSummary> {
    const summary: PaymentStatusSummary = { headers: 0, changed: 0, unknownInvoices: 0 };
    const done = new Set<string>();
    for (const vendor of deps.settings.vendors) {
      if (vendor.invoicing !== 'live') continue;
      for (const code of vendor.marketplaces) {
        const rule = marketplaceRule(code);
        const key = `${vendor.spApiAccount}#${rule?.marketplaceId}`;
        if (!rule || done.has(key)) continue;
        done.add(key);
        const cursorName = `finances-invoices#${key}`;
        const since =
          (await deps.cursors.get(cursorName)) ??
          new Date(deps.clock.now().getTime() - FIRST_POLL_LOOKBACK_MS).toISOString();
        const headers = await deps.invoicesApi(vendor.spApiAccount).invoiceHeaders(rule.marketplaceId, since);
        let latest = since;
        for (const header of headers) {
          summary.headers++;
          if (header.lastUpdatedDate > latest) latest = header.lastUpdatedDate;
          const record = await deps.invoices.get(header.invoiceNumber);
          if (!record) {
            summary.unknownInvoices++;
            continue;
          }
          if (record.paymentStatus === header.invoiceStatus) continue;
          const at = deps.clock.now().toISOString();
          const updated = await updateInvoice(deps, record, (r) =>
            r.paymentStatus === header.invoiceStatus
              ? undefined
              : { ...r, paymentStatus: header.invoiceStatus, paymentStatusUpdatedAt: at },
          );
          if (updated.revision === record.revision) continue;
          summary.changed++;
          await deps.audit.record({
            id: `invoice:${record.invoiceNumber}:r${updated.revision}`,
            at: updated.updatedAt,
            actor: INVOICING_ACTOR,
            action: 'invoice.paymentStatusChanged',
            entity: { type: 'Invoice', id: record.invoiceNumber },
            reason: `Finances Invoices API: ${header.invoiceStatus} (updated ${header.lastUpdatedDate})`,
            before: { paymentStatus: record.paymentStatus ?? null },
            after: { paymentStatus: header.invoiceStatus },
            module: 'invoices',
          });
          await deps.events.publish([
            {
              source: EVENT_SOURCE.invoices,
              detailType: DETAIL_TYPE.invoicePaymentStatusChanged,
              detail: {
                invoiceNumber: record.invoiceNumber,
                vendorCode: record.vendorCode,
                marketplace: record.marketplace,
                before: record.paymentStatus ?? null,
                after: header.invoiceStatus,
                amount: header.invoiceAmount.currencyAmount,
                currency: header.invoiceAmount.currencyCode,
              },
            },
          ]);
        }
        if (latest !== since) await deps.cursors.advance(cursorName, latest);
      }
    }
    return summary;
  };
}
