import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { actorOf, POLICIES, type Principal } from '#shared/domain/authorization.ts';
import { withObservability } from '#shared/observability.ts';
import { makeReceiveShipments } from '#shared/use-cases/shipments/import-shipment-file.ts';
import { makeRegisterShipments } from '#shared/use-cases/shipments/register-shipments.ts';
import { authorized, errorResponse, json, jsonBodyOf } from '../console-api/http.ts';
import { shipmentDependencies } from './dependencies.ts';

const { deps } = shipmentDependencies();
const receive = makeReceiveShipments({ register: makeRegisterShipments(deps) });

/**
 * POST /api/shipments — the warehouse pushes shipments (the JSON form of the shipment file). Each
 * is checked like a file from the inbox and confirmed through the outbox; the same shipment twice
 * sends one confirmation. 200 when every shipment is registered (or was already), 422 with every
 * bad row and field otherwise (good shipments of the same body are still registered).
 */
export async function receiveShipments(
  event: APIGatewayProxyEventV2,
  principal: Principal,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const body = jsonBodyOf(event, 'expected a JSON object: { "shipments": [...] }');
    const summary = await receive(body, actorOf(principal));
    return json(summary.problems.length > 0 ? 422 : 200, {
      shipments: summary.shipments.map((s) => ({
        shipmentId: s.shipmentId,
        outcome: s.outcome,
        ...(s.state ? { state: s.state } : {}),
        purchaseOrderNumbers: s.purchaseOrderNumbers,
      })),
      refusedInFile: summary.refusedInFile,
      problems: summary.problems,
    });
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.pushShipments, receiveShipments));
