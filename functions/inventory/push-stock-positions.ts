import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { POLICIES } from '#shared/domain/authorization.ts';
import { parsePositionsJson } from '#shared/domain/inventory/stock-positions.ts';
import { withObservability } from '#shared/observability.ts';
import { makeApplyStockPositions } from '#shared/use-cases/inventory/stock-positions.ts';
import { authorized, errorResponse, json } from '../console-api/http.ts';
import { inventoryBasics } from './dependencies.ts';

const { store, events, clock } = inventoryBasics();
const apply = makeApplyStockPositions({ store, events, clock });

/**
 * POST /api/inventory/positions — the ERP/WMS pushes counts (IAM-authorized like every route):
 * `{"positions":[{"sku","location","onHand","asOf"}]}`. Each count is applied unless a newer one
 * is held. 200 when every entry was good, 422 naming each bad entry and field (the good ones are
 * still applied).
 */
export async function pushStockPositions(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    let body: unknown;
    try {
      body = JSON.parse(
        event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? ''),
      );
    } catch {
      return json(400, {
        error: 'ValidationError',
        message: 'The body is not JSON',
        problems: [{ row: 0, field: '(body)', message: 'expected { "positions": [...] }' }],
      });
    }
    const summary = await apply('push', parsePositionsJson(body));
    return json(summary.problems.length > 0 ? 422 : 200, {
      applied: summary.applied,
      stale: summary.stale,
      unchanged: summary.unchanged,
      conflicts: summary.conflicts,
      outcomes: summary.outcomes,
      problems: summary.problems,
    });
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.pushStock, pushStockPositions));
