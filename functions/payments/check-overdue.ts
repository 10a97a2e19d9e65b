import { logger, metrics, withObservability } from '#shared/observability.ts';
import { makeCheckOverdue } from '#shared/use-cases/payments/check-overdue.ts';
import { paymentDependencies } from './dependencies.ts';

const deps = paymentDependencies();
const check = makeCheckOverdue({
  clock: deps.clock,
  receivables: deps.store,
  store: deps.store,
  events: deps.events,
  audit: deps.audit,
  vendorCodes: deps.config.vendors.map((v) => v.vendorCode),
});

/** Scheduled (`payments.checkOverdue`): invoices unpaid past their terms, each announced once. */
export async function checkOverdueInvoices() {
  const summary = await check();
  metrics.addMetric('InvoicesUnpaidPastTerms', 'Count', summary.overdue);
  logger.info('Checked receivables for invoices unpaid past terms', { summary });
  return summary;
}

export const handler = withObservability(checkOverdueInvoices);
