import type { SpApiClient } from './client.ts';
import {
  getShipmentDetailsResponseSchema,
  type ShipmentDetailsShipment,
  submitShipmentConfirmationsResponseSchema,
} from './schemas/shipments.ts';

/** The Retail Procurement Shipments v1 operations Acorn uses. */
export function makeVendorShipmentsApi(client: SpApiClient) {
  return {
    /**
     * Submits a shipment-confirmation body exactly as stored by the outbox. Never resent blindly:
     * an answer that does not prove rejection raises SpApiOutcomeUnknownError.
     */
    async submitShipmentConfirmations(rawBody: string): Promise<{ transactionId: string }> {
      const res = await client.call({
        operation: 'submitShipmentConfirmations',
        method: 'POST',
        path: '/vendor/shipping/v1/shipmentConfirmations',
        rawBody,
        submission: true,
        responseSchema: submitShipmentConfirmationsResponseSchema,
      });
      return { transactionId: res.payload.transactionId };
    },

    /** The shipments Amazon has under a vendor shipment identifier (GetShipmentDetails), every page. */
    async shipmentsById(vendorShipmentIdentifier: string): Promise<ShipmentDetailsShipment[]> {
      const shipments: ShipmentDetailsShipment[] = [];
      let nextToken: string | undefined;
      do {
        const res = await client.call({
          operation: 'getShipmentDetails',
          method: 'GET',
          path: '/vendor/shipping/v1/shipments',
          query: { vendorShipmentIdentifier, limit: 50, nextToken },
          responseSchema: getShipmentDetailsResponseSchema,
        });
        shipments.push(...(res.payload?.shipments ?? []));
        nextToken = res.payload?.pagination?.nextToken || undefined;
      } while (nextToken);
      return shipments;
    },
  };
}

export type VendorShipmentsApi = ReturnType<typeof makeVendorShipmentsApi>;
