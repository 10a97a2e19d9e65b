import { logger, withObservability } from '#shared/observability.ts';
import { makeFollowUpShipments } from '#shared/use-cases/shipments/follow-up-shipments.ts';
import { shipmentDependencies } from './dependencies.ts';

const { deps, spApi } = shipmentDependencies();
const followUp = makeFollowUpShipments({
  ...deps,
  transactions: (vendorCode) => spApi.transactionsFor(vendorCode),
});

/** Scheduled: queued/held/unknown confirmations pushed on, submitted ones checked with Amazon. */
export async function followUpShipments() {
  const summary = await followUp();
  logger.info('Followed up shipment confirmations', { summary });
  return summary;
}

export const handler = withObservability(followUpShipments);
