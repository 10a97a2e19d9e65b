import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import {
  type FulfilmentRecord,
  SHIPMENT_STATES,
  type ShipmentRecord,
  type ShipmentState,
  type ShippedQuantities,
} from '../domain/shipments/fulfilment.ts';
import { type OrderStatus, orderStatusSchema } from '../sp-api/schemas/orders.ts';
import { shipmentConfirmationSchema } from '../sp-api/schemas/shipments.ts';
import type {
  FulfilmentStore,
  PurchaseOrderStatusReader,
  ShipmentStore,
  ShippedQuantitiesStore,
} from '../use-cases/shipments/ports.ts';
import { type KeyRange, keyCondition, queryItems } from './dynamodb-query.ts';

/**
 * The shipments capability on the single table. Keys and indexes:
 *
 * | item | pk / sk | gsi1 | gsi2 (sparse) |
 * |---|---|---|---|
 * | shipment | `SHIPMENT#<vendor>#<id>` / `SHIPMENT` | `SHIPSTATE#<state>` / `<updatedAt>#…` | `ASNNOTICE#<vendor>` / `<nextNoticeAt>#<id>` while it has no ASN |
 * | fulfilment | `PO#<po>` / `FULFILMENT` | `SHIPDUE#<vendor>` / `<window end>#<po>` while it still ships | `SHIPNOTICE#<vendor>` / `<nextNoticeAt>#<po>` while nothing ships |
 * | shipped quantities | `PO#<po>` / `SHIPPED#<vendor>#<id>` | `SHIPPED#<vendor>` / `<confirmedAt>#<po>#<id>` | |
 *
 * Every write is one conditional PutItem (ARCHITECTURE rule 9); the reminder and due indexes only
 * hold what the scheduled checks must read, so they never scan.
 */
export const shipmentKeys = {
  shipmentPk: (vendorCode: string, shipmentId: string) => `SHIPMENT#${vendorCode}#${shipmentId}`,
  shipmentSk: 'SHIPMENT',
  byStatePk: (state: ShipmentState) => `SHIPSTATE#${state}`,
  asnNoticePk: (vendorCode: string) => `ASNNOTICE#${vendorCode}`,
  fulfilmentPk: (purchaseOrderNumber: string) => `PO#${purchaseOrderNumber}`,
  fulfilmentSk: 'FULFILMENT',
  duePk: (vendorCode: string) => `SHIPDUE#${vendorCode}`,
  windowNoticePk: (vendorCode: string) => `SHIPNOTICE#${vendorCode}`,
  shippedSk: (vendorCode: string, shipmentId: string) => `SHIPPED#${vendorCode}#${shipmentId}`,
  shippedByVendorPk: (vendorCode: string) => `SHIPPED#${vendorCode}`,
};

// ---- stored shapes, read back through zod (STYLE rule 3) -----------------------------------------

const stateSchema = z.enum(SHIPMENT_STATES as [ShipmentState, ...ShipmentState[]]);
const amazonErrorSchema = z.object({ code: z.string(), message: z.string(), details: z.string().optional() });
const unitSchema = z.enum(['Cases', 'Eaches']);
const lineQuantitySchema = z.object({
  itemSequenceNumber: z.string(),
  amazonProductIdentifier: z.string().optional(),
  vendorProductIdentifier: z.string().optional(),
  amount: z.number(),
  unitOfMeasure: unitSchema,
  unitSize: z.number(),
});

const shipmentRecordSchema = z.object({
  vendorCode: z.string(),
  shipmentId: z.string(),
  state: stateSchema,
  revision: z.number().int(),
  contentHash: z.string(),
  confirmationType: z.enum(['Original', 'Replace']),
  source: z.string(),
  receivedAt: z.string(),
  shippedDate: z.string(),
  asnDeadline: z.string(),
  purchaseOrders: z.array(z.object({ purchaseOrderNumber: z.string(), lines: z.array(lineQuantitySchema) })),
  cartonCount: z.number(),
  palletCount: z.number(),
  confirmation: shipmentConfirmationSchema,
  messageKey: z.string().optional(),
  transactionId: z.string().optional(),
  submittedAt: z.string().optional(),
  confirmedAt: z.string().optional(),
  errors: z.array(amazonErrorSchema).optional(),
  remindersSent: z.array(z.string()),
  nextNoticeAt: z.string().optional(),
  updatedAt: z.string(),
}) satisfies z.ZodType<ShipmentRecord>;

const windowSchema = z.object({
  start: z.string(),
  end: z.string(),
  source: z.enum(['shipWindow', 'deliveryWindow']),
});

const fulfilmentRecordSchema = z.object({
  purchaseOrderNumber: z.string(),
  vendorCode: z.string(),
  shipToPartyId: z.string().optional(),
  window: windowSchema.optional(),
  acceptedFrom: z.enum(['acknowledgement', 'amazon-status']),
  lines: z.array(
    z.object({
      itemSequenceNumber: z.string(),
      amazonProductIdentifier: z.string().optional(),
      vendorProductIdentifier: z.string().optional(),
      unitOfMeasure: unitSchema,
      unitSize: z.number(),
      accepted: z.number(),
    }),
  ),
  shipments: z.array(
    z.object({
      shipmentId: z.string(),
      state: stateSchema,
      shippedDate: z.string(),
      asnDeadline: z.string(),
      lines: z.array(z.object({ itemSequenceNumber: z.string(), amount: z.number() })),
    }),
  ),
  state: z.enum(['awaiting', 'partial', 'shipped']),
  revision: z.number().int(),
  remindersSent: z.array(z.string()),
  nextNoticeAt: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
}) satisfies z.ZodType<FulfilmentRecord>;

const shippedQuantitiesSchema = z.object({
  purchaseOrderNumber: z.string(),
  vendorCode: z.string(),
  shipmentId: z.string(),
  revision: z.number().int(),
  transactionId: z.string().optional(),
  shippedDate: z.string(),
  confirmedAt: z.string(),
  lines: z.array(
    z.object({
      itemSequenceNumber: z.string(),
      amazonProductIdentifier: z.string().optional(),
      vendorProductIdentifier: z.string().optional(),
      shippedQuantity: z.object({ amount: z.number(), unitOfMeasure: unitSchema, unitSize: z.number() }),
    }),
  ),
}) satisfies z.ZodType<ShippedQuantities>;

function documentOf<S extends z.ZodType>(
  schema: S,
  item: Record<string, AttributeValue> | undefined,
): z.output<S> | undefined {
  const text = item?.document?.S;
  return text === undefined ? undefined : schema.parse(JSON.parse(text));
}

/** The table access every store here shares: conditional puts and index queries. */
class TableAccess {
  constructor(protected readonly deps: { client: DynamoDBClient; tableName: string }) {}

  protected async getItem(pk: string, sk: string): Promise<Record<string, AttributeValue> | undefined> {
    const res = await this.deps.client.send(
      new GetItemCommand({
        TableName: this.deps.tableName,
        Key: { pk: { S: pk }, sk: { S: sk } },
        ConsistentRead: true,
      }),
    );
    return res.Item;
  }

  /** One conditional put; false when the condition failed. */
  protected async putItem(
    item: Record<string, AttributeValue>,
    condition: string,
    values?: Record<string, AttributeValue>,
  ): Promise<boolean> {
    try {
      await this.deps.client.send(
        new PutItemCommand({
          TableName: this.deps.tableName,
          Item: item,
          ConditionExpression: condition,
          ...(values ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Every page of a key-condition query, up to `limit` items. */
  protected query(
    input: KeyRange & {
      newestFirst?: boolean;
      limit: number;
    },
  ): Promise<Record<string, AttributeValue>[]> {
    return queryItems(
      this.deps.client,
      { TableName: this.deps.tableName, ...keyCondition(input), ScanIndexForward: !input.newestFirst },
      input.limit,
    );
  }
}

/** Shipment records: one item each, replaced whole by conditional puts on its revision. */
export class DynamoDbShipmentStore extends TableAccess implements ShipmentStore {
  #item(record: ShipmentRecord): Record<string, AttributeValue> {
    const id = `${record.vendorCode}#${record.shipmentId}`;
    return {
      pk: { S: shipmentKeys.shipmentPk(record.vendorCode, record.shipmentId) },
      sk: { S: shipmentKeys.shipmentSk },
      type: { S: 'Shipment' },
      revision: { N: String(record.revision) },
      state: { S: record.state },
      vendorCode: { S: record.vendorCode },
      shipmentId: { S: record.shipmentId },
      document: { S: JSON.stringify(record) },
      gsi1pk: { S: shipmentKeys.byStatePk(record.state) },
      gsi1sk: { S: `${record.updatedAt}#${id}` },
      ...(record.nextNoticeAt
        ? {
            gsi2pk: { S: shipmentKeys.asnNoticePk(record.vendorCode) },
            gsi2sk: { S: `${record.nextNoticeAt}#${record.shipmentId}` },
          }
        : {}),
    };
  }

  async get(vendorCode: string, shipmentId: string): Promise<ShipmentRecord | undefined> {
    return documentOf(
      shipmentRecordSchema,
      await this.getItem(shipmentKeys.shipmentPk(vendorCode, shipmentId), shipmentKeys.shipmentSk),
    );
  }

  async create(record: ShipmentRecord): Promise<'created' | 'exists'> {
    return (await this.putItem(this.#item(record), 'attribute_not_exists(pk)')) ? 'created' : 'exists';
  }

  async update(record: ShipmentRecord): Promise<'updated' | 'conflict'> {
    const ok = await this.putItem(this.#item(record), 'revision = :previous', {
      ':previous': { N: String(record.revision - 1) },
    });
    return ok ? 'updated' : 'conflict';
  }

  async listByState(state: ShipmentState, limit: number): Promise<ShipmentRecord[]> {
    const items = await this.query({
      index: 'gsi1',
      pk: shipmentKeys.byStatePk(state),
      newestFirst: true,
      limit,
    });
    return items.map((item) => documentOf(shipmentRecordSchema, item)!).filter(Boolean);
  }

  async noticesDue(vendorCode: string, now: Date, limit: number): Promise<ShipmentRecord[]> {
    // `#` sorts after every character of an ISO instant, so `<now>#` includes notices due at `now`.
    const items = await this.query({
      index: 'gsi2',
      pk: shipmentKeys.asnNoticePk(vendorCode),
      below: `${now.toISOString()}$`,
      limit,
    });
    return items.map((item) => documentOf(shipmentRecordSchema, item)!).filter(Boolean);
  }
}

/** Fulfilment records: one item per PO beside its order, replaced whole by conditional puts. */
export class DynamoDbFulfilmentStore extends TableAccess implements FulfilmentStore {
  #item(record: FulfilmentRecord): Record<string, AttributeValue> {
    const shipping = record.state !== 'shipped' && record.window;
    return {
      pk: { S: shipmentKeys.fulfilmentPk(record.purchaseOrderNumber) },
      sk: { S: shipmentKeys.fulfilmentSk },
      type: { S: 'Fulfilment' },
      revision: { N: String(record.revision) },
      state: { S: record.state },
      vendorCode: { S: record.vendorCode },
      document: { S: JSON.stringify(record) },
      ...(shipping && record.window
        ? {
            gsi1pk: { S: shipmentKeys.duePk(record.vendorCode) },
            gsi1sk: { S: `${record.window.end}#${record.purchaseOrderNumber}` },
          }
        : {}),
      ...(record.nextNoticeAt
        ? {
            gsi2pk: { S: shipmentKeys.windowNoticePk(record.vendorCode) },
            gsi2sk: { S: `${record.nextNoticeAt}#${record.purchaseOrderNumber}` },
          }
        : {}),
    };
  }

  async get(purchaseOrderNumber: string): Promise<FulfilmentRecord | undefined> {
    return documentOf(
      fulfilmentRecordSchema,
      await this.getItem(shipmentKeys.fulfilmentPk(purchaseOrderNumber), shipmentKeys.fulfilmentSk),
    );
  }

  async create(record: FulfilmentRecord): Promise<'created' | 'exists'> {
    return (await this.putItem(this.#item(record), 'attribute_not_exists(pk)')) ? 'created' : 'exists';
  }

  async update(record: FulfilmentRecord): Promise<'updated' | 'conflict'> {
    const ok = await this.putItem(this.#item(record), 'revision = :previous', {
      ':previous': { N: String(record.revision - 1) },
    });
    return ok ? 'updated' : 'conflict';
  }

  async dueBefore(vendorCode: string, until: Date, limit: number): Promise<FulfilmentRecord[]> {
    const items = await this.query({
      index: 'gsi1',
      pk: shipmentKeys.duePk(vendorCode),
      below: until.toISOString(),
      limit,
    });
    return items.map((item) => documentOf(fulfilmentRecordSchema, item)!).filter(Boolean);
  }

  async noticesDue(vendorCode: string, now: Date, limit: number): Promise<FulfilmentRecord[]> {
    const items = await this.query({
      index: 'gsi2',
      pk: shipmentKeys.windowNoticePk(vendorCode),
      below: `${now.toISOString()}$`,
      limit,
    });
    return items.map((item) => documentOf(fulfilmentRecordSchema, item)!).filter(Boolean);
  }
}

/**
 * The confirmed quantities per PO and shipment (the invoicing feed): beside the PO (pk `PO#<po>`),
 * and by vendor code and confirmation time in gsi1, so invoicing reads what is new without a scan.
 */
export class DynamoDbShippedQuantities extends TableAccess implements ShippedQuantitiesStore {
  async put(entry: ShippedQuantities): Promise<'created' | 'exists'> {
    const ok = await this.putItem(
      {
        pk: { S: shipmentKeys.fulfilmentPk(entry.purchaseOrderNumber) },
        sk: { S: shipmentKeys.shippedSk(entry.vendorCode, entry.shipmentId) },
        type: { S: 'ShippedQuantities' },
        revision: { N: String(entry.revision) },
        vendorCode: { S: entry.vendorCode },
        document: { S: JSON.stringify(entry) },
        gsi1pk: { S: shipmentKeys.shippedByVendorPk(entry.vendorCode) },
        gsi1sk: { S: `${entry.confirmedAt}#${entry.purchaseOrderNumber}#${entry.shipmentId}` },
      },
      'attribute_not_exists(pk) OR revision < :revision',
      { ':revision': { N: String(entry.revision) } },
    );
    return ok ? 'created' : 'exists';
  }

  async ofPurchaseOrder(purchaseOrderNumber: string): Promise<ShippedQuantities[]> {
    const items = await this.query({
      pk: shipmentKeys.fulfilmentPk(purchaseOrderNumber),
      beginsWith: 'SHIPPED#',
      limit: 1000,
    });
    return items.map((item) => documentOf(shippedQuantitiesSchema, item)!).filter(Boolean);
  }

  async confirmedSince(vendorCode: string, after: string, limit: number): Promise<ShippedQuantities[]> {
    const items = await this.query({
      index: 'gsi1',
      pk: shipmentKeys.shippedByVendorPk(vendorCode),
      above: `${after}$`,
      limit,
    });
    return items.map((item) => documentOf(shippedQuantitiesSchema, item)!).filter(Boolean);
  }
}

/** Amazon's PO line status as the ingest stored it (pk `PO#<po>`, sk `STATUS`). */
export class DynamoDbPurchaseOrderStatusReader extends TableAccess implements PurchaseOrderStatusReader {
  async get(purchaseOrderNumber: string): Promise<OrderStatus | undefined> {
    return documentOf(
      orderStatusSchema,
      await this.getItem(shipmentKeys.fulfilmentPk(purchaseOrderNumber), 'STATUS'),
    );
  }
}
