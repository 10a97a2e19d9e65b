import { describe, expect, it } from 'vitest';
import type { InvoiceFacts, InvoiceReconciliation } from '#shared/domain/payments/reconciliation.ts';
import {
  AcceptedInvoiceNotFoundError,
  makeRegisterReceivable,
} from '#shared/use-cases/payments/register-receivable.ts';
import { VirtualClock } from '../support/inventory-fakes.ts';

const INVOICE: InvoiceFacts = {
  invoiceNumber: 'DE-INV-1',
  invoiceType: 'Invoice',
  vendorCode: 'ACMEDE',
  marketplace: 'DE',
  currency: 'EUR',
  invoiceDate: '2026-12-01',
  total: '812.40',
  purchaseOrderNumbers: ['PO1'],
};

/** Conditional like the DynamoDB adapter: a new record only where none is stored. */
function world(invoices: InvoiceFacts[]) {
  const stored = new Map<string, { record: InvoiceReconciliation; version: number }>();
  const register = makeRegisterReceivable({
    invoices: {
      get: async (numbers) =>
        new Map(invoices.filter((i) => numbers.includes(i.invoiceNumber)).map((i) => [i.invoiceNumber, i])),
    },
    store: {
      async saveReconciliation(record, expectedVersion) {
        if ((stored.get(record.invoiceNumber)?.version ?? 0) !== expectedVersion) return false;
        stored.set(record.invoiceNumber, { record, version: expectedVersion + 1 });
        return true;
      },
    },
    defaultTermsDays: 60,
    clock: new VirtualClock('2026-12-02T08:00:00Z'),
  });
  return { stored, register };
}

describe('registerReceivable', () => {
  it('opens an unpaid receivable due after the default terms, once', async () => {
    const { stored, register } = world([INVOICE]);
    expect(await register('DE-INV-1')).toBe('registered');
    expect(stored.get('DE-INV-1')?.record).toMatchObject({
      billed: '812.40',
      open: '812.40',
      status: 'unpaid',
      invoiceDate: '2026-12-01',
      dueDate: '2027-01-30',
      vendorCode: 'ACMEDE',
    });
    expect(await register('DE-INV-1')).toBe('exists');
    expect(stored.get('DE-INV-1')?.version).toBe(1);
  });

  it('takes the due date from the invoice’s own payment terms', async () => {
    const { stored, register } = world([{ ...INVOICE, paymentTermsNetDays: 30 }]);
    await register('DE-INV-1');
    expect(stored.get('DE-INV-1')?.record.dueDate).toBe('2026-12-31');
  });

  it('never replaces a record a remittance already updated', async () => {
    const { stored, register } = world([INVOICE]);
    const paid = {
      invoiceNumber: 'DE-INV-1',
      status: 'settled',
      open: '0',
      paid: '812.40',
    } as InvoiceReconciliation;
    stored.set('DE-INV-1', { record: paid, version: 3 });
    expect(await register('DE-INV-1')).toBe('exists');
    expect(stored.get('DE-INV-1')).toEqual({ record: paid, version: 3 });
  });

  it('throws a retryable error for an accepted invoice that is not stored', async () => {
    const { stored, register } = world([]);
    await expect(register('DE-INV-9')).rejects.toBeInstanceOf(AcceptedInvoiceNotFoundError);
    expect(stored.size).toBe(0);
  });
});
