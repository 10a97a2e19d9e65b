import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import { DynamoDbAcknowledgementStore } from '#shared/aws/dynamodb-acknowledgements.ts';
import { requireEnv } from '#shared/config/runtime.ts';
import { logger, withObservability } from '#shared/observability.ts';
import { makeReleaseShippedReservations } from '#shared/use-cases/inventory/release-shipped.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { inventoryBasics } from './dependencies.ts';

const { store, events, clock } = inventoryBasics();
const release = makeReleaseShippedReservations({
  store,
  events,
  clock,
  acknowledgements: new DynamoDbAcknowledgementStore({
    client: new DynamoDBClient({}),
    tableName: requireEnv('TABLE_NAME'),
  }),
});

const lineSchema = z.looseObject({
  itemSequenceNumber: z.string().min(1),
  amount: z.number().int().min(0),
  unitOfMeasure: z.enum(['Cases', 'Eaches']),
  unitSize: z.number().int().min(1),
});
const eventSchema = z.looseObject({
  detail: z.looseObject({
    shipmentId: z.string().min(1),
    vendorCode: z.string().min(1),
    shippedDate: z.iso.datetime({ offset: true }),
    purchaseOrders: z
      .array(z.looseObject({ purchaseOrderNumber: z.string().min(1), lines: z.array(lineSchema) }))
      .min(1),
  }),
});

/**
 * ShipmentConfirmed → the shipped eaches leave their POs' reservations (once per shipment), so
 * Amazon's and Shopify's availability follow what is still to ship.
 */
export async function releaseShippedReservations(event: EventBridgeEvent<string, unknown>) {
  const { detail } = parseOrThrow(eventSchema, event, 'ShipmentConfirmed event');
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
