import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { POLICIES } from '#shared/domain/authorization.ts';
import { withObservability } from '#shared/observability.ts';
import { makeListInventory } from '#shared/use-cases/inventory/inventory-view.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { inventoryBasics } from '../inventory/dependencies.ts';
import { authorized, errorResponse, json } from './http.ts';

const { store, rules } = inventoryBasics();
const list = makeListInventory({ store, rules });

const querySchema = z.object({
  /** Comma-separated SKUs; absent for every SKU, a page at a time. */
  sku: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().max(100)).max(100))
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2000).optional(),
});

/**
 * GET /api/inventory — per SKU: on hand (per location), reserved per channel, available per
 * channel, what Shopify shows, the last sync and the drift the last reconciliation found.
 */
export async function listInventory(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const query = parseOrThrow(querySchema, event.queryStringParameters ?? {}, 'query');
    return json(
      200,
      await list({
        limit: query.limit,
        ...(query.sku ? { skus: query.sku } : {}),
        ...(query.cursor ? { cursor: query.cursor } : {}),
      }),
    );
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.read, listInventory));
