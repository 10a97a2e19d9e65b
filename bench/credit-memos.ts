/**
 * `npx tsx bench/credit-memos.ts`: the credit-memo workflow on the local system (`npm start`'s
 * runtime, the ASL file in the local interpreter, every function in its worker), auto-approve path:
 *
 * - latency from `ReturnReceived` (the API call that raises it) to the credit note *received* by the
 *   Amazon sandbox (202), and to the memo *accepted* (Amazon's invoices stay `Processing`; after
 *   15 clock minutes Acorn counts the note accepted — at SPEED× that is 15 min / SPEED of real time);
 * - state transitions per memo (what Step Functions Standard bills): counted from the task
 *   invocations of the run and the shape of the ASL path.
 *
 * Memos run one after another, so each figure is one memo's. Figures are printed, never asserted.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT, startLocalSystem } from '#local/system.ts';
import { api, memoOf, pulledOrder, seedInvoice } from '../test/support/credit-memo-system.ts';
import { describeMachine, formatMachine } from './machine.ts';

const MEMOS = Number(process.env.BENCH_CREDIT_MEMOS ?? 10);
const SPEED = Number(process.env.BENCH_SPEED ?? 600);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main(): Promise<void> {
  console.log('Acorn credit-memo workflow benchmark');
  console.log(formatMachine(describeMachine()));
  const dataDir = mkdtempSync(join(tmpdir(), 'acorn-bench-cm-'));
  const configPath = join(dataDir, 'acorn.config.json');
  writeFileSync(configPath, readFileSync(join(PROJECT_ROOT, 'acorn.config.json')));
  const system = await startLocalSystem({
    port: 0,
    sandboxPort: 0,
    schedules: false,
    log: () => {},
    speed: SPEED,
    dataDir,
    configPath,
    poGeneration: { backlog: 30, perHour: 0 },
  });
  const test = { ...system, dataDir, dispose: async () => {} };
  try {
    const order = await pulledOrder(test, 'ACMEDE');
    await seedInvoice(test, order, 'ACME-DE-INV-BENCH');
    const item = order.orderDetails!.items[0]!;
    const toSandbox: number[] = [];
    const toAccepted: number[] = [];
    const transitions: number[] = [];
    for (let i = 0; i < MEMOS; i++) {
      const reference = `RN-BENCH-${i}`;
      const before = system.runtime.invocations().filter((r) => r.functionId === 'WorkflowStep').length;
      const started = performance.now();
      await api(test, 'POST', '/api/credit-requests', {
        type: 'return',
        return: {
          vendorCode: 'ACMEDE',
          marketplace: 'DE',
          returnReference: reference,
          returnDate: system.runtime.clock.now().toISOString(),
          currency: 'EUR',
          status: 'Delivered to Warehouse',
          items: [
            {
              asin: item.amazonProductIdentifier!,
              purchaseOrderNumber: order.purchaseOrderNumber,
              quantity: 1,
            },
          ],
        },
      });
      let received = 0;
      for (;;) {
        if (
          !received &&
          system.sandbox
            .invoices()
            .some((r) => r.invoice.items?.[0]?.creditNoteDetails?.returnsReferenceNumber === reference)
        ) {
          received = performance.now() - started;
        }
        const memo = await memoOf(test, `RET-ACMEDE-${reference}`);
        if (memo?.state === 'accepted') break;
        if (memo && ['failed', 'rejected', 'pending-approval'].includes(memo.state))
          throw new Error(`memo ${reference} is ${memo.state}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      toSandbox.push(received);
      toAccepted.push(performance.now() - started);
      // Tasks: claim, checkReceipt, prepare, submit, then checkTransaction k times. States entered:
      // RouteStart, ClaimSource, RouteMemo, CheckReceipt, ReceiptGate, PrepareMemo, ApplyPolicy,
      // SubmitCreditNote, RouteFiling, k × (WaitForAmazon, CheckTransaction, AcceptedYet), Done.
      const tasks =
        system.runtime.invocations().filter((r) => r.functionId === 'WorkflowStep').length - before;
      const k = tasks - 4;
      transitions.push(9 + 3 * k + 1);
    }
    console.log(`\n  memos (auto-approve, DE, through submitInvoices): ${MEMOS}, clock speed ${SPEED}×`);
    console.log(
      `  ReturnReceived → credit note received by the sandbox: median ${median(toSandbox).toFixed(0)} ms, max ${Math.max(...toSandbox).toFixed(0)} ms (real time)`,
    );
    console.log(
      `  ReturnReceived → memo accepted: median ${median(toAccepted).toFixed(0)} ms real (includes Amazon's 15 clock minutes = ${((15 * 60_000) / SPEED).toFixed(0)} ms at ${SPEED}×)`,
    );
    console.log(
      `  state transitions per memo: median ${median(transitions)} (the 2-minute transaction polling is 3 per round)`,
    );
  } finally {
    await system.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
