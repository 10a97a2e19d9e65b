import {
  acceptedFromAcknowledgement,
  acceptedFromStatus,
  departureWindow,
  type FulfilmentRecord,
} from '../../domain/shipments/fulfilment.ts';
import { AppError } from '../../errors.ts';
import { newFulfilment } from './register-shipments.ts';
import type { ShipmentDeps } from './send-shipment.ts';

/** The PO is not (yet) in the table, or has no acknowledgement that reached Amazon. */
export class FulfilmentNotTrackableError extends AppError {
  readonly retryable = true;
}

/**
 * Starts tracking an accepted PO (PurchaseOrderAcknowledged): its departure window, what Amazon
 * accepted per line, and — through the reminder index — the reminders and the escalation while it
 * is inside its window without a shipment. Idempotent: a second event finds the record. A PO
 * whose every line was rejected ships nothing and is not tracked.
 */
export function makeTrackFulfilment(deps: ShipmentDeps) {
  return async function trackFulfilment(purchaseOrderNumber: string): Promise<FulfilmentRecord | undefined> {
    const existing = await deps.fulfilments.get(purchaseOrderNumber);
    if (existing) return existing;
    const stored = await deps.orders.get(purchaseOrderNumber);
    if (!stored) throw new FulfilmentNotTrackableError(`PO ${purchaseOrderNumber} is not stored yet`);
    const acknowledgement = await deps.acknowledgements.get(purchaseOrderNumber);
    const fromAcknowledgement =
      acknowledgement && (acknowledgement.state === 'accepted' || acknowledgement.state === 'submitted');
    let accepted: ReadonlyMap<string, number> | undefined;
    if (fromAcknowledgement) accepted = acceptedFromAcknowledgement(acknowledgement.lines);
    else {
      const status = await deps.statuses.get(purchaseOrderNumber);
      accepted = status ? acceptedFromStatus(status) : undefined;
    }
    if (!accepted) {
      throw new FulfilmentNotTrackableError(
        `PO ${purchaseOrderNumber} has no acknowledgement Amazon took yet`,
      );
    }
    if ([...accepted.values()].every((amount) => amount <= 0)) return undefined;
    let window: ReturnType<typeof departureWindow>;
    try {
      window = departureWindow(stored.order, deps.settings.transitDays);
    } catch (error) {
      // A window Amazon wrote in a form we cannot read: tracked without one, never reminded.
      if (!(error instanceof AppError)) throw error;
    }
    const record = newFulfilment(deps, {
      order: stored.order,
      vendorCode: stored.vendorCode,
      accepted,
      acceptedFrom: fromAcknowledgement ? 'acknowledgement' : 'amazon-status',
      ...(window ? { window } : {}),
    });
    if ((await deps.fulfilments.create(record)) === 'exists') {
      return deps.fulfilments.get(purchaseOrderNumber);
    }
    return record;
  };
}
