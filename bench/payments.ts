/**
 * `npx tsx bench/payments.ts`: the remittance matching engine on one core — lines per second and
 * peak memory for a remittance of BENCH_REMITTANCE_LINES lines (default 1,000,000) against as many
 * invoices, the store faked (an in-memory map of reconciliation records). The remittance comes from
 * the sandbox's generator (every deduction kind), parsed from its CSV text as a stream, then
 * matched, classified and applied invoice by invoice in batches as the import does. Figures are
 * printed with the machine, never asserted.
 */

import { generateRemittance, type RemittedInvoice, remittanceCsv } from '#local/amazon-sandbox/remittance.ts';
import { exportLocale } from '#shared/domain/payments/locale.ts';
import {
  applyLines,
  type InvoiceFacts,
  type InvoiceReconciliation,
  LineIdentities,
  type MatchedLine,
  matchLine,
  newReconciliation,
} from '#shared/domain/payments/reconciliation.ts';
import { parseRemittanceRows } from '#shared/domain/payments/remittance-file.ts';
import { csvRows } from '#shared/files/csv-rows.ts';
import { describeMachine, formatMachine } from './machine.ts';

const TARGET_LINES = Number(process.env.BENCH_REMITTANCE_LINES ?? 1_000_000);
const BATCH = 500;

let peakRss = 0;
const sample = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const sampler = setInterval(sample, 50);

// About 1.25 lines per invoice in the generator's mix: enough invoices for TARGET_LINES lines.
const invoiceCount = Math.ceil(TARGET_LINES / 1.25);
const invoices: RemittedInvoice[] = Array.from({ length: invoiceCount }, (_, i) => ({
  invoiceNumber: `B${String(i).padStart(9, '0')}`,
  invoiceDate: '2026-08-01',
  total: `${100 + (i % 9000)}.${String(i % 100).padStart(2, '0')}`,
  currency: 'USD',
  purchaseOrderNumbers: [`P${String(i).padStart(8, '0')}`],
}));
const known = new Map<string, InvoiceFacts>(
  invoices.map((i) => [
    i.invoiceNumber,
    { ...i, invoiceType: 'Invoice', vendorCode: 'BENCH', marketplace: 'US', paymentTermsNetDays: 60 },
  ]),
);
const generated = generateRemittance({
  invoices,
  marketplace: 'US',
  currency: 'USD',
  paymentNumber: '900001',
  paymentDate: '2026-10-01',
});
const csv = remittanceCsv(generated);
sample();
const setupRss = process.memoryUsage().rss;

async function* chunks(): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(csv);
  for (let i = 0; i < bytes.length; i += 1 << 16) yield bytes.subarray(i, i + (1 << 16));
}

const store = new Map<string, InvoiceReconciliation>();
const started = performance.now();
let lines = 0;
let batch: MatchedLine[] = [];
const ids = new LineIdentities();
const flush = () => {
  const byInvoice = new Map<string, MatchedLine[]>();
  for (const m of batch) {
    if (!m.invoice) continue;
    const list = byInvoice.get(m.invoice.invoiceNumber) ?? [];
    list.push(m);
    byInvoice.set(m.invoice.invoiceNumber, list);
  }
  for (const [number, list] of byInvoice) {
    const before = store.get(number) ?? newReconciliation(number, 'USD', list[0]!.invoice, 60);
    store.set(number, applyLines(before, list));
  }
  batch = [];
};
for await (const item of parseRemittanceRows(csvRows(chunks()), {
  locale: exportLocale('US'),
  currency: 'USD',
})) {
  if (item.type !== 'line') continue;
  lines++;
  batch.push(matchLine(ids.next(item.line), item.line, known));
  if (batch.length >= BATCH) flush();
}
flush();
const seconds = (performance.now() - started) / 1000;
sample();
clearInterval(sampler);

console.log(formatMachine(describeMachine()));
console.log(
  `remittance matching: ${lines.toLocaleString('en')} lines (CSV ${(csv.length / 1e6).toFixed(0)} MB) against ${invoiceCount.toLocaleString('en')} invoices in ${seconds.toFixed(1)} s = ${Math.round(lines / seconds).toLocaleString('en')} lines/s (parse + match + classify + apply); peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB (${(setupRss / 2 ** 20).toFixed(0)} MB of it the generated invoices and file held for the run); ${store.size.toLocaleString('en')} invoices reconciled`,
);
