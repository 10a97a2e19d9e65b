import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { actorOf, POLICIES, type Principal } from '#shared/domain/authorization.ts';
import { ValidationError } from '#shared/errors.ts';
import { withObservability } from '#shared/observability.ts';
import { orderItemAcknowledgementSchema } from '#shared/sp-api/schemas/orders.ts';
import { PurchaseOrderNotFoundError } from '#shared/use-cases/purchase-orders/acknowledge-purchase-order.ts';
import { makeDecideLines, NotDecidableError } from '#shared/use-cases/purchase-orders/decide-lines.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { purchaseOrderDependencies } from '../purchase-orders/dependencies.ts';
import { authorized, errorResponse, json } from './http.ts';

const { deps } = purchaseOrderDependencies();
const decideLines = makeDecideLines(deps);

const bodySchema = z.strictObject({
  lines: z
    .array(
      z.strictObject({
        itemSequenceNumber: z.string().min(1),
        itemAcknowledgements: z.array(orderItemAcknowledgementSchema).min(1).max(3),
        note: z.string().max(500).optional(),
      }),
    )
    .min(1),
});

/**
 * POST /api/purchase-orders/{purchaseOrderNumber}/decisions — an operator accepts, backorders or
 * rejects lines in review (or corrects a refused acknowledgement); checked against Amazon's rules,
 * audited, and sent once every line is decided.
 */
export async function decidePurchaseOrderLines(
  event: APIGatewayProxyEventV2,
  principal: Principal,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const po = event.pathParameters?.purchaseOrderNumber ?? '';
    let body: unknown;
    try {
      body = JSON.parse(
        event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? ''),
      );
    } catch {
      throw new ValidationError('The body is not JSON', [
        { path: '(body)', message: 'expected a JSON object' },
      ]);
    }
    const request = parseOrThrow(bodySchema, body, 'decision');
    const record = await decideLines(po, request.lines, actorOf(principal));
    return json(200, { purchaseOrderNumber: po, state: record.state, messageKey: record.messageKey });
  } catch (error) {
    if (error instanceof NotDecidableError) return json(409, { error: error.name, message: error.message });
    if (error instanceof PurchaseOrderNotFoundError) {
      return json(404, { error: error.name, message: error.message });
    }
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.operate, decidePurchaseOrderLines));
