import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import { DynamoDbAcknowledgementStore } from '#shared/aws/dynamodb-acknowledgements.ts';
import { requireEnv } from '#shared/config/runtime.ts';
import { DETAIL_TYPE } from '#shared/events.ts';
import { logger, withObservability } from '#shared/observability.ts';
import {
  makeReleaseClosedPurchaseOrder,
  makeReleaseShippedReservations,
} from '#shared/use-cases/inventory/release-shipped.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { inventoryBasics } from './dependencies.ts';

const { store, events, clock } = inventoryBasics();
const acknowledgements = new DynamoDbAcknowledgementStore({
  client: new DynamoDBClient({}),
  tableName: requireEnv('TABLE_NAME'),
});
const release = makeReleaseShippedReservations({ store, events, clock, acknowledgements });
const releaseClosed = makeReleaseClosedPurchaseOrder({ store, events, clock, acknowledgements });

const lineSchema = z.looseObject({
  itemSequenceNumber: z.string().min(1),
  amount: z.number().int().min(0),
  unitOfMeasure: z.enum(['Cases', 'Eaches']),
  unitSize: z.number().int().min(1),
});
const shipmentEventSchema = z.looseObject({
  'detail-type': z.literal(DETAIL_TYPE.shipmentConfirmed),
  detail: z.looseObject({
    shipmentId: z.string().min(1),
    vendorCode: z.string().min(1),
    shippedDate: z.iso.datetime({ offset: true }),
    purchaseOrders: z
      .array(z.looseObject({ purchaseOrderNumber: z.string().min(1), lines: z.array(lineSchema) }))
      .min(1),
  }),
});

const closedEventSchema = z.looseObject({
  'detail-type': z.literal(DETAIL_TYPE.purchaseOrderStatusChanged),
  detail: z.looseObject({ purchaseOrderNumber: z.string().min(1), purchaseOrderStatus: z.literal('CLOSED') }),
});

/**
 * ShipmentConfirmed → the shipped eaches leave their POs' reservations (once per shipment), so
 * Amazon's and Shopify's availability follow what is still to ship. PurchaseOrderStatusChanged to
 * CLOSED → the PO gives back what no shipment took.
 */
export async function releaseShippedReservations(event: EventBridgeEvent<string, unknown>) {
  if (event['detail-type'] === DETAIL_TYPE.purchaseOrderStatusChanged) {
    const { detail } = parseOrThrow(closedEventSchema, event, 'PurchaseOrderStatusChanged event');
    const result = await releaseClosed(detail.purchaseOrderNumber);
    logger.info('Released what a closed PO no longer holds', {
      purchaseOrderNumber: detail.purchaseOrderNumber,
      released: result.released,
    });
    return result;
  }
  const { detail } = parseOrThrow(shipmentEventSchema, event, 'ShipmentConfirmed event');
  // Compared with the ERP's count instants: one notation (UTC) for both.
  const result = await release({ ...detail, shippedDate: new Date(detail.shippedDate).toISOString() });
  if (result.unplaced.length > 0)
    logger.warn('Shipped lines without a reservation to release', { unplaced: result.unplaced });
  logger.info('Released shipped reservations', {
    shipmentId: detail.shipmentId,
    reservations: result.reservations,
  });
  return result;
}

export const handler = withObservability(releaseShippedReservations);
