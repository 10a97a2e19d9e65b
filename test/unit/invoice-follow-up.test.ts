import { describe, expect, it } from 'vitest';
import type { FinancesInvoiceHeader } from '#shared/sp-api/schemas/finances-invoices.ts';
import type { Transaction } from '#shared/sp-api/schemas/transaction-status.ts';
import type { VendorInvoicesApi } from '#shared/sp-api/vendor-invoices.ts';
import type { VendorTransactionsApi } from '#shared/sp-api/vendor-transactions.ts';
import { makeFollowUpInvoices } from '#shared/use-cases/invoices/follow-up-invoices.ts';
import { makeSyncPaymentStatuses } from '#shared/use-cases/invoices/sync-payment-statuses.ts';
import { InMemoryCursorStore } from '../support/fakes.ts';
import { makeInvoiceWorld, sandboxOrders } from '../support/invoice-fakes.ts';

const actor = { type: 'system' as const, id: 'test' };

async function submittedWorld() {
  const world = makeInvoiceWorld();
  const [order] = sandboxOrders('DE', 'ACMEDE', 1);
  world.shipAll(order!, 'ACMEDE');
  const [issued] = await world.issue({ purchaseOrderNumbers: [order!.purchaseOrderNumber], actor });
  return { world, number: issued!.invoiceNumber };
}

function transactions(
  status: Transaction['status'],
  errors?: Transaction['errors'],
): () => VendorTransactionsApi {
  return () => ({
    transaction: async (transactionId: string) => ({ transactionId, status, ...(errors ? { errors } : {}) }),
  });
}

describe('the invoice follow-up', () => {
  it('stores Amazon’s errors and raises InvoiceFailed on a Failure', async () => {
    // Prepare
    const { world, number } = await submittedWorld();
    const followUp = makeFollowUpInvoices({
      ...world.deps,
      transactions: transactions('Failure', [
        { code: 'DUPLICATE_INVOICE_NUMBER', message: 'Invoice number was already used.' },
      ]),
    });

    // Act
    const summary = await followUp();

    // Assess
    expect(summary.rejected).toBe(1);
    const record = world.invoices.items.get(number)!;
    expect(record.state).toBe('rejected');
    expect(record.errors).toEqual([
      { code: 'DUPLICATE_INVOICE_NUMBER', message: 'Invoice number was already used.' },
    ]);
    expect(world.events.published.map((e) => e.detailType)).toContain('InvoiceFailed');
  });

  it('takes Processing as accepted only 15 minutes after submission', async () => {
    const { world, number } = await submittedWorld();
    const followUp = makeFollowUpInvoices({ ...world.deps, transactions: transactions('Processing') });

    world.clock.advance(14 * 60_000);
    expect((await followUp()).stillProcessing).toBe(1);
    expect(world.invoices.items.get(number)!.state).toBe('submitted');

    world.clock.advance(60_000);
    expect((await followUp()).accepted).toBe(1);
    expect(world.invoices.items.get(number)!.state).toBe('accepted');
    expect(world.events.published.map((e) => e.detailType)).toContain('InvoiceAccepted');
  });

  it('voids a number a crashed run left reserved, with the reason', async () => {
    const { world } = await submittedWorld();
    const slot = await world.series.reserve(
      { legalEntity: 'ACMEREMIT', series: 'INV', prefix: 'ACME' },
      'crashed run',
      world.clock.now().toISOString(),
    );
    const followUp = makeFollowUpInvoices({ ...world.deps, transactions: transactions('Processing') });

    world.clock.advance(16 * 60_000);
    const summary = await followUp();

    expect(summary.numbersVoided).toBe(1);
    const voided = [...world.series.slots.values()].find((s) => s.sequence === slot.sequence)!;
    expect(voided.state).toBe('void');
    expect(voided.reason).toContain('abandoned');
  });
});

describe('payment statuses from the Finances Invoices API', () => {
  it('records a new status once, with an audit event and InvoicePaymentStatusChanged, and moves the cursor', async () => {
    // Prepare
    const { world, number } = await submittedWorld();
    const record = world.invoices.items.get(number)!;
    const header = (
      status: FinancesInvoiceHeader['invoiceStatus'],
      updated: string,
    ): FinancesInvoiceHeader => ({
      invoiceNumber: number,
      invoiceIdentifier: `${number}~ACMEREMIT`,
      invoiceStatus: status,
      invoiceType: 'AP_INVENTORY',
      payer: { partnerId: 'AMAZON_DE', partnerType: 'AMAZON' },
      payee: { partnerId: 'ACMEREMIT', partnerType: 'VENDOR' },
      issueDate: record.invoiceDate,
      invoiceAmount: { currencyCode: 'EUR', currencyAmount: Number(record.total) },
      creationDate: record.invoiceDate,
      lastUpdatedDate: updated,
    });
    let answer: FinancesInvoiceHeader[] = [header('PAID', '2026-12-10T13:00:00Z')];
    const asked: string[] = [];
    const api: VendorInvoicesApi = {
      invoiceHeaders: async (_m: string, after: string) => {
        asked.push(after);
        return answer;
      },
      submitInvoices: async () => ({ transactionId: '' }),
    };
    const cursors = new InMemoryCursorStore();
    const sync = makeSyncPaymentStatuses({ ...world.deps, cursors, invoicesApi: () => api });

    // Act
    const first = await sync();
    answer = [header('PAID', '2026-12-10T13:00:00Z')];
    const second = await sync();

    // Assess
    expect(first.changed).toBe(1);
    expect(second.changed).toBe(0);
    expect(world.invoices.items.get(number)!.paymentStatus).toBe('PAID');
    expect(world.events.published.filter((e) => e.detailType === 'InvoicePaymentStatusChanged')).toHaveLength(
      1,
    );
    expect(world.audit.actions()).toContain('invoice.paymentStatusChanged');
    expect(asked[1]).toBe('2026-12-10T13:00:00Z');
  });
});
