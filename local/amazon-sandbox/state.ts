/**
 * What the sandbox remembers: everything callers did to it (acknowledgements, invoices, shipment
 * confirmations, transactions, injected POs, rotated client secrets) plus the generator anchor.
 * Purchase orders themselves are not stored; they are regenerated from the seed.
 *
 * With a `stateDir` the state is one JSON file, rewritten atomically (temp file + rename) after
 * every change, so a restarted `npm start` continues where it stopped.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { errorSchema } from '#shared/sp-api/schemas/common.ts';
import { invoiceSchema } from '#shared/sp-api/schemas/invoices.ts';
import { orderAcknowledgementSchema, purchaseOrderSchema } from '#shared/sp-api/schemas/orders.ts';
import { shipmentConfirmationSchema } from '#shared/sp-api/schemas/shipments.ts';
import { transactionStatusValueSchema } from '#shared/sp-api/schemas/transaction-status.ts';
import { parseOrThrow } from '#shared/validation.ts';

/** The asynchronous operations that create a transaction. */
export const submitOperationSchema = z.enum([
  'submitAcknowledgement',
  'submitInvoices',
  'SubmitShipmentConfirmations',
]);
/** What {@link submitOperationSchema} parses to. */
export type SubmitOperation = z.infer<typeof submitOperationSchema>;

const transactionRecordSchema = z.object({
  transactionId: z.string(),
  operation: submitOperationSchema,
  submittedAt: z.number(),
  /** When Amazon "finishes processing": before it the status is Processing whatever the outcome. */
  decidedAt: z.number(),
  /** Status from decidedAt on; Processing means accepted for acknowledgements and invoices. */
  outcome: transactionStatusValueSchema,
  errors: z.array(errorSchema),
});

const submittedShape = {
  transactionId: z.string(),
  receivedAt: z.number(),
  decidedAt: z.number(),
  /** False when the transaction failed: the document had no effect. */
  accepted: z.boolean(),
};

const acknowledgementRecordSchema = z.object({
  ...submittedShape,
  acknowledgement: orderAcknowledgementSchema,
});
const invoiceRecordSchema = z.object({
  ...submittedShape,
  invoice: invoiceSchema,
  /** ISO country the sandbox attributed the invoice to (decides whether a CreditNote is allowed). */
  country: z.string().optional(),
});
const shipmentRecordSchema = z.object({ ...submittedShape, confirmation: shipmentConfirmationSchema });
const injectedPurchaseOrderSchema = z.object({
  order: purchaseOrderSchema,
  createdAt: z.number(),
  vendorCode: z.string(),
  marketplace: z.string().optional(),
});
const clientSecretSchema = z.object({
  value: z.string(),
  createdAt: z.number(),
  /** Absent: does not expire. */
  expiresAt: z.number().optional(),
});

/** One Direct Fulfillment inventory update as received, per warehouse. */
const dfInventoryUpdateRecordSchema = z.object({
  transactionId: z.string(),
  warehouseId: z.string(),
  receivedAt: z.number(),
  body: z.unknown(),
});

const stateFileSchema = z.object({
  version: z.literal(1),
  seed: z.number(),
  anchor: z.number(),
  sequence: z.number().int().nonnegative(),
  purchaseOrders: z.array(injectedPurchaseOrderSchema),
  acknowledgements: z.array(acknowledgementRecordSchema),
  invoices: z.array(invoiceRecordSchema),
  shipments: z.array(shipmentRecordSchema),
  transactions: z.array(transactionRecordSchema),
  clientSecrets: z.record(z.string(), z.array(clientSecretSchema)),
  /** Absent in state files written before DF inventory updates were served. */
  dfInventoryUpdates: z.array(dfInventoryUpdateRecordSchema).default([]),
});

/** What {@link transactionRecordSchema} parses to. */
export type TransactionRecord = z.infer<typeof transactionRecordSchema>;
/** What {@link acknowledgementRecordSchema} parses to. */
export type AcknowledgementRecord = z.infer<typeof acknowledgementRecordSchema>;
/** What {@link invoiceRecordSchema} parses to. */
export type InvoiceRecord = z.infer<typeof invoiceRecordSchema>;
/** What {@link shipmentRecordSchema} parses to. */
export type ShipmentRecord = z.infer<typeof shipmentRecordSchema>;
/** What {@link injectedPurchaseOrderSchema} parses to. */
export type InjectedPurchaseOrder = z.infer<typeof injectedPurchaseOrderSchema>;
/** What {@link clientSecretSchema} parses to. */
export type ClientSecretRecord = z.infer<typeof clientSecretSchema>;
/** What {@link dfInventoryUpdateRecordSchema} parses to. */
export type DfInventoryUpdateRecord = z.infer<typeof dfInventoryUpdateRecordSchema>;
type StateFile = z.infer<typeof stateFileSchema>;

const STATE_FILE = 'amazon-sandbox.json';

/** The sandbox's memory, optionally backed by a JSON file. */
export class SandboxState {
  readonly #file: string | undefined;
  readonly #data: StateFile;

  private constructor(file: string | undefined, data: StateFile) {
    this.#file = file;
    this.#data = data;
  }

  /**
   * Opens the state in `stateDir` (creating it), or an in-memory state without one. A new state
   * takes `anchor` as the generator anchor; an existing one keeps its own, so the PO stream
   * (and every PO number handed out before) is unchanged after a restart.
   */
  static open(opts: { stateDir?: string; seed: number; anchor: number }): SandboxState {
    const fresh: StateFile = {
      version: 1,
      seed: opts.seed,
      anchor: opts.anchor,
      sequence: 0,
      purchaseOrders: [],
      acknowledgements: [],
      invoices: [],
      shipments: [],
      transactions: [],
      clientSecrets: {},
      dfInventoryUpdates: [],
    };
    if (!opts.stateDir) return new SandboxState(undefined, fresh);
    mkdirSync(opts.stateDir, { recursive: true });
    const file = join(opts.stateDir, STATE_FILE);
    let text: string | undefined;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text === undefined) {
      const state = new SandboxState(file, fresh);
      state.#save();
      return state;
    }
    const data = parseOrThrow(stateFileSchema, JSON.parse(text), `Amazon sandbox state ${file}`);
    return new SandboxState(file, data);
  }

  /** Seed the stored stream was generated with. */
  get seed(): number {
    return this.#data.seed;
  }

  /** Generator anchor (epoch ms). */
  get anchor(): number {
    return this.#data.anchor;
  }

  /** A number never handed out before, for deterministic identifiers. */
  nextSequence(): number {
    this.#data.sequence += 1;
    this.#save();
    return this.#data.sequence;
  }

  /** Transactions, oldest first. */
  get transactions(): readonly TransactionRecord[] {
    return this.#data.transactions;
  }

  /** Acknowledgements received (accepted or not), oldest first. */
  get acknowledgements(): readonly AcknowledgementRecord[] {
    return this.#data.acknowledgements;
  }

  /** Invoices and credit notes received, oldest first. */
  get invoices(): readonly InvoiceRecord[] {
    return this.#data.invoices;
  }

  /** Shipment confirmations received, oldest first. */
  get shipments(): readonly ShipmentRecord[] {
    return this.#data.shipments;
  }

  /** Direct Fulfillment inventory updates received, oldest first. */
  get dfInventoryUpdates(): readonly DfInventoryUpdateRecord[] {
    return this.#data.dfInventoryUpdates;
  }

  /** Records a received DF inventory update. */
  recordDfInventoryUpdate(update: DfInventoryUpdateRecord): void {
    this.#data.dfInventoryUpdates.push(update);
    this.#save();
  }

  /** Purchase orders injected through the control API. */
  get injectedPurchaseOrders(): readonly InjectedPurchaseOrder[] {
    return this.#data.purchaseOrders;
  }

  /** Client secrets per client id, newest last. */
  clientSecrets(clientId: string): readonly ClientSecretRecord[] {
    return this.#data.clientSecrets[clientId] ?? [];
  }

  /** Records one submission: its transaction and the documents it carried, in one write. */
  recordSubmission(submission: {
    transaction: TransactionRecord;
    acknowledgements?: AcknowledgementRecord[];
    invoices?: InvoiceRecord[];
    shipments?: ShipmentRecord[];
  }): void {
    this.#data.transactions.push(submission.transaction);
    this.#data.acknowledgements.push(...(submission.acknowledgements ?? []));
    this.#data.invoices.push(...(submission.invoices ?? []));
    this.#data.shipments.push(...(submission.shipments ?? []));
    this.#save();
  }

  /** Adds (or replaces, by number) an injected purchase order. */
  putPurchaseOrder(po: InjectedPurchaseOrder): void {
    const list = this.#data.purchaseOrders;
    const index = list.findIndex((p) => p.order.purchaseOrderNumber === po.order.purchaseOrderNumber);
    if (index >= 0) list[index] = po;
    else list.push(po);
    this.#save();
  }

  /** Replaces the secrets of a client id. */
  setClientSecrets(clientId: string, secrets: ClientSecretRecord[]): void {
    this.#data.clientSecrets[clientId] = secrets;
    this.#save();
  }

  #save(): void {
    if (!this.#file) return;
    const temp = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(this.#data));
    renameSync(temp, this.#file);
  }
}
