import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as z from 'zod';
import type { Clock } from '#shared/clock.ts';
import type { PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import { generateRemittance, remittanceCsv, remittanceXlsx } from './remittance.ts';
import type { InvoiceRecord } from './state.ts';

/**
 * Amazon's payments, as Vendor Central exports them: each round the sandbox pays the invoices it
 * accepted and has not paid yet, one remittance per vendor code and currency, with the realistic
 * deductions of {@link generateRemittance} (shortage and price claims, co-op, returns debit notes,
 * provisions …), and writes it alternately as CSV and XLSX under the inbox key the payments
 * capability reads (`remittance/<vendorCode>/<marketplace>/<name>`). State (what was paid) is kept
 * in a file, so a restart never pays an invoice twice.
 */

const CURRENCY_MARKETPLACE: Record<string, string> = {
  EUR: 'DE',
  GBP: 'UK',
  USD: 'US',
  CAD: 'CA',
  JPY: 'JP',
};

const stateSchema = z.object({ next: z.number().int(), paid: z.array(z.string()) });

export interface RemittanceExport {
  readonly key: string;
  readonly body: string | Uint8Array;
}

export function makeRemittanceExports(options: {
  invoices: () => readonly InvoiceRecord[];
  purchaseOrder: (po: string) => PurchaseOrder | undefined;
  clock: Clock;
  stateFile: string;
}) {
  const state = existsSync(options.stateFile)
    ? stateSchema.parse(JSON.parse(readFileSync(options.stateFile, 'utf8')))
    : { next: 1, paid: [] as string[] };
  const save = () => writeFileSync(options.stateFile, JSON.stringify(state));

  /** The exports of this round: empty when no accepted invoice is unpaid. */
  function round(): RemittanceExport[] {
    const paid = new Set(state.paid);
    const groups = new Map<string, { vendorCode: string; currency: string; invoices: InvoiceRecord[] }>();
    for (const record of options.invoices()) {
      const invoice = record.invoice;
      if (!record.accepted || invoice.invoiceType !== 'Invoice' || paid.has(invoice.id)) continue;
      const currency = invoice.invoiceTotal.currencyCode;
      const po = invoice.items?.find((i) => i.purchaseOrderNumber)?.purchaseOrderNumber;
      const vendorCode = po ? options.purchaseOrder(po)?.orderDetails?.sellingParty?.partyId : undefined;
      if (!currency || !vendorCode) continue;
      const key = `${vendorCode}#${currency}`;
      const group = groups.get(key) ?? { vendorCode, currency, invoices: [] };
      group.invoices.push(record);
      groups.set(key, group);
    }
    const exports: RemittanceExport[] = [];
    const paymentDate = options.clock.now().toISOString().slice(0, 10);
    for (const { vendorCode, currency, invoices } of groups.values()) {
      const marketplace = CURRENCY_MARKETPLACE[currency] ?? 'US';
      const paymentNumber = `PAY${String(state.next).padStart(7, '0')}`;
      const remittance = generateRemittance({
        marketplace,
        currency,
        paymentNumber,
        paymentDate,
        seed: state.next,
        invoices: invoices.map(({ invoice }) => ({
          invoiceNumber: invoice.id,
          invoiceDate: invoice.date.slice(0, 10),
          total: invoice.invoiceTotal.amount ?? '0',
          currency,
          purchaseOrderNumbers: [
            ...new Set(
              (invoice.items ?? []).flatMap((i) => (i.purchaseOrderNumber ? [i.purchaseOrderNumber] : [])),
            ),
          ],
        })),
      });
      const xlsx = state.next % 2 === 0;
      exports.push({
        key: `remittance/${vendorCode}/${marketplace}/${paymentNumber}.${xlsx ? 'xlsx' : 'csv'}`,
        body: xlsx ? remittanceXlsx(remittance) : remittanceCsv(remittance),
      });
      state.next++;
      for (const { invoice } of invoices) state.paid.push(invoice.id);
    }
    if (exports.length > 0) save();
    return exports;
  }

  return { round };
}
