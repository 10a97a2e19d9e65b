import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DynamoDbAcknowledgementStore } from '#shared/aws/dynamodb-acknowledgements.ts';
import { DynamoDbPurchaseOrderReader } from '#shared/aws/dynamodb-catalog.ts';
import { DynamoDbOutboxStore } from '#shared/aws/dynamodb-outbox.ts';
import { requireEnv } from '#shared/config/runtime.ts';
import { POLICIES } from '#shared/domain/authorization.ts';
import { ValidationError } from '#shared/errors.ts';
import { withObservability } from '#shared/observability.ts';
import { authorized, errorResponse, json } from './http.ts';

const dynamo = new DynamoDBClient({});
const tableName = requireEnv('TABLE_NAME');
const orders = new DynamoDbPurchaseOrderReader({ client: dynamo, tableName });
const acknowledgements = new DynamoDbAcknowledgementStore({ client: dynamo, tableName });
const outbox = new DynamoDbOutboxStore({ client: dynamo, tableName });

/**
 * GET /api/purchase-orders/{purchaseOrderNumber}: the PO with each line's decision, reason, the
 * rule or person that decided, the acknowledgement's status and deadline, and its outbox messages
 * with the exact payload (in `simulate`, what would have been sent).
 */
export async function purchaseOrderDetail(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const po = event.pathParameters?.purchaseOrderNumber ?? '';
    if (!/^[A-Za-z0-9]{1,20}$/.test(po)) {
      throw new ValidationError('Not a PO number', [
        { path: 'purchaseOrderNumber', message: 'letters and digits' },
      ]);
    }
    const [stored, acknowledgement, messages] = await Promise.all([
      orders.get(po),
      acknowledgements.get(po),
      outbox.listBySubject({ type: 'PurchaseOrder', id: po }, { limit: 20 }),
    ]);
    if (!stored) return json(404, { error: 'NotFound', message: `No PO ${po}` });
    const items = stored.order.orderDetails?.items ?? [];
    return json(200, {
      purchaseOrderNumber: po,
      vendorCode: stored.vendorCode,
      amazonState: stored.order.purchaseOrderState,
      purchaseOrderDate: stored.order.orderDetails?.purchaseOrderDate,
      acknowledgement: acknowledgement
        ? {
            state: acknowledgement.state,
            deadline: acknowledgement.deadline,
            marketplace: acknowledgement.marketplace,
            transactionId: acknowledgement.transactionId,
            submittedAt: acknowledgement.submittedAt,
            errors: acknowledgement.errors,
            remindersSent: acknowledgement.remindersSent,
          }
        : undefined,
      // What was sent — or, in simulate, exactly what would have been sent — and where it stands.
      outbox: messages.items.map((m) => ({
        key: m.key,
        operation: m.operation,
        state: m.state,
        attempts: m.attempts,
        updatedAt: m.updatedAt,
        result: m.result,
        lastError: m.lastError,
        resolution: m.resolution,
        payload: m.payload,
      })),
      lines: items.map((item) => {
        const line = acknowledgement?.lines.find((l) => l.itemSequenceNumber === item.itemSequenceNumber);
        return {
          itemSequenceNumber: item.itemSequenceNumber,
          amazonProductIdentifier: item.amazonProductIdentifier,
          vendorProductIdentifier: item.vendorProductIdentifier,
          orderedQuantity: item.orderedQuantity,
          netCost: item.netCost,
          sku: line?.sku,
          outcome: line?.outcome,
          decidedBy: line?.decidedBy,
          rule: line?.ruleId,
          reason: line?.reason,
          acknowledgements: line?.itemAcknowledgements ?? line?.proposal,
        };
      }),
    });
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.read, purchaseOrderDetail));
