import { logger, withObservability } from '#shared/observability.ts';
import { makeSyncPaymentStatuses } from '#shared/use-cases/invoices/sync-payment-statuses.ts';
import { invoiceDependencies } from './dependencies.ts';

const { deps, cursors, invoicesApi } = invoiceDependencies();
const sync = makeSyncPaymentStatuses({ ...deps, cursors, invoicesApi });

/** Scheduled: payment statuses from the Finances Invoices API onto Acorn's invoices. */
export async function syncPaymentStatuses() {
  const summary = await sync();
  logger.info('Synced invoice payment statuses', { summary });
  return summary;
}

export const handler = withObservability(syncPaymentStatuses);
