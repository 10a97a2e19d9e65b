/**
 * `npx tsx bench/payments.ts` (section g of `npm run bench`): the remittance matching engine on one
 * core — a Vendor Central export of BENCH_REMITTANCE_LINES lines (default about 1,000,000, every
 * deduction kind, from the sandbox's generator) against as many invoices.
 *
 * The export is written to a temporary file first (generated a slice of invoices at a time, never
 * whole in memory) and then streamed from disk twice: once only parsed (CSV → remittance lines),
 * once parsed, matched, classified and applied invoice by invoice in batches of 500 as the import
 * does, with the engine's own time (match + classify + apply) measured around each batch. The
 * invoices and the reconciliation records live in DynamoDB in the real system, not in the
 * function's memory: here the invoice lookup computes an invoice from its number, and the store
 * keeps the records of the last few batches (a later line of an invoice finds its record, as it
 * would in the table). `npm run bench` runs it with a 512 MB old space, about what Node gives
 * itself in a 1,024 MB function (otherwise V8 on a large machine lets garbage pile up before it
 * collects, and the peak RSS says more about the machine than the engine). Figures are printed
 * with the machine, never asserted.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { parseRemittanceRows, type RemittanceLine } from '#shared/domain/payments/remittance-file.ts';
import { csvRows } from '#shared/files/csv-rows.ts';
import { describeMachine, formatMachine } from './machine.ts';

const TARGET_LINES = Number(process.env.BENCH_REMITTANCE_LINES ?? 1_000_000);
const BATCH = 500;
const SLICE = 10_000;
/** Invoices Acorn billed (the lookup knows them all). */
const INVOICES = TARGET_LINES;
/** Invoices the remittance covers: about 1.35 lines each in the generator's mix. */
const REMITTED = Math.ceil(TARGET_LINES / 1.35);

let peakRss = 0;
const sample = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const sampler = setInterval(sample, 25);
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const rate = (n: number, seconds: number) => `${Math.round(n / seconds).toLocaleString('en')} lines/s`;

const numberOf = (i: number) => `B${String(i).padStart(9, '0')}`;
function invoice(i: number): RemittedInvoice {
  return {
    invoiceNumber: numberOf(i),
    invoiceDate: `2026-0${1 + (i % 8)}-${String(1 + (i % 28)).padStart(2, '0')}`,
    total: `${100 + (i % 9000)}.${String(i % 100).padStart(2, '0')}`,
    currency: 'USD',
    purchaseOrderNumbers: [`P${String(i).padStart(8, '0')}`],
  };
}

/** The invoice lookup's answer for a number, as invoicing's record would give it. */
function facts(number: string): InvoiceFacts | undefined {
  if (!/^B\d{9}$/.test(number)) return undefined;
  const i = Number(number.slice(1));
  if (i >= INVOICES) return undefined;
  return {
    ...invoice(i),
    invoiceType: 'Invoice',
    vendorCode: 'BENCH',
    marketplace: 'US',
    paymentTermsNetDays: 60,
  };
}

/** Writes the export a slice of invoices at a time: the payment block once, then the lines. */
function writeExport(path: string): void {
  const fd = openSync(path, 'w');
  try {
    for (let start = 0; start < REMITTED; start += SLICE) {
      const invoices = Array.from({ length: Math.min(SLICE, REMITTED - start) }, (_, k) =>
        invoice(start + k),
      );
      const csv = remittanceCsv(
        generateRemittance({
          invoices,
          marketplace: 'US',
          currency: 'USD',
          paymentNumber: '900001',
          paymentDate: '2026-10-01',
          seed: 1 + start,
          extras: start === 0,
        }),
      );
      writeSync(fd, start === 0 ? csv : csv.slice(csv.indexOf('\n', csv.indexOf('Invoice Number,')) + 1));
    }
  } finally {
    closeSync(fd);
  }
}

function lines(path: string): AsyncIterable<{ type: 'line'; line: RemittanceLine } | { type: 'problem' }> {
  return parseRemittanceRows(csvRows(createReadStream(path, { highWaterMark: 1 << 16 })), {
    locale: exportLocale('US'),
    currency: 'USD',
  });
}

if (process.argv[2] === '--generate') {
  // The child process that writes the export: its garbage stays out of the measured process.
  clearInterval(sampler);
  writeExport(process.argv[3]!);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'acorn-bench-remittance-'));
try {
  const file = join(dir, 'remittance.csv');
  let started = performance.now();
  const child = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, '--generate', file], {
    stdio: 'inherit',
    env: process.env,
  });
  if (child.status !== 0) throw new Error('generating the export failed');
  const generateSeconds = (performance.now() - started) / 1000;
  const bytes = statSync(file).size;
  const baseline = process.memoryUsage().rss;

  // Pass 1: parsing only.
  global.gc?.();
  peakRss = 0;
  started = performance.now();
  let parsed = 0;
  for await (const item of lines(file)) if (item.type === 'line') parsed++;
  const parseSeconds = (performance.now() - started) / 1000;
  sample();
  const parsePeak = peakRss;

  // Pass 2: parsing, then the engine on each batch (its time measured on its own).
  global.gc?.();
  peakRss = 0;
  const recent = new Map<string, InvoiceReconciliation>();
  const KEEP = 4 * BATCH;
  let reconciled = 0;
  let settled = 0;
  let engineMs = 0;
  let matched = 0;
  let batch: { lineId: string; line: RemittanceLine }[] = [];
  const ids = new LineIdentities();
  const flush = () => {
    const at = performance.now();
    // What one DynamoDB BatchGet of the batch's invoices would answer.
    const known = new Map<string, InvoiceFacts>();
    for (const { line } of batch) {
      const f =
        facts(line.invoiceNumber) ?? facts(line.invoiceNumber.replace(/(SCRSC|SCR|SC|\(PC\)R?)$/, ''));
      if (f) known.set(f.invoiceNumber, f);
    }
    const byInvoice = new Map<string, MatchedLine[]>();
    for (const { lineId, line } of batch) {
      const m = matchLine(lineId, line, known);
      if (!m.invoice) continue;
      matched++;
      const list = byInvoice.get(m.invoice.invoiceNumber);
      if (list) list.push(m);
      else byInvoice.set(m.invoice.invoiceNumber, [m]);
    }
    for (const [number, list] of byInvoice) {
      let before = recent.get(number);
      if (!before) {
        before = newReconciliation(number, 'USD', list[0]!.invoice, 60);
        reconciled++;
      }
      const after = applyLines(before, list);
      if (after.status === 'settled') settled++;
      recent.delete(number);
      recent.set(number, after);
    }
    engineMs += performance.now() - at;
    // Older records are "in the table": dropped from memory.
    for (const key of recent.keys()) {
      if (recent.size <= KEEP) break;
      recent.delete(key);
    }
    batch = [];
  };
  started = performance.now();
  let total = 0;
  for await (const item of lines(file)) {
    if (item.type !== 'line') continue;
    total++;
    batch.push({ lineId: ids.next(item.line), line: item.line });
    if (batch.length >= BATCH) flush();
  }
  flush();
  const fullSeconds = (performance.now() - started) / 1000;
  sample();
  global.gc?.();
  const live = process.memoryUsage().heapUsed;
  clearInterval(sampler);
  const engineSeconds = engineMs / 1000;

  console.log(formatMachine(describeMachine()));
  console.log(
    `  export: ${total.toLocaleString('en')} lines (CSV ${mb(bytes)} on disk) against ${INVOICES.toLocaleString('en')} invoices, generated in ${generateSeconds.toFixed(1)} s (another process); RSS before reading ${mb(baseline)} (Node, tsx, the modules)`,
  );
  console.log(
    `  parse only (stream from disk → lines):        ${parseSeconds.toFixed(1)} s = ${rate(parsed, parseSeconds)}; peak RSS ${mb(parsePeak)}`,
  );
  console.log(
    `  matching engine (match + classify + apply):   ${engineSeconds.toFixed(1)} s = ${rate(total, engineSeconds)}`,
  );
  console.log(
    `  whole pass (parse + engine, batches of ${BATCH}):   ${fullSeconds.toFixed(1)} s = ${rate(total, fullSeconds)}; peak RSS ${mb(peakRss)}${global.gc ? ` (live heap after a full GC: ${mb(live)})` : ''}`,
  );
  console.log(
    `  ${matched.toLocaleString('en')} lines matched to ${reconciled.toLocaleString('en')} invoices (${settled.toLocaleString('en')} settled states); target: 1,000,000 lines in < 60 s and < 1 GB`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
