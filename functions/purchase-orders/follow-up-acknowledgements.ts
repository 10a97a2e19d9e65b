import { logger, withObservability } from '#shared/observability.ts';
import { makeFollowUpAcknowledgements } from '#shared/use-cases/purchase-orders/follow-up-acknowledgements.ts';
import { purchaseOrderDependencies } from './dependencies.ts';

const { deps, spApi } = purchaseOrderDependencies();
const followUp = makeFollowUpAcknowledgements({
  ...deps,
  transactions: (vendorCode) => spApi.transactionsFor(vendorCode),
});

/** Scheduled: queued/unknown acknowledgements pushed on, submitted ones checked with Amazon. */
export async function followUpAcknowledgements() {
  const summary = await followUp();
  logger.info('Followed up acknowledgements', { summary });
  return summary;
}

export const handler = withObservability(followUpAcknowledgements);
