/**
 * `npx tsx bench/payments-store.ts` (section h of `npm run bench`, after the engine): the payments
 * store's write throughput — the real DynamoDbPaymentsStore against the local DynamoDB emulator
 * (dynalite, in memory), written the way an import writes: remittance lines in batches of 500 (a
 * keys-only BatchGetItem, then BatchWriteItem for the ones not stored), the same lines again (a
 * file dropped twice: reads only), and one conditional put per invoice's reconciliation record,
 * new and then updated. The emulator is one Node process on this machine, not DynamoDB: the
 * figures compare runs and show where an import's time goes; DynamoDB on demand scales past them.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE_KEYS } from '#infra/stacks/stateful-stack.ts';
import { startEmulators } from '#local/runtime/emulators.ts';
import { ensureTable } from '#local/runtime/resources.ts';
import { DynamoDbPaymentsStore } from '#shared/aws/dynamodb-payments.ts';
import type { InvoiceReconciliation } from '#shared/domain/payments/reconciliation.ts';
import type { StoredLine } from '#shared/use-cases/payments/ports.ts';
import { describeMachine, formatMachine } from './machine.ts';

const LINES = Number(process.env.BENCH_STORE_LINES ?? 20_000);
const LINES_PER_INVOICE = 4;
/** Lines per import batch, as the import writes them. */
const BATCH = 500;
const TABLE = 'acorn-bench';
const IMPORTED_AT = '2026-11-30T10:00:00.000Z';

function line(i: number): StoredLine {
  const invoiceNumber = `INV-${String(Math.floor(i / LINES_PER_INVOICE)).padStart(7, '0')}`;
  return {
    lineId: `P9:${invoiceNumber}:${i}`,
    vendorCode: 'ACMEDE',
    marketplace: 'DE',
    file: 'remittance/ACMEDE/DE/bench.csv',
    row: 10 + i,
    paymentNumber: 'P9',
    paymentDate: '2026-11-28',
    number: i % LINES_PER_INVOICE === 0 ? invoiceNumber : `${invoiceNumber}SC${i % LINES_PER_INVOICE}`,
    kind: i % LINES_PER_INVOICE === 0 ? 'invoice-payment' : 'shortage-claim',
    rule: 'bench',
    invoiceNumber,
    matched: true,
    purchaseOrderNumbers: [`PO${i}`],
    currency: 'EUR',
    invoiceAmount: '119.00',
    amountPaid: i % LINES_PER_INVOICE === 0 ? '119.00' : '-4.50',
    withholdingAmount: '0',
    termsDiscount: '0',
    importedAt: IMPORTED_AT,
  };
}

function record(invoiceNumber: string, paid: string): InvoiceReconciliation {
  return {
    invoiceNumber,
    vendorCode: 'ACMEDE',
    marketplace: 'DE',
    currency: 'EUR',
    billed: '119.00',
    invoiceDate: '2026-10-01',
    dueDate: '2026-11-30',
    purchaseOrderNumbers: ['PO1'],
    paid,
    paymentReceived: true,
    deducted: { 'shortage-claim': '13.50' },
    deductedTotal: '13.50',
    open: '0.00',
    status: 'settled',
    payments: [],
    appliedLines: [],
  };
}

async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const emulators = await startEmulators();
  const client = new DynamoDBClient({
    endpoint: emulators.endpoints.dynamodb,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  try {
    await ensureTable(TABLE, TABLE_KEYS, { dynamodb: client, log: () => {} });
    const store = new DynamoDbPaymentsStore({ client, tableName: TABLE });
    const lines = Array.from({ length: LINES }, (_, i) => line(i));
    const invoices = [...new Set(lines.map((l) => l.invoiceNumber!))];
    const inBatches = async (write: (batch: StoredLine[]) => Promise<void>) => {
      for (let i = 0; i < lines.length; i += BATCH) await write(lines.slice(i, i + BATCH));
    };

    const firstImport = await timed(() => inBatches((batch) => store.putLines(batch)));
    const again = await timed(() => inBatches((batch) => store.putLines(batch)));
    const created = await timed(async () => {
      for (const n of invoices) {
        if (!(await store.saveReconciliation(record(n, '105.50'), 0, IMPORTED_AT)))
          throw new Error(`${n} not created`);
      }
    });
    const updated = await timed(async () => {
      for (let i = 0; i < invoices.length; i += BATCH) {
        const batch = invoices.slice(i, i + BATCH);
        const stored = await store.getReconciliations(batch);
        for (const n of batch) {
          const version = stored.get(n)?.version;
          if (version === undefined) throw new Error(`${n} not read back`);
          if (!(await store.saveReconciliation(record(n, '105.50'), version, IMPORTED_AT))) {
            throw new Error(`${n} not updated`);
          }
        }
      }
    });

    const rate = (count: number, seconds: number) => Math.round(count / seconds).toLocaleString('en-US');
    console.log(formatMachine(describeMachine()));
    console.log(
      `  store (DynamoDbPaymentsStore against dynalite, one process): ${LINES.toLocaleString('en-US')} lines, ${invoices.length.toLocaleString('en-US')} invoices`,
    );
    console.log(
      `  lines stored, first import:               ${rate(LINES, firstImport)} lines/s (${firstImport.toFixed(1)} s)`,
    );
    console.log(
      `  lines again (the same file dropped twice): ${rate(LINES, again)} lines/s (${again.toFixed(1)} s, reads only)`,
    );
    console.log(
      `  reconciliation records created:            ${rate(invoices.length, created)} records/s (conditional puts)`,
    );
    console.log(
      `  reconciliation records read and updated:   ${rate(invoices.length, updated)} records/s (batch read, conditional puts)`,
    );
  } finally {
    client.destroy();
    await emulators.close();
  }
}

await main();
