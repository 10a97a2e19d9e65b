/**
 * In-memory invoicing ports with the same conditional rules as the DynamoDB adapters, and a world
 * that invoices sandbox-generated POs in any marketplace of the rules table.
 */
import { PurchaseOrderGenerator } from '#local/amazon-sandbox/generator.ts';
import { ManualClock } from '#shared/clock.ts';
import type { InvoiceRecord, InvoiceState } from '#shared/domain/invoices/invoice-record.ts';
import { formatInvoiceNumber, type NumberSlot } from '#shared/domain/invoices/numbering.ts';
import type { ShippedQuantities } from '#shared/domain/shipments/fulfilment.ts';
import type { OrderStatus, PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import {
  type InvoiceSettings,
  type InvoicingDeps,
  type InvoicingVendor,
  makeIssueInvoices,
} from '#shared/use-cases/invoices/issue-invoices.ts';
import type {
  ExistingInvoice,
  ExistingInvoiceStore,
  InvoiceClaims,
  InvoiceDocumentArchive,
  InvoiceStore,
  NumberSeries,
  SeriesRef,
} from '#shared/use-cases/invoices/ports.ts';
import { makeOutbox, type Outbox } from '#shared/use-cases/outbox/outbox.ts';
import type { Sender } from '#shared/use-cases/outbox/ports.ts';
import { InMemoryPurchaseOrderReader, RecordingAuditTrail } from './acknowledgement-fakes.ts';
import { RecordingPublisher } from './fakes.ts';
import { InMemoryOutboxStore } from './outbox-fakes.ts';
import { InMemoryShippedQuantities } from './shipment-fakes.ts';

const copy = <T>(value: T): T => structuredClone(value);

/** Number slots in memory: one per sequence, reserved once. */
export class InMemoryNumberSeries implements NumberSeries {
  readonly slots = new Map<string, NumberSlot>();
  async reserve(series: SeriesRef, purpose: string, at: string): Promise<NumberSlot> {
    const taken = [...this.slots.values()].filter(
      (s) => s.legalEntity === series.legalEntity && s.series === series.series,
    );
    const sequence = taken.length + 1;
    const slot: NumberSlot = {
      legalEntity: series.legalEntity,
      series: series.series,
      sequence,
      invoiceNumber: formatInvoiceNumber(series.prefix, series.series, sequence),
      state: 'reserved',
      reservedAt: at,
      purpose,
    };
    this.slots.set(`${series.legalEntity}#${series.series}#${sequence}`, slot);
    return copy(slot);
  }
  #move(slot: NumberSlot, next: Partial<NumberSlot>): boolean {
    const key = `${slot.legalEntity}#${slot.series}#${slot.sequence}`;
    const held = this.slots.get(key);
    if (held?.state !== 'reserved') return false;
    this.slots.set(key, { ...held, ...next });
    return true;
  }
  async issue(slot: NumberSlot, at: string) {
    return this.#move(slot, { state: 'issued', issuedAt: at });
  }
  async void(slot: NumberSlot, reason: string, at: string) {
    return this.#move(slot, { state: 'void', voidedAt: at, reason });
  }
  async list(
    series: Pick<SeriesRef, 'legalEntity' | 'series'>,
    options: { fromSequence?: number; limit: number },
  ) {
    return [...this.slots.values()]
      .filter(
        (s) =>
          s.legalEntity === series.legalEntity &&
          s.series === series.series &&
          s.sequence >= (options.fromSequence ?? 1),
      )
      .sort((a, b) => a.sequence - b.sequence)
      .slice(0, options.limit)
      .map(copy);
  }
  async staleReservations(before: string, limit: number) {
    return [...this.slots.values()]
      .filter((s) => s.state === 'reserved' && s.reservedAt < before)
      .slice(0, limit)
      .map(copy);
  }
}

/** Invoice records in memory, conditional on the revision. */
export class InMemoryInvoiceStore implements InvoiceStore {
  readonly items = new Map<string, InvoiceRecord>();
  failCreate = 0;
  async get(invoiceNumber: string) {
    const held = this.items.get(invoiceNumber);
    return held && copy(held);
  }
  async create(record: InvoiceRecord) {
    if (this.failCreate > 0) {
      this.failCreate--;
      throw new Error('table unavailable');
    }
    if (this.items.has(record.invoiceNumber)) return 'exists' as const;
    this.items.set(record.invoiceNumber, copy(record));
    return 'created' as const;
  }
  async update(record: InvoiceRecord) {
    const held = this.items.get(record.invoiceNumber);
    if (!held || held.revision !== record.revision - 1) return 'conflict' as const;
    this.items.set(record.invoiceNumber, copy(record));
    return 'updated' as const;
  }
  async listByState(state: InvoiceState, limit: number) {
    return [...this.items.values()]
      .filter((r) => r.state === state)
      .slice(0, limit)
      .map(copy);
  }
  async listRecent(_today: string, _days: number, limit: number) {
    return [...this.items.values()]
      .sort((a, b) => b.invoiceDate.localeCompare(a.invoiceDate))
      .slice(0, limit)
      .map(copy);
  }
}

/** PO shipment claims in memory. */
export class InMemoryClaims implements InvoiceClaims {
  readonly claims = new Map<
    string,
    { vendorCode: string; shipmentId: string; invoiceNumber: string; po: string }
  >();
  async claim(
    entry: { purchaseOrderNumber: string; vendorCode: string; shipmentId: string },
    invoiceNumber: string,
  ) {
    const key = `${entry.purchaseOrderNumber}#${entry.vendorCode}#${entry.shipmentId}`;
    const held = this.claims.get(key);
    if (held) return { outcome: 'taken' as const, invoiceNumber: held.invoiceNumber };
    this.claims.set(key, {
      vendorCode: entry.vendorCode,
      shipmentId: entry.shipmentId,
      invoiceNumber,
      po: entry.purchaseOrderNumber,
    });
    return { outcome: 'claimed' as const };
  }
  async release(
    entry: { purchaseOrderNumber: string; vendorCode: string; shipmentId: string },
    invoiceNumber: string,
  ) {
    const key = `${entry.purchaseOrderNumber}#${entry.vendorCode}#${entry.shipmentId}`;
    if (this.claims.get(key)?.invoiceNumber === invoiceNumber) this.claims.delete(key);
  }
  async ofPurchaseOrder(po: string) {
    return [...this.claims.values()].filter((c) => c.po === po).map(({ po: _po, ...rest }) => rest);
  }
}

/** Existing (Vendor Central / EDI) invoices in memory. */
export class InMemoryExistingInvoices implements ExistingInvoiceStore {
  readonly items = new Map<string, ExistingInvoice>();
  async put(invoice: ExistingInvoice) {
    this.items.set(`${invoice.vendorCode}#${invoice.invoiceNumber}`, copy(invoice));
  }
  async listByVendor(vendorCode: string, limit: number) {
    return [...this.items.values()].filter((i) => i.vendorCode === vendorCode).slice(0, limit);
  }
}

/** Archived documents in memory. */
export class InMemoryDocuments implements InvoiceDocumentArchive {
  readonly documents = new Map<string, { body: string | Uint8Array; contentType: string }>();
  async putDocument(document: { key: string; body: string | Uint8Array; contentType: string }) {
    this.documents.set(document.key, { body: document.body, contentType: document.contentType });
  }
  async getDocument(key: string) {
    const held = this.documents.get(key);
    if (!held) return undefined;
    return typeof held.body === 'string' ? new TextEncoder().encode(held.body) : held.body;
  }
}

/** Answers every submission with a transaction id and keeps the exact bytes sent. */
export class RecordingSender implements Sender {
  readonly sent: string[] = [];
  async send(request: { payload: string }) {
    this.sent.push(request.payload);
    return {
      transactionId: `20261201000000-${String(this.sent.length).padStart(8, '0')}-0000-4000-8000-000000000000`,
    };
  }
}

/** A tax registration for every marketplace of the rules table, shaped as each expects. */
export const REGISTRATIONS: InvoiceSettings['remitTo']['taxRegistrations'] = [
  { type: 'VAT', number: 'DE123456789', country: 'DE' },
  { type: 'VAT', number: 'GB123456789', country: 'GB' },
  { type: 'VAT', number: 'FR12123456789', country: 'FR' },
  { type: 'VAT', number: 'IT12345678901', country: 'IT' },
  { type: 'VAT', number: 'ESX1234567X', country: 'ES' },
  { type: 'VAT', number: 'NL123456789B01', country: 'NL' },
  { type: 'VAT', number: 'PL1234567890', country: 'PL' },
  { type: 'VAT', number: 'SE123456789001', country: 'SE' },
  { type: 'VAT', number: 'BE0123456789', country: 'BE' },
  { type: 'VAT', number: 'IE1234567WA', country: 'IE' },
  { type: 'GST', number: '123456789RT0001', country: 'CA' },
  { type: 'VAT', number: 'ACM010203AB1', country: 'MX' },
  { type: 'VAT', number: 'T1234567890123', country: 'JP' },
];

/** The supplier (remit-to) of the tests. */
export const REMIT_TO: InvoiceSettings['remitTo'] = {
  partyId: 'ACMEREMIT',
  address: {
    name: 'Acme Housewares GmbH',
    addressLine1: 'Industriestrasse 12',
    city: 'Koeln',
    postalCode: '50667',
    countryCode: 'DE',
  },
  taxRegistrations: REGISTRATIONS,
};

export const SHIP_FROM = {
  partyId: 'ACMEWH1',
  address: {
    name: 'Acme Warehouse Koeln',
    addressLine1: 'Lagerweg 3',
    city: 'Koeln',
    postalCode: '50739',
    countryCode: 'DE',
  },
};

/** What one test world holds. */
export interface InvoiceWorld {
  readonly clock: ManualClock;
  readonly orders: InMemoryPurchaseOrderReader;
  readonly statuses: Map<string, OrderStatus>;
  readonly shipped: InMemoryShippedQuantities;
  readonly series: InMemoryNumberSeries;
  readonly invoices: InMemoryInvoiceStore;
  readonly claims: InMemoryClaims;
  readonly documents: InMemoryDocuments;
  readonly outboxStore: InMemoryOutboxStore;
  readonly outbox: Outbox;
  readonly sender: RecordingSender;
  readonly audit: RecordingAuditTrail;
  readonly events: RecordingPublisher;
  readonly deps: InvoicingDeps;
  readonly issue: ReturnType<typeof makeIssueInvoices>;
  /** Adds a PO as Amazon accepted all of it (its status) and a confirmed shipment of every line. */
  shipAll(order: PurchaseOrder, vendorCode: string, opts?: { shipmentId?: string; short?: number }): void;
}

/** A world of fakes; vendors default to one live vendor code per marketplace of the rules table. */
export function makeInvoiceWorld(
  opts: { vendors?: InvoicingVendor[]; mode?: 'live' | 'simulate' | 'off'; now?: string } = {},
): InvoiceWorld {
  const clock = new ManualClock(new Date(opts.now ?? '2026-12-10T12:00:00Z'));
  const orders = new InMemoryPurchaseOrderReader();
  const statuses = new Map<string, OrderStatus>();
  const shipped = new InMemoryShippedQuantities();
  const series = new InMemoryNumberSeries();
  const invoices = new InMemoryInvoiceStore();
  const claims = new InMemoryClaims();
  const documents = new InMemoryDocuments();
  const outboxStore = new InMemoryOutboxStore();
  const sender = new RecordingSender();
  const audit = new RecordingAuditTrail();
  const events = new RecordingPublisher();
  const archive = { putDocument: async () => {} };
  const outbox = makeOutbox({
    store: outboxStore,
    archive,
    audit,
    clock,
    modeOf: () => opts.mode ?? 'live',
    senders: { submitInvoices: sender },
    resolvers: {},
    leaseMs: 60_000,
  });
  const vendors = opts.vendors ?? [
    { vendorCode: 'ACMEDE', spApiAccount: 'example-eu', marketplaces: ['DE'], invoicing: 'live' as const },
  ];
  const deps: InvoicingDeps = {
    clock,
    orders,
    acknowledgements: { get: async () => undefined },
    statuses: { get: async (po) => statuses.get(po) },
    shipped,
    acknowledgedCosts: async () => new Map(),
    series,
    invoices,
    claims,
    documents,
    outbox,
    audit,
    events,
    settings: {
      legalEntity: 'ACMEREMIT',
      numberPrefix: 'ACME',
      remitTo: REMIT_TO,
      shipFrom: [SHIP_FROM],
      vendors,
    },
  };
  return {
    clock,
    orders,
    statuses,
    shipped,
    series,
    invoices,
    claims,
    documents,
    outboxStore,
    outbox,
    sender,
    audit,
    events,
    deps,
    issue: makeIssueInvoices(deps),
    shipAll(order, vendorCode, o = {}) {
      orders.add(order, vendorCode);
      const items = order.orderDetails?.items ?? [];
      statuses.set(order.purchaseOrderNumber, {
        purchaseOrderNumber: order.purchaseOrderNumber,
        purchaseOrderStatus: 'OPEN',
        purchaseOrderDate: order.orderDetails?.purchaseOrderDate ?? '2026-12-01T00:00:00Z',
        lastUpdatedDate: '2026-12-02T00:00:00Z',
        sellingParty: { partyId: vendorCode },
        shipToParty: { partyId: order.orderDetails?.shipToParty?.partyId ?? 'FC' },
        itemStatus: items.map((item) => ({
          itemSequenceNumber: item.itemSequenceNumber,
          ...(item.amazonProductIdentifier ? { buyerProductIdentifier: item.amazonProductIdentifier } : {}),
          ...(item.vendorProductIdentifier ? { vendorProductIdentifier: item.vendorProductIdentifier } : {}),
          acknowledgementStatus: {
            confirmationStatus: 'ACCEPTED',
            acceptedQuantity: {
              amount: item.orderedQuantity.amount ?? 0,
              unitOfMeasure: item.orderedQuantity.unitOfMeasure ?? 'Eaches',
            },
          },
        })),
      } as OrderStatus);
      const entry: ShippedQuantities = {
        purchaseOrderNumber: order.purchaseOrderNumber,
        vendorCode,
        shipmentId: o.shipmentId ?? `SHP-${order.purchaseOrderNumber}`,
        revision: 1,
        shippedDate: '2026-12-05T10:00:00Z',
        confirmedAt: '2026-12-05T10:30:00Z',
        lines: items.map((item, i) => ({
          itemSequenceNumber: item.itemSequenceNumber,
          ...(item.amazonProductIdentifier ? { amazonProductIdentifier: item.amazonProductIdentifier } : {}),
          ...(item.vendorProductIdentifier ? { vendorProductIdentifier: item.vendorProductIdentifier } : {}),
          shippedQuantity: {
            amount: Math.max(0, (item.orderedQuantity.amount ?? 0) - (i === 0 ? (o.short ?? 0) : 0)),
            unitOfMeasure: item.orderedQuantity.unitOfMeasure === 'Cases' ? 'Cases' : 'Eaches',
            unitSize: item.orderedQuantity.unitSize ?? 1,
          },
        })),
      };
      void shipped.put(entry);
    },
  };
}

/** Sandbox purchase orders of one marketplace (config code), as Amazon's generator makes them. */
export function sandboxOrders(marketplace: string, vendorCode = 'ACME01', count = 3): PurchaseOrder[] {
  const anchor = Date.parse('2026-12-01T08:00:00Z');
  const generator = new PurchaseOrderGenerator({
    seed: 7,
    anchor,
    backlog: 30,
    perHour: 1,
    vendors: [{ vendorCode, marketplaces: [marketplace] }],
  });
  return generator
    .createdBetween(anchor - 2 * 24 * 3_600_000, anchor)
    .slice(0, count)
    .map((g) => g.order);
}
