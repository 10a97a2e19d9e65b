import { logger, withObservability } from '#shared/observability.ts';
import { makeFollowUpInvoices } from '#shared/use-cases/invoices/follow-up-invoices.ts';
import { invoiceDependencies } from './dependencies.ts';

const { deps, spApi } = invoiceDependencies();
const followUp = makeFollowUpInvoices({
  ...deps,
  transactions: (vendorCode) => spApi.transactionsFor(vendorCode),
});

/** Scheduled: queued/held/unknown invoices pushed on, submitted ones read from the transaction status. */
export async function followUpInvoices() {
  const summary = await followUp();
  logger.info('Followed up invoices', { summary });
  return summary;
}

export const handler = withObservability(followUpInvoices);
