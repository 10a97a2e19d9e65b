import type { SendResult } from '../domain/outbox.ts';
import type { VendorOrdersApi } from '../sp-api/vendor-orders.ts';
import { type Outbox, type OutboxBase, outboxFor } from '../use-cases/outbox/outbox.ts';
import type { Resolution, Sender, UnknownResolver } from '../use-cases/outbox/ports.ts';

/** Amazon: Vendor Central shows an acknowledgement within 30 minutes. Until then "not there" proves nothing. */
const VISIBLE_AFTER_MS = 30 * 60 * 1000;

/**
 * The outbox with the SP-API submitAcknowledgement sender and its resolver: an acknowledgement
 * whose outcome is unknown counts as applied once Amazon shows the PO acknowledged, and as not
 * applied only when the PO is still `New` well after Amazon would have shown it.
 */
export function makeAcknowledgementOutbox(
  deps: OutboxBase & { ordersApiOfAccount: (accountId: string) => VendorOrdersApi },
): Outbox {
  const sender: Sender = {
    async send(request): Promise<SendResult> {
      const { transactionId } = await deps
        .ordersApiOfAccount(request.target)
        .submitAcknowledgement(request.payload);
      return { transactionId };
    },
  };
  const resolver: UnknownResolver = {
    async resolve(message): Promise<Resolution> {
      const order = await deps.ordersApiOfAccount(message.target).purchaseOrder(message.subject.id);
      if (order.purchaseOrderState !== 'New') {
        return {
          outcome: 'applied',
          note: `Amazon shows PO ${message.subject.id} ${order.purchaseOrderState}`,
        };
      }
      const since = deps.clock.now().getTime() - Date.parse(message.updatedAt);
      return since < VISIBLE_AFTER_MS
        ? {
            outcome: 'undetermined',
            note: `PO ${message.subject.id} still New ${Math.round(since / 60000)} min after the attempt`,
          }
        : {
            outcome: 'not-applied',
            note: `PO ${message.subject.id} still New ${Math.round(since / 60000)} min after the attempt`,
          };
    },
  };
  return outboxFor(deps, { submitAcknowledgement: { sender, resolver } });
}
