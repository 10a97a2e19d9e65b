/**
 * The stateful Amazon Vendor sandbox: an HTTP server that speaks the SP-API retail-procurement
 * operations (orders, acknowledgements, PO status, invoices, shipment confirmations, transaction
 * status), Login with Amazon and client-secret rotation, with the real request and response
 * shapes, Amazon's usage plans, and injectable faults. `npm start` and the integration tests run
 * against it.
 *
 * @example
 * const sandbox = await startAmazonSandbox({ clock: new ManualClock('2026-11-30T08:00:00Z') });
 * // LWA at `${sandbox.url}/auth/o2/token`, SP-API at `${sandbox.url}/vendor/...`
 * await sandbox.close();
 */
import type { Clock } from '#shared/clock.ts';
import type {
  ApplicationOAuthClientSecretExpiryNotification,
  CredentialRotationNotification,
} from '#shared/sp-api/schemas/lwa.ts';
import type { OrderStatus, PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import type { Transaction } from '#shared/sp-api/schemas/transaction-status.ts';
import { FaultInjector, type Faults } from './faults.ts';
import { PurchaseOrderGenerator, type VendorSetup } from './generator.ts';
import { DEFAULT_SANDBOX_CREDENTIALS, LwaAuthority, type SandboxCredentials } from './lwa.ts';
import { findMarketplace } from './marketplaces.ts';
import { OfficialModels } from './official-models.ts';
import { PurchaseOrderBook } from './purchase-orders.ts';
import { TokenBucketLimiter } from './rate-limiter.ts';
import { controlRoutes } from './routes/control.ts';
import { dfInventoryRoutes } from './routes/df-inventory.ts';
import { invoiceRoutes } from './routes/invoices.ts';
import { lwaRoutes } from './routes/lwa.ts';
import { orderRoutes } from './routes/orders.ts';
import { shipmentRoutes } from './routes/shipments.ts';
import { transactionAt, transactionRoutes } from './routes/transactions.ts';
import { type RequestLogEntry, SandboxServer, type SandboxStats } from './server.ts';
import {
  DEFAULT_TIMINGS,
  type SandboxLogEntry,
  type SandboxServices,
  type SandboxTimings,
} from './services.ts';
import {
  type AcknowledgementRecord,
  type InvoiceRecord,
  SandboxState,
  type ShipmentRecord,
  type SubmitOperation,
} from './state.ts';
import { vendorFiles } from './vendor-files.ts';

export type { Faults } from './faults.ts';
export type { VendorSetup } from './generator.ts';
export { DEFAULT_SANDBOX_CREDENTIALS, type SandboxCredentials } from './lwa.ts';
export type { RequestLogEntry, SandboxStats } from './server.ts';
export type { SandboxLogEntry, SandboxTimings } from './services.ts';
export type { AcknowledgementRecord, InvoiceRecord, ShipmentRecord } from './state.ts';

/** Vendor codes when none are given: those of the example acorn.config.json. */
export const DEFAULT_VENDORS: readonly VendorSetup[] = [
  { vendorCode: 'ACMEDE', marketplaces: ['DE', 'FR', 'IT', 'ES'] },
  { vendorCode: 'ACMEUK', marketplaces: ['UK'] },
  { vendorCode: 'ACMEUS', marketplaces: ['US', 'CA'] },
];

/** PO generation when none is given: a day's worth of backlog and a steady trickle. */
export const DEFAULT_PO_GENERATION = { backlog: 24, perHour: 1 } as const;

/** Options of startAmazonSandbox. */
export interface AmazonSandboxOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Business time: token expiry, PO publication, processing delays, receipts. */
  readonly clock: Clock;
  /** Seed of every generated PO, identifier and fault decision. @default 1 */
  readonly seed?: number;
  /** Directory to persist state in (`amazon-sandbox.json`); absent = memory only. */
  readonly stateDir?: string;
  /** The LWA application. @default DEFAULT_SANDBOX_CREDENTIALS */
  readonly credentials?: SandboxCredentials;
  /**
   * Vendor codes to generate POs for. A code found in DEFAULT_VENDORS keeps its marketplaces;
   * otherwise a code ending in a marketplace code (`XYZDE`) gets that marketplace, else US.
   * Ignored when `vendors` is given.
   */
  readonly vendorCodes?: readonly string[];
  /** Vendor codes with their marketplaces (e.g. from acorn.config.json). @default DEFAULT_VENDORS */
  readonly vendors?: readonly VendorSetup[];
  /** @default DEFAULT_PO_GENERATION */
  readonly poGeneration?: {
    /** POs already published at the first start, spread over the two days before it. */
    readonly backlog: number;
    /** New POs per hour of clock time. */
    readonly perHour: number;
  };
  /** Faults active from the start. @default none */
  readonly faults?: Faults;
  /** When set (and present), request bodies are also validated against Amazon's official models. */
  readonly officialModelsDir?: string;
  /** Amazon's usage plans (per client id and operation, real time). @default true */
  readonly rateLimits?: boolean;
  /** Processing delays of asynchronous submissions. @default DEFAULT_TIMINGS */
  readonly timings?: Partial<SandboxTimings>;
  /** Receives credential-rotation notifications (the local runtime pushes them into its SQS queue). */
  readonly onNotification?: (notification: CredentialRotationNotification) => void | Promise<void>;
  /** Receives the sandbox's own log lines. @default discard */
  readonly log?: (entry: SandboxLogEntry) => void;
}

/** A transaction with the status getTransaction would report now. */
export interface TransactionView extends Transaction {
  readonly operation: SubmitOperation;
  readonly submittedAt: string;
}

/** A running sandbox. */
export interface AmazonSandbox {
  /** Base URL, e.g. `http://127.0.0.1:41234` (LWA and SP-API share it). */
  readonly url: string;
  readonly port: number;
  /** Stops the server (safe to call twice). State already persisted stays in `stateDir`. */
  close(): Promise<void>;
  /** Current fault knobs. */
  faults(): Faults;
  /** Replaces the fault knobs (missing ones are off). */
  setFaults(faults: Faults): void;
  /** Served Amazon requests, oldest first. */
  requestLog(): RequestLogEntry[];
  /** Request counts per operation and status, and 429s. */
  stats(): SandboxStats;
  /** Every published PO in its current form, oldest first. */
  purchaseOrders(): PurchaseOrder[];
  /** One published PO in its current form. */
  purchaseOrder(purchaseOrderNumber: string): PurchaseOrder | undefined;
  /** One published PO's status as getPurchaseOrdersStatus reports it. */
  purchaseOrderStatus(purchaseOrderNumber: string): OrderStatus | undefined;
  /** Every transaction with its current status, oldest first. */
  transactions(): TransactionView[];
  /** Acknowledgements received (accepted or not), oldest first. */
  acknowledgements(): readonly AcknowledgementRecord[];
  /** Invoices and credit notes received, oldest first. */
  invoices(): readonly InvoiceRecord[];
  /** Shipment confirmations received, oldest first. */
  shipmentConfirmations(): readonly ShipmentRecord[];
  /** Publishes a hand-made PO (state persists); its purchaseOrderDate decides when it is visible. */
  injectPurchaseOrder(order: PurchaseOrder, opts?: { marketplace?: string }): PurchaseOrder;
  /** The client id, its newest secret and the refresh tokens. */
  credentials(): SandboxCredentials;
  /** The vendor's catalogue and stock files for the products this sandbox orders (see vendor-files.ts). */
  vendorFiles(asOf: Date): { catalogCsv: string; stockCsv: string };
  /** Sends APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY for the current secret through onNotification. */
  announceClientSecretExpiry(): Promise<ApplicationOAuthClientSecretExpiryNotification>;
}

function vendorsFrom(options: AmazonSandboxOptions): readonly VendorSetup[] {
  if (options.vendors) return options.vendors;
  if (!options.vendorCodes) return DEFAULT_VENDORS;
  return options.vendorCodes.map((vendorCode) => {
    const known = DEFAULT_VENDORS.find((v) => v.vendorCode === vendorCode);
    if (known) return known;
    const suffix = findMarketplace(vendorCode.slice(-2));
    return { vendorCode, marketplaces: [suffix?.code ?? 'US'] };
  });
}

/** Starts the Amazon Vendor sandbox. */
export async function startAmazonSandbox(options: AmazonSandboxOptions): Promise<AmazonSandbox> {
  const { clock } = options;
  const seed = options.seed ?? 1;
  const log = options.log ?? (() => {});
  const state = SandboxState.open({
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
    seed,
    anchor: clock.now().getTime(),
  });
  if (state.seed !== seed) {
    log({
      level: 'warn',
      message:
        'sandbox state was created with another seed; PO numbers from before the restart will not resolve',
      context: { stored: state.seed, given: seed },
    });
  }
  const generation = options.poGeneration ?? DEFAULT_PO_GENERATION;
  const vendors = vendorsFrom(options);
  const generator = new PurchaseOrderGenerator({ seed, vendors, anchor: state.anchor, ...generation });
  const book = new PurchaseOrderBook(generator, state);
  const lwa = new LwaAuthority({
    credentials: options.credentials ?? DEFAULT_SANDBOX_CREDENTIALS,
    state,
    clock,
    seed,
  });
  const faults = new FaultInjector(seed, options.faults);
  const officialModels = options.officialModelsDir
    ? OfficialModels.load(options.officialModelsDir)
    : undefined;

  const services: SandboxServices = {
    clock,
    seed,
    state,
    book,
    lwa,
    timings: { ...DEFAULT_TIMINGS, ...options.timings },
    tokenKey: `acorn-amazon-sandbox-paging:${seed}`,
    log,
    async notify(notification) {
      try {
        await options.onNotification?.(notification);
      } catch (error) {
        log({ level: 'error', message: 'onNotification failed', context: { error: String(error) } });
      }
    },
  };

  let sandbox: AmazonSandbox | undefined;
  const server = new SandboxServer({
    routes: [
      ...lwaRoutes(services),
      ...orderRoutes(services),
      ...invoiceRoutes(services),
      ...shipmentRoutes(services),
      ...transactionRoutes(services),
      ...dfInventoryRoutes(services),
      ...controlRoutes(() => sandbox!),
    ],
    clock,
    lwa,
    faults,
    ...(options.rateLimits === false ? {} : { limiter: new TokenBucketLimiter() }),
    ...(officialModels ? { officialModels } : {}),
    log,
  });
  const host = options.host ?? '127.0.0.1';
  const port = await server.listen(options.port ?? 0, host);
  const now = () => clock.now().getTime();
  let closing: Promise<void> | undefined;

  sandbox = {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () => {
      closing ??= server.close();
      return closing;
    },
    faults: () => faults.faults,
    setFaults: (next) => faults.set(next),
    requestLog: () => server.requestLog(),
    stats: () => server.stats(),
    purchaseOrders() {
      const at = now();
      return book.createdBetween(book.firstCreatedAt, at, at).map((record) => book.view(record, at).order);
    },
    purchaseOrder(purchaseOrderNumber) {
      const record = book.find(purchaseOrderNumber, now());
      return record ? book.view(record, now()).order : undefined;
    },
    purchaseOrderStatus(purchaseOrderNumber) {
      const record = book.find(purchaseOrderNumber, now());
      return record ? book.status(book.view(record, now())) : undefined;
    },
    transactions: () =>
      state.transactions.map((record) => ({
        ...transactionAt(record, now()),
        operation: record.operation,
        submittedAt: new Date(record.submittedAt).toISOString(),
      })),
    acknowledgements: () => state.acknowledgements,
    invoices: () => state.invoices,
    shipmentConfirmations: () => state.shipments,
    injectPurchaseOrder(order, opts = {}) {
      const details = order.orderDetails;
      if (!details) throw new Error('An injected purchase order needs its orderDetails');
      const country = details.shipToParty?.address?.countryCode ?? details.billToParty?.address?.countryCode;
      const marketplace = opts.marketplace ?? (country ? findMarketplace(country)?.code : undefined);
      state.putPurchaseOrder({
        order,
        createdAt: Date.parse(details.purchaseOrderDate),
        vendorCode: details.sellingParty?.partyId ?? vendors[0]!.vendorCode,
        ...(marketplace ? { marketplace } : {}),
      });
      return order;
    },
    credentials: () => lwa.credentials,
    vendorFiles: (asOf) => vendorFiles({ generator, vendors, seed, asOf }),
    async announceClientSecretExpiry() {
      const notification = lwa.expiryNotice(lwa.credentials.clientId);
      await services.notify(notification);
      return notification;
    },
  };
  log({
    level: 'info',
    message: 'Amazon sandbox listening',
    context: { url: sandbox.url, seed, anchor: new Date(state.anchor).toISOString() },
  });
  return sandbox;
}
