import type { Clock } from '../../clock.ts';
import { newReconciliation } from '../../domain/payments/reconciliation.ts';
import { AppError } from '../../errors.ts';
import type { InvoiceLookup, PaymentsStore } from './ports.ts';

/** An accepted invoice invoicing has not stored (yet): the event is retried. */
export class AcceptedInvoiceNotFoundError extends AppError {
  readonly retryable = true;
}

/** What registering an accepted invoice did. */
export type RegisterOutcome = 'registered' | 'exists';

/**
 * InvoiceAccepted → the invoice becomes a receivable before any remittance mentions it: its
 * reconciliation record (billed, due date from its payment terms or the default, unpaid) is
 * created with one conditional put that never replaces a record already there (a remittance got
 * there first, or the event came twice), so the overdue check sees invoices never paid at all.
 */
export function makeRegisterReceivable(deps: {
  invoices: InvoiceLookup;
  store: Pick<PaymentsStore, 'saveReconciliation'>;
  defaultTermsDays: number;
  clock: Clock;
}) {
  return async function registerReceivable(invoiceNumber: string): Promise<RegisterOutcome> {
    const invoice = (await deps.invoices.get([invoiceNumber])).get(invoiceNumber);
    // Accepted means invoicing stored it: missing is a fault worth a retry, not a receivable to drop.
    if (!invoice) throw new AcceptedInvoiceNotFoundError(`Invoice ${invoiceNumber} is not stored`);
    const record = newReconciliation(invoiceNumber, invoice.currency, invoice, deps.defaultTermsDays);
    const created = await deps.store.saveReconciliation(record, 0, deps.clock.now().toISOString());
    return created ? 'registered' : 'exists';
  };
}
