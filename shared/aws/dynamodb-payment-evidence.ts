import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PurchaseOrderEvidence } from '../domain/payments/follow-ups.ts';
import type { EvidenceLookup } from '../use-cases/payments/ports.ts';
import { DynamoDbAcknowledgementStore } from './dynamodb-acknowledgements.ts';
import { DynamoDbPurchaseOrderReader } from './dynamodb-catalog.ts';
import { DynamoDbShippedQuantities } from './dynamodb-shipments.ts';

/**
 * The evidence of a claim from what the other modules stored: the PO as ingested, its
 * acknowledgement record (state and outbox message) and the shipments confirmed for it.
 */
export class DynamoDbPaymentEvidence implements EvidenceLookup {
  readonly #orders: DynamoDbPurchaseOrderReader;
  readonly #acknowledgements: DynamoDbAcknowledgementStore;
  readonly #shipped: DynamoDbShippedQuantities;

  constructor(table: { client: DynamoDBClient; tableName: string }) {
    this.#orders = new DynamoDbPurchaseOrderReader(table);
    this.#acknowledgements = new DynamoDbAcknowledgementStore(table);
    this.#shipped = new DynamoDbShippedQuantities(table);
  }

  async forPurchaseOrders(purchaseOrderNumbers: readonly string[]): Promise<PurchaseOrderEvidence[]> {
    return Promise.all(
      purchaseOrderNumbers.map(async (po) => {
        const [order, ack, shipped] = await Promise.all([
          this.#orders.get(po),
          this.#acknowledgements.get(po),
          this.#shipped.ofPurchaseOrder(po),
        ]);
        return {
          purchaseOrderNumber: po,
          purchaseOrder: order !== undefined,
          ...(ack
            ? {
                acknowledgement: {
                  state: ack.state,
                  ...(ack.messageKey ? { messageKey: ack.messageKey } : {}),
                },
              }
            : {}),
          shipmentConfirmations: [...new Set(shipped.map((s) => s.shipmentId))],
        };
      }),
    );
  }
}
