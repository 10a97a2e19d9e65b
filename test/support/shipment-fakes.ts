/**
 * In-memory fakes of the shipments ports, with the same conditional rules as the DynamoDB adapters
 * (create once, update only from the revision read, sparse reminder indexes), and a builder that
 * wires them with the real outbox into the dependencies every shipments use case takes.
 */

import { shipmentConfirmationHandlers } from '#shared/aws/shipment-outbox.ts';
import { ManualClock } from '#shared/clock.ts';
import type { AutomationMode } from '#shared/config/runtime.ts';
import type { SendResult } from '#shared/domain/outbox.ts';
import type { AcknowledgementRecord } from '#shared/domain/purchase-orders/acknowledgement-record.ts';
import type {
  FulfilmentRecord,
  ShipmentRecord,
  ShipmentState,
  ShippedQuantities,
} from '#shared/domain/shipments/fulfilment.ts';
import type { OrderStatus, PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import { purchaseOrderSchema } from '#shared/sp-api/schemas/orders.ts';
import type { ShipmentDetailsShipment } from '#shared/sp-api/schemas/shipments.ts';
import type { Transaction } from '#shared/sp-api/schemas/transaction-status.ts';
import type { VendorTransactionsApi } from '#shared/sp-api/vendor-transactions.ts';
import { makeOutbox } from '#shared/use-cases/outbox/outbox.ts';
import type { SendRequest } from '#shared/use-cases/outbox/ports.ts';
import type {
  FulfilmentStore,
  PurchaseOrderStatusReader,
  ShipmentStore,
  ShippedQuantitiesStore,
} from '#shared/use-cases/shipments/ports.ts';
import type { ShipmentDeps, ShipmentSettings } from '#shared/use-cases/shipments/send-shipment.ts';
import { RecordingPublisher } from './fakes.ts';
import { InMemoryOutboxStore } from './outbox-fakes.ts';

export { InMemoryOutboxStore };

import { RecordingArchive, RecordingAuditTrail } from './acknowledgement-fakes.ts';
import { spApiFixture } from './fixtures.ts';

const copy = <T>(value: T): T => structuredClone(value);

/** Shipment records in memory. */
export class InMemoryShipmentStore implements ShipmentStore {
  readonly records = new Map<string, ShipmentRecord>();
  #key = (vendorCode: string, shipmentId: string) => `${vendorCode}#${shipmentId}`;

  async get(vendorCode: string, shipmentId: string) {
    const found = this.records.get(this.#key(vendorCode, shipmentId));
    return found && copy(found);
  }
  async create(record: ShipmentRecord) {
    const key = this.#key(record.vendorCode, record.shipmentId);
    if (this.records.has(key)) return 'exists' as const;
    this.records.set(key, copy(record));
    return 'created' as const;
  }
  async update(record: ShipmentRecord) {
    const key = this.#key(record.vendorCode, record.shipmentId);
    if (this.records.get(key)?.revision !== record.revision - 1) return 'conflict' as const;
    this.records.set(key, copy(record));
    return 'updated' as const;
  }
  async listByState(state: ShipmentState, limit: number) {
    return [...this.records.values()]
      .filter((r) => r.state === state)
      .slice(0, limit)
      .map(copy);
  }
  async noticesDue(vendorCode: string, now: Date, limit: number) {
    return [...this.records.values()]
      .filter((r) => r.vendorCode === vendorCode && r.nextNoticeAt && r.nextNoticeAt <= now.toISOString())
      .slice(0, limit)
      .map(copy);
  }
}

/** Fulfilment records in memory. */
export class InMemoryFulfilmentStore implements FulfilmentStore {
  readonly records = new Map<string, FulfilmentRecord>();
  /** Runs before an update's condition is checked: lets a test move the record on underneath. */
  beforeUpdate: ((record: FulfilmentRecord) => void) | undefined;

  async get(purchaseOrderNumber: string) {
    const found = this.records.get(purchaseOrderNumber);
    return found && copy(found);
  }
  async create(record: FulfilmentRecord) {
    if (this.records.has(record.purchaseOrderNumber)) return 'exists' as const;
    this.records.set(record.purchaseOrderNumber, copy(record));
    return 'created' as const;
  }
  async update(record: FulfilmentRecord) {
    this.beforeUpdate?.(record);
    if (this.records.get(record.purchaseOrderNumber)?.revision !== record.revision - 1)
      return 'conflict' as const;
    this.records.set(record.purchaseOrderNumber, copy(record));
    return 'updated' as const;
  }
  async dueBefore(vendorCode: string, until: Date, limit: number) {
    return [...this.records.values()]
      .filter(
        (r) =>
          r.vendorCode === vendorCode &&
          r.state !== 'shipped' &&
          r.window &&
          r.window.end < until.toISOString(),
      )
      .sort((a, b) => a.window!.end.localeCompare(b.window!.end))
      .slice(0, limit)
      .map(copy);
  }
  async noticesDue(vendorCode: string, now: Date, limit: number) {
    return [...this.records.values()]
      .filter((r) => r.vendorCode === vendorCode && r.nextNoticeAt && r.nextNoticeAt <= now.toISOString())
      .slice(0, limit)
      .map(copy);
  }
}

/** The invoicing feed in memory. */
export class InMemoryShippedQuantities implements ShippedQuantitiesStore {
  readonly entries = new Map<string, ShippedQuantities>();
  async put(entry: ShippedQuantities) {
    const key = `${entry.purchaseOrderNumber}#${entry.vendorCode}#${entry.shipmentId}`;
    const held = this.entries.get(key);
    if (held && held.revision >= entry.revision) return 'exists' as const;
    this.entries.set(key, copy(entry));
    return 'created' as const;
  }
  async ofPurchaseOrder(purchaseOrderNumber: string) {
    return [...this.entries.values()].filter((e) => e.purchaseOrderNumber === purchaseOrderNumber).map(copy);
  }
  async confirmedSince(vendorCode: string, after: string, limit: number) {
    return [...this.entries.values()]
      .filter((e) => e.vendorCode === vendorCode && e.confirmedAt > after)
      .slice(0, limit)
      .map(copy);
  }
}

/** The fixture PO `4Z32PABC` (ACMEDE → DUS2): 24 eaches, 10 cases of 6, a rejected line; delivery 30 Nov–4 Dec. */
export function fixturePurchaseOrder(): PurchaseOrder {
  const order = purchaseOrderSchema.parse(spApiFixture('purchase-order'));
  return { ...order, purchaseOrderState: 'Acknowledged' };
}

/** Acorn's acknowledgement of the fixture PO as Amazon took it: all 24, 6 + 4 backordered cases, line 3 rejected. */
export function fixtureAcknowledgement(
  state: AcknowledgementRecord['state'] = 'accepted',
): AcknowledgementRecord {
  const decided = {
    decidedBy: { type: 'rule' as const, id: 'rules' },
    decidedAt: '2026-11-23T10:00:00.000Z',
  };
  return {
    purchaseOrderNumber: '4Z32PABC',
    vendorCode: 'ACMEDE',
    marketplace: 'DE',
    purchaseOrderDate: '2026-11-23T09:41:00Z',
    deadline: '2026-11-24T09:41:00.000Z',
    state,
    revision: 3,
    lines: [
      {
        itemSequenceNumber: '1',
        outcome: 'decided',
        ruleId: 'in-stock',
        reason: 'in stock',
        itemAcknowledgements: [
          {
            acknowledgementCode: 'Accepted',
            acknowledgedQuantity: { amount: 24, unitOfMeasure: 'Eaches', unitSize: 1 },
          },
        ],
        ...decided,
      },
      {
        itemSequenceNumber: '2',
        outcome: 'decided',
        ruleId: 'backorder',
        reason: 'partly in stock',
        itemAcknowledgements: [
          {
            acknowledgementCode: 'Accepted',
            acknowledgedQuantity: { amount: 6, unitOfMeasure: 'Cases', unitSize: 6 },
          },
          {
            acknowledgementCode: 'Backordered',
            acknowledgedQuantity: { amount: 4, unitOfMeasure: 'Cases', unitSize: 6 },
          },
        ],
        ...decided,
      },
      {
        itemSequenceNumber: '3',
        outcome: 'decided',
        ruleId: 'discontinued',
        reason: 'obsolete',
        itemAcknowledgements: [
          {
            acknowledgementCode: 'Rejected',
            acknowledgedQuantity: { amount: 0, unitOfMeasure: 'Eaches', unitSize: 1 },
            rejectionReason: 'ObsoleteProduct',
          },
        ],
        ...decided,
      },
    ],
    transactionId: '20261123100000-00000000-0000-4000-8000-000000000001',
    remindersSent: [],
    updatedAt: '2026-11-23T10:20:00.000Z',
  };
}

/** The shipments settings of the example configuration. */
export const SETTINGS: ShipmentSettings = {
  reminders: { reminders: [0.5, 0.75], escalation: { atFraction: 0.9 } },
  asnReminders: { reminders: [0.5], escalation: { atFraction: 1 } },
  asnDeadlineMinutes: 30,
  transitDays: 2,
  shipFrom: [
    {
      partyId: 'ACMEWH1',
      address: {
        name: 'Acme Warehouse Koeln',
        addressLine1: 'Lagerweg 3',
        city: 'Koeln',
        postalCode: '50739',
        countryCode: 'DE',
      },
    },
  ],
};

/** A world of shipments fakes around the real outbox and use cases. */
export function shipmentWorld(
  options: {
    start?: string;
    mode?: AutomationMode;
    orders?: PurchaseOrder[];
    acknowledgements?: AcknowledgementRecord[];
    statuses?: OrderStatus[];
  } = {},
) {
  const clock = new ManualClock(options.start ?? '2026-11-30T14:00:00Z');
  const orders = new Map((options.orders ?? [fixturePurchaseOrder()]).map((o) => [o.purchaseOrderNumber, o]));
  const acks = new Map(
    (options.acknowledgements ?? [fixtureAcknowledgement()]).map((a) => [a.purchaseOrderNumber, a]),
  );
  const statuses = new Map((options.statuses ?? []).map((s) => [s.purchaseOrderNumber, s]));
  const shipments = new InMemoryShipmentStore();
  const fulfilments = new InMemoryFulfilmentStore();
  const shipped = new InMemoryShippedQuantities();
  const outboxStore = new InMemoryOutboxStore();
  const audit = new RecordingAuditTrail();
  const archive = new RecordingArchive();
  const events = new RecordingPublisher();
  const state = {
    mode: options.mode ?? ('live' as AutomationMode),
    /** What the sender does with a request; by default Amazon answers 202 with a new transaction. */
    send: async (_request: SendRequest): Promise<SendResult> => ({ transactionId: `tx-${sends.length}` }),
    /** The status getTransaction reports per transaction id. */
    transactions: new Map<string, Transaction['status']>(),
    transactionErrors: new Map<string, Transaction['errors']>(),
    /** What GetShipmentDetails lists. */
    listed: [] as ShipmentDetailsShipment[],
  };
  const sends: SendRequest[] = [];
  const { resolver } = shipmentConfirmationHandlers({
    clock,
    shipmentsApiOfAccount: () => ({
      submitShipmentConfirmations: async () => ({ transactionId: 'unused' }),
      shipmentsById: async (id: string) => state.listed.filter((s) => s.vendorShipmentIdentifier === id),
    }),
  });
  const outbox = makeOutbox({
    store: outboxStore,
    archive,
    audit,
    clock,
    modeOf: () => state.mode,
    senders: {
      submitShipmentConfirmations: {
        send: (request) => {
          sends.push(request);
          return state.send(request);
        },
      },
    },
    resolvers: { submitShipmentConfirmations: resolver },
    leaseMs: 10 * 60_000,
  });
  const statusReader: PurchaseOrderStatusReader = { get: async (po) => statuses.get(po) };
  const deps: ShipmentDeps = {
    clock,
    orders: {
      get: async (po) => {
        const order = orders.get(po);
        return order
          ? { order: copy(order), vendorCode: order.orderDetails?.sellingParty?.partyId ?? 'ACMEDE' }
          : undefined;
      },
    },
    acknowledgements: { get: async (po) => copy(acks.get(po)) },
    statuses: statusReader,
    shipments,
    fulfilments,
    shipped,
    outbox,
    audit,
    events,
    vendors: [{ vendorCode: 'ACMEDE', spApiAccount: 'example-eu', marketplaces: ['DE', 'FR', 'IT', 'ES'] }],
    settings: SETTINGS,
  };
  const transactions = (_vendorCode: string): VendorTransactionsApi => ({
    transaction: async (transactionId: string) => ({
      transactionId,
      status: state.transactions.get(transactionId) ?? 'Processing',
      ...(state.transactionErrors.get(transactionId)
        ? { errors: state.transactionErrors.get(transactionId) }
        : {}),
    }),
  });
  return {
    clock,
    deps,
    state,
    sends,
    shipments,
    fulfilments,
    shipped,
    outboxStore,
    audit,
    archive,
    events,
    orders,
    acks,
    statuses,
    transactions,
  };
}
