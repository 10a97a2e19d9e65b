import { logger, withObservability } from '#shared/observability.ts';
import { makeRemindAcknowledgementDeadlines } from '#shared/use-cases/purchase-orders/remind-deadlines.ts';
import { purchaseOrderDependencies } from './dependencies.ts';

const { deps } = purchaseOrderDependencies();
const remind = makeRemindAcknowledgementDeadlines(deps);

/** Scheduled: reminders and escalations for acknowledgements still open before their deadline. */
export async function remindDeadlines() {
  const summary = await remind();
  logger.info('Checked acknowledgement deadlines', { summary });
  return summary;
}

export const handler = withObservability(remindDeadlines);
