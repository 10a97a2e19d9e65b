/** Retail Procurement Shipments v1: shipment confirmations (ASN), and the shipments Amazon lists. */
import * as z from 'zod';
import type { ShipmentConfirmation } from '#shared/sp-api/schemas/shipments.ts';
import { submitShipmentConfirmationsRequestSchema } from '#shared/sp-api/schemas/shipments.ts';
import { checkShipmentConfirmations } from '../business-rules.ts';
import { isoSeconds } from '../generator.ts';
import { invalidInput, parseQuery, type Route } from '../http.ts';
import { newTransactionId, type SandboxServices } from '../services.ts';
import type { ShipmentRecord } from '../state.ts';
import { decodeToken, encodeToken } from './paging.ts';

const getShipmentDetailsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(50).default(50),
  sortOrder: z.enum(['ASC', 'DESC']).default('ASC'),
  nextToken: z.string().optional(),
  vendorShipmentIdentifier: z.string().optional(),
  sellerWarehouseCode: z.string().optional(),
  buyerWarehouseCode: z.string().optional(),
});
const shipmentsTokenSchema = z.object({
  op: z.literal('GetShipmentDetails'),
  offset: z.number().int().min(0),
});

/**
 * A confirmed shipment as GetShipmentDetails describes it (model `Shipment`): the sandbox lists
 * every confirmation whose processing ended in Success, the latest per shipment identifier.
 */
function shipmentOf(record: ShipmentRecord) {
  const c: ShipmentConfirmation = record.confirmation;
  const orders = new Map<
    string,
    {
      itemSequenceNumber: string;
      vendorProductIdentifier?: string;
      buyerProductIdentifier?: string;
      shippedQuantity: ShipmentConfirmation['shippedItems'][number]['shippedQuantity'];
    }[]
  >();
  for (const item of c.shippedItems) {
    const po = item.itemDetails?.purchaseOrderNumber;
    if (!po) continue;
    const items = orders.get(po) ?? [];
    items.push({
      itemSequenceNumber: item.itemSequenceNumber,
      ...(item.vendorProductIdentifier ? { vendorProductIdentifier: item.vendorProductIdentifier } : {}),
      ...(item.amazonProductIdentifier ? { buyerProductIdentifier: item.amazonProductIdentifier } : {}),
      shippedQuantity: item.shippedQuantity,
    });
    orders.set(po, items);
  }
  const decided = isoSeconds(record.decidedAt);
  return {
    vendorShipmentIdentifier: c.shipmentIdentifier,
    transactionType: 'New' as const,
    transactionDate: isoSeconds(record.receivedAt),
    currentShipmentStatus: 'Shipped' as const,
    currentshipmentStatusDate: decided,
    shipmentStatusDetails: [{ shipmentStatus: 'Shipped' as const, shipmentStatusDate: decided }],
    shipmentConfirmDate: c.shipmentConfirmationDate,
    sellingParty: c.sellingParty,
    shipFromParty: c.shipFromParty,
    shipToParty: c.shipToParty,
    purchaseOrders: [...orders].map(([purchaseOrderNumber, items]) => ({ purchaseOrderNumber, items })),
  };
}

/** The shipment-confirmation and shipment-details routes. */
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
    {
      kind: 'sp-api',
      method: 'GET',
      path: '/vendor/shipping/v1/shipments',
      operation: 'GetShipmentDetails',
      handle(request) {
        const parsed = parseQuery(getShipmentDetailsQuery, request.query);
        if (!parsed.ok) return parsed.reply;
        const query = parsed.value;
        let offset = 0;
        if (query.nextToken) {
          const token = decodeToken(services.tokenKey, query.nextToken, shipmentsTokenSchema);
          if (!token) return invalidInput([{ path: 'nextToken', message: 'not a token this API issued' }]);
          offset = token.offset;
        }
        const now = services.clock.now().getTime();
        // The latest successful confirmation per selling party and identifier.
        const latest = new Map<string, ShipmentRecord>();
        for (const record of services.state.shipments) {
          if (!record.accepted || record.decidedAt > now) continue;
          const c = record.confirmation;
          if (query.vendorShipmentIdentifier && c.shipmentIdentifier !== query.vendorShipmentIdentifier)
            continue;
          if (query.sellerWarehouseCode && c.shipFromParty.partyId !== query.sellerWarehouseCode) continue;
          if (query.buyerWarehouseCode && c.shipToParty.partyId !== query.buyerWarehouseCode) continue;
          latest.set(`${c.sellingParty.partyId}#${c.shipmentIdentifier}`, record);
        }
        const all = [...latest.values()].sort((a, b) => a.receivedAt - b.receivedAt);
        if (query.sortOrder === 'DESC') all.reverse();
        const page = all.slice(offset, offset + query.limit);
        const more = offset + query.limit < all.length;
        return {
          status: 200,
          body: {
            payload: {
              ...(more
                ? {
                    pagination: {
                      nextToken: encodeToken(services.tokenKey, {
                        op: 'GetShipmentDetails',
                        offset: offset + query.limit,
                      }),
                    },
                  }
                : {}),
              shipments: page.map(shipmentOf),
            },
          },
        };
      },
    },
  ];
}
