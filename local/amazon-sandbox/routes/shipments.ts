/** Retail Procurement Shipments v1: shipment confirmations (ASN). */
import { submitShipmentConfirmationsRequestSchema } from '#shared/sp-api/schemas/shipments.ts';
import { checkShipmentConfirmations } from '../business-rules.ts';
import type { Route } from '../http.ts';
import { newTransactionId, type SandboxServices } from '../services.ts';

/** The shipment-confirmation route. */
export function shipmentRoutes(services: SandboxServices): Route[] {
  return [
    {
      kind: 'sp-api',
      method: 'POST',
      path: '/vendor/shipping/v1/shipmentConfirmations',
      operation: 'SubmitShipmentConfirmations',
      body: submitShipmentConfirmationsRequestSchema,
      handle(request) {
        const body = submitShipmentConfirmationsRequestSchema.parse(request.body);
        const now = services.clock.now().getTime();
        const errors = checkShipmentConfirmations(body.shipmentConfirmations, {
          book: services.book,
          state: services.state,
          now,
        });
        const transactionId = newTransactionId(services, now);
        const decidedAt = now + services.timings.shipmentProcessingMs;
        const accepted = errors.length === 0;
        services.state.recordSubmission({
          // Shipment confirmations are the one submission Amazon reports as Success.
          transaction: {
            transactionId,
            operation: 'SubmitShipmentConfirmations',
            submittedAt: now,
            decidedAt,
            outcome: accepted ? 'Success' : 'Failure',
            errors,
          },
          shipments: body.shipmentConfirmations.map((confirmation) => ({
            transactionId,
            receivedAt: now,
            decidedAt,
            accepted,
            confirmation,
          })),
        });
        return { status: 202, body: { payload: { transactionId } } };
      },
    },
  ];
}
