import { logger, withObservability } from '#shared/observability.ts';
import { makeRemindShipments } from '#shared/use-cases/shipments/remind-shipments.ts';
import { shipmentDependencies } from './dependencies.ts';

const { deps } = shipmentDependencies();
const remind = makeRemindShipments(deps);

/** Scheduled: ship-window and ASN-deadline reminders and escalations. */
export async function remindShipments() {
  const summary = await remind();
  logger.info('Checked ship windows and ASN deadlines', { summary });
  return summary;
}

export const handler = withObservability(remindShipments);
