/**
 * In-memory fakes of the purchase-order acknowledgement ports, with the same conditional rules as
 * the DynamoDB adapters (revision-conditioned writes, atomic per-SKU reservations), and a builder
 * that wires them with the real outbox into the dependencies every acknowledgement use case takes.
 */
import { ManualClock } from '#shared/clock.ts';
import type { AutomationMode } from '#shared/config/runtime.ts';
import type { AuditEvent } from '#shared/domain/audit.ts';
import type { OutboxMessage, SendResult } from '#shared/domain/outbox.ts';
import {
  type AcknowledgementRecord,
  type AcknowledgementState,
  OPEN_STATES,
} from '#shared/domain/purchase-orders/acknowledgement-record.ts';
import { type CatalogEntry, CatalogIndex } from '#shared/domain/purchase-orders/catalog.ts';
import { DEFAULT_REMINDER_PLAN, type ReminderPlan } from '#shared/domain/purchase-orders/deadlines.ts';
import {
  type AcknowledgementRulesInput,
  validateRules,
} from '#shared/domain/purchase-orders/rules-config.ts';
import type { OrderItem, PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import type { Transaction } from '#shared/sp-api/schemas/transaction-status.ts';
import type { VendorTransactionsApi } from '#shared/sp-api/vendor-transactions.ts';
import { makeOutbox, type Outbox } from '#shared/use-cases/outbox/outbox.ts';
import type {
  Archive,
  ArchiveDocument,
  AuditTrail,
  Resolution,
  Sender,
  SendRequest,
  UnknownResolver,
} from '#shared/use-cases/outbox/ports.ts';
import type { AcknowledgementDeps } from '#shared/use-cases/purchase-orders/acknowledge-purchase-order.ts';
import type {
  AcknowledgementStore,
  CatalogSource,
  PurchaseOrderReader,
  StockStore,
} from '#shared/use-cases/purchase-orders/ports.ts';
import { RecordingPublisher } from './fakes.ts';
import { InMemoryOutboxStore } from './outbox-fakes.ts';

export { InMemoryOutboxStore };

// ---- acknowledgement records ------------------------------------------------------------------

/** Acknowledgement records in memory: create once per PO, update only from the revision read. */
export class InMemoryAcknowledgementStore implements AcknowledgementStore {
  readonly records = new Map<string, AcknowledgementRecord>();
  /** Runs before an update's condition is checked: lets a test move the record on underneath. */
  beforeUpdate: ((record: AcknowledgementRecord) => void) | undefined;
  /** Every call of dueBefore, to show which vendor codes and horizon the check asked for. */
  readonly dueQueries: { vendorCode: string; until: string; limit: number }[] = [];

  async get(purchaseOrderNumber: string): Promise<AcknowledgementRecord | undefined> {
    await Promise.resolve();
    const stored = this.records.get(purchaseOrderNumber);
    return stored && structuredClone(stored);
  }

  async create(record: AcknowledgementRecord): Promise<'created' | 'exists'> {
    await Promise.resolve();
    if (this.records.has(record.purchaseOrderNumber)) return 'exists';
    this.records.set(record.purchaseOrderNumber, structuredClone(record));
    return 'created';
  }

  async update(record: AcknowledgementRecord): Promise<'updated' | 'conflict'> {
    await Promise.resolve();
    this.beforeUpdate?.(record);
    const stored = this.records.get(record.purchaseOrderNumber);
    if (!stored || stored.revision !== record.revision - 1) return 'conflict';
    this.records.set(record.purchaseOrderNumber, structuredClone(record));
    return 'updated';
  }

  async listByState(state: AcknowledgementState, limit: number): Promise<AcknowledgementRecord[]> {
    return [...this.records.values()]
      .filter((r) => r.state === state)
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  async dueBefore(vendorCode: string, until: Date, limit: number): Promise<AcknowledgementRecord[]> {
    this.dueQueries.push({ vendorCode, until: until.toISOString(), limit });
    // Like the sparse gsi2: only open records are in the index.
    return [...this.records.values()]
      .filter((r) => r.vendorCode === vendorCode && OPEN_STATES.has(r.state))
      .filter((r) => Date.parse(r.deadline) < until.getTime())
      .sort((a, b) => a.deadline.localeCompare(b.deadline))
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  /** The stored record, for assertions; throws when there is none. */
  record(purchaseOrderNumber: string): AcknowledgementRecord {
    const stored = this.records.get(purchaseOrderNumber);
    if (!stored) throw new Error(`No acknowledgement record of ${purchaseOrderNumber}`);
    return structuredClone(stored);
  }

  /**
   * Moves a stored record on as another writer would (next revision), e.g. to put it into a
   * state a test starts from.
   */
  change(purchaseOrderNumber: string, patch: Partial<AcknowledgementRecord>): AcknowledgementRecord {
    const current = this.record(purchaseOrderNumber);
    const next = { ...current, ...patch, revision: current.revision + 1 };
    this.records.set(purchaseOrderNumber, structuredClone(next));
    return next;
  }
}

// ---- stock --------------------------------------------------------------------------------------

interface StockPosition {
  available: number;
  readonly reservations: Map<string, number>;
}

/** Available-to-promise per SKU; reserve is atomic per SKU and at most once per PO, like the adapter. */
export class InMemoryStockStore implements StockStore {
  readonly positions = new Map<string, StockPosition>();
  /** Runs before every reservation: another PO taking stock between our read and our write. */
  beforeReserve: ((sku: string, purchaseOrderNumber: string) => void) | undefined;
  reserveCalls = 0;

  constructor(stock: Readonly<Record<string, number>> = {}) {
    for (const [sku, available] of Object.entries(stock)) {
      this.positions.set(sku, { available, reservations: new Map() });
    }
  }

  async available(skus: readonly string[]): Promise<Map<string, number>> {
    await Promise.resolve();
    const result = new Map<string, number>();
    for (const sku of skus) {
      const position = this.positions.get(sku);
      if (position) result.set(sku, position.available);
    }
    return result;
  }

  async reserve(sku: string, purchaseOrderNumber: string, quantity: number): Promise<boolean> {
    await Promise.resolve();
    this.reserveCalls++;
    this.beforeReserve?.(sku, purchaseOrderNumber);
    return this.take(sku, purchaseOrderNumber, quantity);
  }

  async release(sku: string, purchaseOrderNumber: string): Promise<void> {
    await Promise.resolve();
    const position = this.positions.get(sku);
    const reserved = position?.reservations.get(purchaseOrderNumber);
    if (!position || reserved === undefined) return;
    position.available += reserved;
    position.reservations.delete(purchaseOrderNumber);
  }

  /** The atomic conditional update: fails when less is available; a second take for a PO is a no-op. */
  take(sku: string, purchaseOrderNumber: string, quantity: number): boolean {
    const position = this.positions.get(sku);
    if (!position) return false;
    if (position.reservations.has(purchaseOrderNumber)) return true;
    if (position.available < quantity) return false;
    position.available -= quantity;
    position.reservations.set(purchaseOrderNumber, quantity);
    return true;
  }

  /** What a PO holds of a SKU (undefined: nothing). */
  reservedBy(sku: string, purchaseOrderNumber: string): number | undefined {
    return this.positions.get(sku)?.reservations.get(purchaseOrderNumber);
  }

  /** Eaches still available of a SKU. */
  left(sku: string): number | undefined {
    return this.positions.get(sku)?.available;
  }
}

// ---- catalogue and stored POs --------------------------------------------------------------------

/** A fixed catalogue. */
export class StaticCatalog implements CatalogSource {
  readonly #index: CatalogIndex;
  constructor(entries: readonly CatalogEntry[]) {
    this.#index = CatalogIndex.build(entries);
  }
  async index(): Promise<CatalogIndex> {
    return this.#index;
  }
}

/** The POs the ingest stored. */
export class InMemoryPurchaseOrderReader implements PurchaseOrderReader {
  readonly orders = new Map<string, { order: PurchaseOrder; vendorCode: string }>();

  add(order: PurchaseOrder, vendorCode = VENDOR_CODE): void {
    this.orders.set(order.purchaseOrderNumber, { order: structuredClone(order), vendorCode });
  }

  async get(purchaseOrderNumber: string): Promise<{ order: PurchaseOrder; vendorCode: string } | undefined> {
    const stored = this.orders.get(purchaseOrderNumber);
    return stored && structuredClone(stored);
  }
}

// ---- outbox ports (the same rules as the DynamoDB outbox store) ---------------------------------

/** The archive: every document kept. */
export class RecordingArchive implements Archive {
  readonly documents: ArchiveDocument[] = [];
  async putDocument(document: ArchiveDocument): Promise<void> {
    this.documents.push(document);
  }
}

/** The audit trail, write-once per event id like the DynamoDB audit log; can fail on demand. */
export class RecordingAuditTrail implements AuditTrail {
  readonly byId = new Map<string, AuditEvent>();
  /** Fails the next audit writes whose action matches (all actions when undefined). */
  failNext: { count: number; action?: string } = { count: 0 };

  async record(event: AuditEvent): Promise<void> {
    await Promise.resolve();
    if (this.failNext.count > 0 && (!this.failNext.action || this.failNext.action === event.action)) {
      this.failNext.count--;
      throw new Error('audit table unavailable');
    }
    if (!this.byId.has(event.id)) this.byId.set(event.id, structuredClone(event));
  }

  events(): AuditEvent[] {
    return [...this.byId.values()];
  }

  actions(): string[] {
    return this.events().map((e) => e.action);
  }

  /** The audit events of one action. */
  of(action: string): AuditEvent[] {
    return this.events().filter((e) => e.action === action);
  }
}

/** Sends by running `handler`; records every request. Default: accepted with tx-1, tx-2, ... */
export class ScriptedSender implements Sender {
  readonly calls: SendRequest[] = [];
  handler: (request: SendRequest, call: number) => Promise<SendResult>;

  constructor(handler?: (request: SendRequest, call: number) => Promise<SendResult>) {
    this.handler = handler ?? (async (_request, call) => ({ transactionId: `tx-${call}` }));
  }

  async send(request: SendRequest): Promise<SendResult> {
    this.calls.push(structuredClone(request));
    return this.handler(request, this.calls.length);
  }

  /** The requests for one PO's acknowledgements. */
  callsFor(purchaseOrderNumber: string): SendRequest[] {
    return this.calls.filter((c) => c.subject.id === purchaseOrderNumber);
  }
}

/** Answers `unknown` messages as told. */
export class ScriptedResolver implements UnknownResolver {
  answer: Resolution = { outcome: 'undetermined', note: 'not asked yet' };
  readonly asked: string[] = [];
  async resolve(message: OutboxMessage): Promise<Resolution> {
    this.asked.push(message.key);
    return this.answer;
  }
}

/** Amazon's Transaction Status: statuses a test sets per transaction id (default Processing). */
export class FakeTransactions {
  readonly statuses = new Map<string, Transaction>();
  readonly asked: string[] = [];

  set(transactionId: string, status: Transaction['status'], errors?: Transaction['errors']): void {
    this.statuses.set(transactionId, { transactionId, status, ...(errors ? { errors } : {}) });
  }

  api(): VendorTransactionsApi {
    return {
      transaction: async (transactionId: string) => {
        this.asked.push(transactionId);
        return this.statuses.get(transactionId) ?? { transactionId, status: 'Processing' };
      },
    };
  }
}

// ---- fixtures -------------------------------------------------------------------------------------

export const VENDOR_CODE = 'ACMEDE';
export const SP_API_ACCOUNT = 'example-eu';
/** A PO date at a whole second, as Amazon prints it. */
export const PO_DATE = '2026-12-01T08:00:00Z';

export const PAN_EAN = '4006381333931';
export const LID_EAN = '4006381540308';
/** In no catalogue: a line with it goes to review. */
export const UNKNOWN_EAN = '4000000000017';

/** PAN (11.90 EUR) and LID (3.80 EUR) sold in DE. */
export const CATALOG: readonly CatalogEntry[] = [
  {
    sku: 'PAN',
    asin: 'B0C4K7XQ2M',
    ean: PAN_EAN,
    marketplace: 'DE',
    expectedNetCost: '11.90',
    currency: 'EUR',
    status: 'active',
    leadTimeDays: 6,
  },
  {
    sku: 'LID',
    asin: 'B0D1Z9RT5P',
    ean: LID_EAN,
    marketplace: 'DE',
    expectedNetCost: '3.80',
    currency: 'EUR',
    status: 'active',
    leadTimeDays: 5,
  },
];

/** One PO line as a test describes it. */
export interface LineSpec {
  readonly ean: string;
  readonly quantity: number;
  /** @default the catalogue cost of the EAN, else "5.00" */
  readonly cost?: string;
  /** @default false */
  readonly backorder?: boolean;
}

/** A New PO of ACMEDE with a ship window starting two days after its date. */
export function purchaseOrder(opts: {
  readonly number: string;
  readonly date?: string;
  readonly lines: readonly LineSpec[];
  readonly state?: PurchaseOrder['purchaseOrderState'];
}): PurchaseOrder {
  const date = opts.date ?? PO_DATE;
  const start = new Date(Date.parse(date) + 2 * 86_400_000).toISOString().replace('.000Z', 'Z');
  const end = new Date(Date.parse(date) + 6 * 86_400_000).toISOString().replace('.000Z', 'Z');
  const items: OrderItem[] = opts.lines.map((line, i) => ({
    itemSequenceNumber: String(i + 1),
    vendorProductIdentifier: line.ean,
    orderedQuantity: { amount: line.quantity, unitOfMeasure: 'Eaches', unitSize: 1 },
    isBackOrderAllowed: line.backorder ?? false,
    netCost: {
      amount: line.cost ?? CATALOG.find((c) => c.ean === line.ean)?.expectedNetCost ?? '5.00',
      currencyCode: 'EUR',
    },
  }));
  return {
    purchaseOrderNumber: opts.number,
    purchaseOrderState: opts.state ?? 'New',
    orderDetails: {
      purchaseOrderDate: date,
      purchaseOrderStateChangedDate: date,
      purchaseOrderType: 'RegularOrder',
      sellingParty: { partyId: VENDOR_CODE },
      shipToParty: { partyId: 'DUS2' },
      shipWindow: `${start}--${end}`,
      items,
    },
  };
}

// ---- the wired world ------------------------------------------------------------------------------

/** Every fake, the real outbox over them, and the dependencies the use cases take. */
export interface AcknowledgementWorld {
  readonly clock: ManualClock;
  readonly orders: InMemoryPurchaseOrderReader;
  readonly acknowledgements: InMemoryAcknowledgementStore;
  readonly stock: InMemoryStockStore;
  readonly outboxStore: InMemoryOutboxStore;
  readonly archive: RecordingArchive;
  readonly audit: RecordingAuditTrail;
  readonly events: RecordingPublisher;
  readonly sender: ScriptedSender;
  readonly resolver: ScriptedResolver;
  readonly transactions: FakeTransactions;
  readonly outbox: Outbox;
  /** The purchaseOrders module's mode; read at every dispatch. */
  mode: AutomationMode;
  readonly deps: AcknowledgementDeps;
  /** The detail types published so far, in order. */
  detailTypes(): string[];
}

/** Lease of the outbox in the tests: two minutes, as in the functions. */
export const LEASE_MS = 120_000;

/** Builds the world at `now` with the given stock, catalogue, rules and reminder plan. */
export function makeAcknowledgementWorld(
  opts: {
    readonly now?: string;
    readonly stock?: Readonly<Record<string, number>>;
    readonly catalog?: readonly CatalogEntry[];
    readonly rules?: AcknowledgementRulesInput;
    readonly reminders?: ReminderPlan;
    readonly mode?: AutomationMode;
  } = {},
): AcknowledgementWorld {
  const clock = new ManualClock(opts.now ?? '2026-12-01T09:00:00Z');
  const orders = new InMemoryPurchaseOrderReader();
  const acknowledgements = new InMemoryAcknowledgementStore();
  const stock = new InMemoryStockStore(opts.stock ?? { PAN: 100, LID: 100 });
  const outboxStore = new InMemoryOutboxStore();
  const archive = new RecordingArchive();
  const audit = new RecordingAuditTrail();
  const events = new RecordingPublisher();
  const sender = new ScriptedSender();
  const resolver = new ScriptedResolver();
  const transactions = new FakeTransactions();
  const world: { mode: AutomationMode } = { mode: opts.mode ?? 'live' };
  const outbox = makeOutbox({
    store: outboxStore,
    archive,
    audit,
    clock,
    modeOf: () => world.mode,
    senders: { submitAcknowledgement: sender },
    resolvers: { submitAcknowledgement: resolver },
    leaseMs: LEASE_MS,
  });
  const deps: AcknowledgementDeps = {
    clock,
    orders,
    acknowledgements,
    catalog: new StaticCatalog(opts.catalog ?? CATALOG),
    stock,
    outbox,
    audit,
    events,
    rules: validateRules(opts.rules ?? {}),
    reminders: opts.reminders ?? DEFAULT_REMINDER_PLAN,
    vendors: [
      {
        vendorCode: VENDOR_CODE,
        spApiAccount: SP_API_ACCOUNT,
        marketplaces: ['DE'],
        acknowledgementDeadlineHours: 24,
      },
    ],
  };
  return Object.assign(world, {
    clock,
    orders,
    acknowledgements,
    stock,
    outboxStore,
    archive,
    audit,
    events,
    sender,
    resolver,
    transactions,
    outbox,
    deps,
    detailTypes: () => events.published.map((e) => e.detailType),
  });
}
