import type { Clock } from '../clock.ts';
import type { SendResult } from '../domain/outbox.ts';
import type { VendorShipmentsApi } from '../sp-api/vendor-shipments.ts';
import { type Outbox, type OutboxBase, outboxFor } from '../use-cases/outbox/outbox.ts';
import type { Resolution, Sender, UnknownResolver } from '../use-cases/outbox/ports.ts';

/**
 * How long after an unclear attempt Amazon's shipment list is trusted to show a confirmation it
 * took: Amazon answers a confirmation within minutes (transaction `Success`); Vendor Central shows
 * it within 30 minutes.
 */
export const LISTED_AFTER_MS = 30 * 60 * 1000;

/**
 * The sender and resolver of shipment confirmations, for an outbox that also carries other
 * operations: SubmitShipmentConfirmations with the outbox's exact bytes, and — for an attempt
 * whose outcome is unknown (a 5xx, a dropped connection: no transaction id to read) — Amazon's
 * shipment list (GetShipmentDetails by vendorShipmentIdentifier).
 *
 * The resolver answers `applied` when Amazon lists the shipment for the same selling party;
 * `undetermined` while Amazon may still be processing; `not-applied` only once it is still not
 * listed 30 minutes after the attempt. That last answer is an inference: Amazon does not document
 * that GetShipmentDetails lists confirmations made without a routing request. The resend it
 * allows is safe anyway, because Amazon refuses a second `Original` with the same shipment
 * identifier within 365 days (notes/domain.md 1.5): a duplicate becomes a `Failure` to look at,
 * never a second ASN.
 */
export function shipmentConfirmationHandlers(deps: {
  clock: Clock;
  shipmentsApiOfAccount: (accountId: string) => VendorShipmentsApi;
}): { sender: Sender; resolver: UnknownResolver } {
  const sender: Sender = {
    async send(request): Promise<SendResult> {
      const { transactionId } = await deps
        .shipmentsApiOfAccount(request.target)
        .submitShipmentConfirmations(request.payload);
      return { transactionId };
    },
  };
  const resolver: UnknownResolver = {
    async resolve(message): Promise<Resolution> {
      // The subject id is `<vendor code>#<shipment id>`.
      const [vendorCode = '', ...rest] = message.subject.id.split('#');
      const shipmentId = rest.join('#');
      const listed = await deps.shipmentsApiOfAccount(message.target).shipmentsById(shipmentId);
      const found = listed.find(
        (s) => s.vendorShipmentIdentifier === shipmentId && s.sellingParty.partyId === vendorCode,
      );
      if (found) {
        return {
          outcome: 'applied',
          note: `Amazon lists shipment ${shipmentId}${found.shipmentConfirmDate ? ` confirmed ${found.shipmentConfirmDate}` : ''}`,
        };
      }
      const since = deps.clock.now().getTime() - Date.parse(message.updatedAt);
      const note = `shipment ${shipmentId} not in Amazon's list ${Math.round(since / 60000)} min after the attempt`;
      return since < LISTED_AFTER_MS ? { outcome: 'undetermined', note } : { outcome: 'not-applied', note };
    },
  };
  return { sender, resolver };
}

/** An outbox that sends shipment confirmations (and only them). */
export function makeShipmentOutbox(
  deps: OutboxBase & { shipmentsApiOfAccount: (accountId: string) => VendorShipmentsApi },
): Outbox {
  return outboxFor(deps, { submitShipmentConfirmations: shipmentConfirmationHandlers(deps) });
}
