import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import {
  DynamoDbFulfilmentStore,
  DynamoDbShipmentStore,
  DynamoDbShippedQuantities,
} from '#shared/aws/dynamodb-shipments.ts';
import { clockFromEnv } from '#shared/clock.ts';
import { requireEnv, runtimeConfigFromEnv } from '#shared/config/runtime.ts';
import { POLICIES } from '#shared/domain/authorization.ts';
import {
  claimedQuantities,
  confirmedQuantities,
  type FulfilmentRecord,
  SHIPMENT_STATES,
  type ShipmentRecord,
  type ShipmentState,
} from '#shared/domain/shipments/fulfilment.ts';
import { withObservability } from '#shared/observability.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { authorized, errorResponse, json } from './http.ts';

const config = runtimeConfigFromEnv();
const clock = clockFromEnv();
const table = { client: new DynamoDBClient({}), tableName: requireEnv('TABLE_NAME') };
const shipments = new DynamoDbShipmentStore(table);
const fulfilments = new DynamoDbFulfilmentStore(table);
const shipped = new DynamoDbShippedQuantities(table);

const querySchema = z.object({
  /**
   * A confirmation state; `due` for the accepted POs still to ship whose departure window ends in
   * the next `days`; absent for the latest shipments in every state.
   */
  state: z.enum(['due', ...SHIPMENT_STATES] as [string, ...string[]]).optional(),
  days: z.coerce.number().positive().max(60).default(7),
  /** One PO: its fulfilment (accepted, claimed, confirmed per line) and the confirmed shipments. */
  purchaseOrderNumber: z
    .string()
    .regex(/^[A-Za-z0-9]{4,20}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

function shipmentRow(r: ShipmentRecord) {
  return {
    shipmentId: r.shipmentId,
    vendorCode: r.vendorCode,
    state: r.state,
    confirmationType: r.confirmationType,
    shippedDate: r.shippedDate,
    asnDeadline: r.asnDeadline,
    receivedAt: r.receivedAt,
    updatedAt: r.updatedAt,
    source: r.source,
    purchaseOrders: r.purchaseOrders.map((p) => ({
      purchaseOrderNumber: p.purchaseOrderNumber,
      units: p.lines.reduce((sum, l) => sum + l.amount * (l.unitOfMeasure === 'Cases' ? l.unitSize : 1), 0),
      lines: p.lines.length,
    })),
    cartons: r.cartonCount,
    pallets: r.palletCount,
    ...(r.transactionId ? { transactionId: r.transactionId } : {}),
    ...(r.errors?.length ? { errors: r.errors } : {}),
    ...(r.messageKey ? { messageKey: r.messageKey } : {}),
  };
}

function fulfilmentRow(r: FulfilmentRecord) {
  const claimed = claimedQuantities(r);
  const confirmed = confirmedQuantities(r);
  return {
    purchaseOrderNumber: r.purchaseOrderNumber,
    vendorCode: r.vendorCode,
    state: r.state,
    window: r.window,
    shipTo: r.shipToPartyId,
    acceptedFrom: r.acceptedFrom,
    lines: r.lines.map((l) => ({
      itemSequenceNumber: l.itemSequenceNumber,
      vendorProductIdentifier: l.vendorProductIdentifier,
      unit: l.unitOfMeasure === 'Cases' ? `Cases of ${l.unitSize}` : 'Eaches',
      accepted: l.accepted,
      claimed: claimed.get(l.itemSequenceNumber) ?? 0,
      confirmed: confirmed.get(l.itemSequenceNumber) ?? 0,
    })),
    shipments: r.shipments,
    remindersSent: r.remindersSent,
  };
}

/**
 * GET /api/shipments — the latest shipments and their confirmations (`state=` one state);
 * `state=due&days=N` — accepted POs still to ship whose departure window ends within N days
 * (overdue ones first); `purchaseOrderNumber=` — one PO's fulfilment and its confirmed quantities
 * (what invoicing bills). Index queries and key reads only, never a scan.
 */
export async function listShipments(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const query = parseOrThrow(querySchema, event.queryStringParameters ?? {}, 'query string');
    if (query.purchaseOrderNumber) {
      const po = query.purchaseOrderNumber.toUpperCase();
      const [fulfilment, confirmed] = await Promise.all([fulfilments.get(po), shipped.ofPurchaseOrder(po)]);
      if (!fulfilment && confirmed.length === 0) {
        return json(404, {
          error: 'NotFound',
          message: `PO ${po} has no fulfilment record: not accepted yet`,
        });
      }
      return json(200, {
        purchaseOrderNumber: po,
        ...(fulfilment ? { fulfilment: fulfilmentRow(fulfilment) } : {}),
        confirmedShipments: confirmed,
      });
    }
    if (query.state === 'due') {
      const until = new Date(clock.now().getTime() + query.days * 86_400_000);
      const due = (
        await Promise.all(config.vendors.map((v) => fulfilments.dueBefore(v.vendorCode, until, query.limit)))
      )
        .flat()
        .sort((a, b) => (a.window?.end ?? '').localeCompare(b.window?.end ?? ''))
        .slice(0, query.limit);
      return json(200, { items: due.map(fulfilmentRow) });
    }
    const states = query.state ? [query.state as ShipmentState] : SHIPMENT_STATES;
    const records = (await Promise.all(states.map((s) => shipments.listByState(s, query.limit))))
      .flat()
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
      .slice(0, query.limit);
    return json(200, { items: records.map(shipmentRow) });
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.read, listShipments));
