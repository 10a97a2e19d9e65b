import * as z from 'zod';
import { automationModuleSchema } from '../../config/runtime.ts';
import { purchaseOrderSchema } from '../../sp-api/schemas/orders.ts';
import { describeIssues } from '../../validation.ts';
import { auditActorSchema, auditEventSchema } from '../audit.ts';
import { creditMemoRecordSchema } from '../credit-memos/credit-memo.ts';
import { type AllocationRules, allocate, inventoryRecordSchema } from '../inventory/allocation.ts';
import { invoiceRecordSchema } from '../invoices/invoice-record.ts';
import { type Decimal, formatDecimal, multiplyMoney, parseDecimal, parseMoney, sumMoney } from '../money.ts';
import { outboxArchiveKey, outboxStateSchema } from '../outbox.ts';
import { deductionKindOf, LINE_KINDS } from '../payments/deductions.ts';
import { marketplaceOf } from '../purchase-orders/acknowledgement-record.ts';
import {
  DATASETS,
  type DatasetDefinition,
  type DatasetName,
  DECIMAL_PRECISION,
  DECIMAL_SCALE,
} from './datasets.ts';
import { dayOf, type Partition } from './layout.ts';

/**
 * From the table's items to dataset rows, pure. Each mapper takes one item as the table holds it
 * (plain attributes, JSON documents as text), checks it against its schema and the dataset's
 * columns, and answers either the rows or the reason it does not fit — never throws, so a bad
 * record goes to quarantine instead of stopping the export or vanishing.
 */

/** A value as the mappers produce it: timestamps as ISO strings, decimals as decimal strings. */
export type RowValue = string | number | boolean | null;
/** One row as mapped: every column of its dataset. */
export type Row = Readonly<Record<string, RowValue>>;

/** A value ready to encode: timestamps as Date, decimals as unscaled bigint at DECIMAL_SCALE. */
export type TypedValue = string | number | bigint | boolean | Date | null;
/** A checked row, ready for the Parquet writer. */
export type TypedRow = Readonly<Record<string, TypedValue>>;

/** A row for one dataset partition. */
export interface DatasetRow {
  readonly dataset: DatasetName;
  readonly partition: Partition;
  readonly row: TypedRow;
}

/** What mapping one source record gives. */
export type MappingResult =
  | { readonly ok: true; readonly rows: readonly DatasetRow[] }
  | { readonly ok: false; readonly dataset: DatasetName; readonly reason: string };

const INT32_MAX = 2 ** 31 - 1;
const DECIMAL_LIMIT = 10n ** BigInt(DECIMAL_PRECISION);

/** Checks one value against its column and converts it for the writer; a string says what is wrong. */
function typed(
  column: DatasetDefinition['columns'][number],
  value: RowValue | undefined,
): TypedValue | { problem: string } {
  if (value === null || value === undefined) {
    return column.required ? { problem: 'required, missing' } : null;
  }
  switch (column.type) {
    case 'string':
      return typeof value === 'string' ? value : { problem: `expected text, got ${typeof value}` };
    case 'boolean':
      return typeof value === 'boolean' ? value : { problem: `expected true or false, got ${typeof value}` };
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= INT32_MAX
        ? value
        : { problem: `expected a 32-bit integer, got ${String(value)}` };
    case 'bigint':
      return typeof value === 'number' && Number.isSafeInteger(value)
        ? BigInt(value)
        : { problem: `expected an integer, got ${String(value)}` };
    case 'timestamp': {
      const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      return Number.isNaN(ms)
        ? { problem: `expected an ISO-8601 instant, got ${String(value)}` }
        : new Date(ms);
    }
    case 'decimal': {
      if (typeof value !== 'string') return { problem: `expected a decimal string, got ${typeof value}` };
      let decimal: Decimal;
      try {
        decimal = parseDecimal(value);
      } catch (error) {
        return { problem: (error as Error).message };
      }
      if (decimal.scale > DECIMAL_SCALE) {
        return { problem: `${value} has more than ${DECIMAL_SCALE} decimal places` };
      }
      const unscaled = decimal.units * 10n ** BigInt(DECIMAL_SCALE - decimal.scale);
      return unscaled >= DECIMAL_LIMIT || unscaled <= -DECIMAL_LIMIT
        ? { problem: `${value} does not fit DECIMAL(${DECIMAL_PRECISION},${DECIMAL_SCALE})` }
        : unscaled;
    }
  }
}

/**
 * Checks a row against its dataset's columns: every column known, required ones present, each
 * value of its type. Answers the typed row or the problems, each with the column's name.
 */
export function checkRow(
  dataset: DatasetDefinition,
  row: Row,
): { ok: true; row: TypedRow } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const out: Record<string, TypedValue> = {};
  const known = new Set(dataset.columns.map((c) => c.name));
  for (const name of Object.keys(row)) {
    if (!known.has(name)) problems.push(`${name}: not a column of ${dataset.name}`);
  }
  for (const column of dataset.columns) {
    const value = typed(column, row[column.name]);
    if (value !== null && typeof value === 'object' && 'problem' in value) {
      problems.push(`${column.name}: ${value.problem}`);
    } else {
      out[column.name] = value;
    }
  }
  return problems.length ? { ok: false, problems } : { ok: true, row: out };
}

/** Checks every row; the first bad one names the record's reason (with the dataset and the row). */
function checked(
  primary: DatasetName,
  rows: readonly { dataset: DatasetName; partition: Partition; row: Row }[],
): MappingResult {
  const out: DatasetRow[] = [];
  for (const [index, { dataset, partition, row }] of rows.entries()) {
    const result = checkRow(DATASETS[dataset], row);
    if (!result.ok) {
      const which = dataset === primary ? dataset : `${dataset} row ${index}`;
      return { ok: false, dataset: primary, reason: `${which}: ${result.problems.join('; ')}` };
    }
    out.push({ dataset, partition, row: result.row });
  }
  return { ok: true, rows: out };
}

function fail(dataset: DatasetName, error: z.ZodError | Error): MappingResult {
  const reason =
    error instanceof z.ZodError
      ? describeIssues(error)
          .map((i) => `${i.path}: ${i.message}`)
          .join('; ')
      : error.message;
  return { ok: false, dataset, reason };
}

/** A JSON document stored as text, parsed. */
function jsonText<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/** Eaches of an Amazon quantity: cases times their size. Undefined when the amount is missing. */
function eaches(quantity: { amount?: number; unitOfMeasure?: string; unitSize?: number } | undefined) {
  if (quantity?.amount === undefined) return undefined;
  return quantity.unitOfMeasure === 'Cases' ? quantity.amount * (quantity.unitSize ?? 1) : quantity.amount;
}

/** An ISO-8601 interval `start--end` (ship and delivery windows) as two instants, or nulls. */
function interval(text: string | undefined): [string | null, string | null] {
  const [start, end] = (text ?? '').split('--');
  const instant = (v: string | undefined) => (v && !Number.isNaN(Date.parse(v)) ? v : null);
  return [instant(start), instant(end)];
}

// ---- purchase orders -----------------------------------------------------------------------

/** A PO item as the table holds it (`PO#<n>` / `PO`). */
const purchaseOrderItemSchema = z.object({
  purchaseOrderNumber: z.string().min(1),
  vendorCode: z.string().min(1),
  version: z.string().min(1),
  storedAt: z.string().min(1),
  document: jsonText(purchaseOrderSchema),
});

/**
 * One stored PO version as a `purchase_orders` row and its `purchase_order_lines` rows, in the
 * marketplace the PO belongs to (`marketplaces`: the vendor code's, from the configuration) and
 * the day of its PO date.
 */
export function purchaseOrderRows(item: unknown, marketplaces: readonly string[]): MappingResult {
  const parsed = purchaseOrderItemSchema.safeParse(item);
  if (!parsed.success) return fail('purchase_orders', parsed.error);
  const { document: order, vendorCode, version, storedAt } = parsed.data;
  const details = order.orderDetails;
  if (!details) {
    return { ok: false, dataset: 'purchase_orders', reason: 'orderDetails: required, missing' };
  }
  let poDay: string;
  try {
    poDay = dayOf(details.purchaseOrderDate);
  } catch (error) {
    return fail('purchase_orders', error as Error);
  }
  const partition = { marketplace: marketplaceOf(order, marketplaces), dt: poDay };

  let total: { amount: string; currency: string } | null = null;
  try {
    const costs = details.items.map((line) => {
      const each = eaches(line.orderedQuantity);
      const { amount, currencyCode } = line.netCost ?? {};
      return amount !== undefined && currencyCode && each !== undefined
        ? multiplyMoney(parseMoney(amount, currencyCode), each)
        : undefined;
    });
    const currency = costs[0]?.currency;
    if (currency && costs.every((c) => c?.currency === currency)) {
      const sum = sumMoney(
        costs.filter((c) => c !== undefined),
        currency,
      );
      total = { amount: formatDecimal(sum), currency };
    }
  } catch (error) {
    return fail('purchase_orders', error as Error);
  }

  const [shipStart, shipEnd] = interval(details.shipWindow);
  const [deliveryStart, deliveryEnd] = interval(details.deliveryWindow);
  const lineEaches = details.items.map((line) => eaches(line.orderedQuantity));
  const orderedEaches = lineEaches.every((e) => e !== undefined)
    ? lineEaches.reduce((sum, e) => sum + e, 0)
    : null;
  const header: Row = {
    purchase_order_number: order.purchaseOrderNumber,
    vendor_code: vendorCode,
    po_version: version,
    purchase_order_state: order.purchaseOrderState,
    purchase_order_type: details.purchaseOrderType ?? null,
    purchase_order_date: details.purchaseOrderDate,
    purchase_order_changed_date: details.purchaseOrderChangedDate ?? null,
    state_changed_date: details.purchaseOrderStateChangedDate ?? null,
    payment_method: details.paymentMethod ?? null,
    deal_code: details.dealCode ?? null,
    buying_party_id: details.buyingParty?.partyId ?? null,
    selling_party_id: details.sellingParty?.partyId ?? null,
    // The fulfilment centre's code and country only: Amazon's FCs, yet no address goes in (rule 13).
    ship_to_party_id: details.shipToParty?.partyId ?? null,
    ship_to_country: details.shipToParty?.address?.countryCode ?? null,
    bill_to_party_id: details.billToParty?.partyId ?? null,
    ship_window_start: shipStart,
    ship_window_end: shipEnd,
    delivery_window_start: deliveryStart,
    delivery_window_end: deliveryEnd,
    line_count: details.items.length,
    ordered_eaches: orderedEaches,
    net_cost_currency: total?.currency ?? null,
    total_net_cost: total?.amount ?? null,
    archived_at: storedAt,
  };
  const lines = details.items.map((line) => ({
    dataset: 'purchase_order_lines' as const,
    partition,
    row: {
      purchase_order_number: order.purchaseOrderNumber,
      vendor_code: vendorCode,
      po_version: version,
      item_sequence_number: line.itemSequenceNumber,
      asin: line.amazonProductIdentifier ?? null,
      vendor_sku: line.vendorProductIdentifier ?? null,
      ordered_quantity: line.orderedQuantity.amount ?? null,
      unit_of_measure: line.orderedQuantity.unitOfMeasure ?? null,
      unit_size: line.orderedQuantity.unitSize ?? null,
      ordered_eaches: eaches(line.orderedQuantity) ?? null,
      is_back_order_allowed: line.isBackOrderAllowed,
      net_cost: line.netCost?.amount ?? null,
      net_cost_currency: line.netCost?.currencyCode ?? null,
      list_price: line.listPrice?.amount ?? null,
      list_price_currency: line.listPrice?.currencyCode ?? null,
      archived_at: storedAt,
    } satisfies Row,
  }));
  return checked('purchase_orders', [{ dataset: 'purchase_orders', partition, row: header }, ...lines]);
}

// ---- acknowledgements ----------------------------------------------------------------------

const quantitySchema = z.looseObject({
  amount: z.number().int(),
  unitOfMeasure: z.string().optional(),
  unitSize: z.number().int().optional(),
});
const itemAcknowledgementSchema = z.looseObject({
  acknowledgementCode: z.enum(['Accepted', 'Backordered', 'Rejected']),
  acknowledgedQuantity: quantitySchema,
  scheduledShipDate: z.string().optional(),
  rejectionReason: z.string().optional(),
});
const lineRecordSchema = z.looseObject({
  itemSequenceNumber: z.string(),
  sku: z.string().optional(),
  outcome: z.enum(['decided', 'review']),
  ruleId: z.string(),
  reason: z.string(),
  itemAcknowledgements: z.array(itemAcknowledgementSchema).optional(),
  decidedBy: auditActorSchema,
  decidedAt: z.string(),
});
/** The acknowledgement record (shared/domain/purchase-orders/acknowledgement-record.ts), as archived. */
const acknowledgementRecordSchema = z.looseObject({
  purchaseOrderNumber: z.string().min(1),
  vendorCode: z.string().min(1),
  marketplace: z.string().min(1),
  purchaseOrderDate: z.string(),
  deadline: z.string(),
  state: z.string(),
  revision: z.number().int(),
  lines: z.array(lineRecordSchema),
  messageKey: z.string().optional(),
  transactionId: z.string().optional(),
  submittedAt: z.string().optional(),
  errors: z.array(z.looseObject({ code: z.string() })).optional(),
  updatedAt: z.string(),
});
const acknowledgementItemSchema = z.object({ document: jsonText(acknowledgementRecordSchema) });

type ItemAcknowledgement = z.infer<typeof itemAcknowledgementSchema>;

function acknowledged(parts: readonly ItemAcknowledgement[] | undefined, code: string): number | null {
  if (!parts) return null;
  return parts
    .filter((p) => p.acknowledgementCode === code)
    .reduce((sum, p) => sum + (eaches(p.acknowledgedQuantity) ?? 0), 0);
}

/** One revision of a PO's acknowledgement record as an `acknowledgements` row and its line rows. */
export function acknowledgementRows(item: unknown): MappingResult {
  const parsed = acknowledgementItemSchema.safeParse(item);
  if (!parsed.success) return fail('acknowledgements', parsed.error);
  const record = parsed.data.document;
  let partition: Partition;
  try {
    partition = { marketplace: record.marketplace, dt: dayOf(record.purchaseOrderDate) };
  } catch (error) {
    return fail('acknowledgements', error as Error);
  }
  const header: Row = {
    purchase_order_number: record.purchaseOrderNumber,
    vendor_code: record.vendorCode,
    revision: record.revision,
    state: record.state,
    purchase_order_date: record.purchaseOrderDate,
    deadline: record.deadline,
    message_key: record.messageKey ?? null,
    transaction_id: record.transactionId ?? null,
    submitted_at: record.submittedAt ?? null,
    error_codes: record.errors?.length ? record.errors.map((e) => e.code).join(',') : null,
    line_count: record.lines.length,
    lines_in_review: record.lines.filter((l) => l.outcome === 'review').length,
    updated_at: record.updatedAt,
  };
  const lines = record.lines.map((line) => {
    const parts = line.outcome === 'decided' ? line.itemAcknowledgements : undefined;
    const promised = parts?.find((p) => p.acknowledgementCode !== 'Rejected' && p.scheduledShipDate);
    return {
      dataset: 'acknowledgement_lines' as const,
      partition,
      row: {
        purchase_order_number: record.purchaseOrderNumber,
        vendor_code: record.vendorCode,
        revision: record.revision,
        item_sequence_number: line.itemSequenceNumber,
        sku: line.sku ?? null,
        outcome: line.outcome,
        rule_id: line.ruleId,
        reason: line.reason,
        decided_by_type: line.decidedBy.type,
        // The pseudonymous id only: a person's display name stays out of the archive (rule 13).
        decided_by_id: line.decidedBy.id,
        decided_at: line.decidedAt,
        accepted_eaches: acknowledged(parts, 'Accepted'),
        backordered_eaches: acknowledged(parts, 'Backordered'),
        rejected_eaches: acknowledged(parts, 'Rejected'),
        rejection_reason: parts?.find((p) => p.rejectionReason)?.rejectionReason ?? null,
        scheduled_ship_date: promised?.scheduledShipDate ?? null,
        updated_at: record.updatedAt,
      } satisfies Row,
    };
  });
  return checked('acknowledgements', [{ dataset: 'acknowledgements', partition, row: header }, ...lines]);
}

// ---- audit events --------------------------------------------------------------------------

const auditItemSchema = z.object({ event: jsonText(auditEventSchema) });

/** One audit event as an `audit_events` row, without the actor's display name (rule 13). */
export function auditEventRows(item: unknown): MappingResult {
  const parsed = auditItemSchema.safeParse(item);
  if (!parsed.success) return fail('audit_events', parsed.error);
  const event = parsed.data.event;
  return checked('audit_events', [
    {
      dataset: 'audit_events',
      partition: { dt: dayOf(event.at) },
      row: {
        event_id: event.id,
        occurred_at: event.at,
        actor_type: event.actor.type,
        actor_id: event.actor.id,
        action: event.action,
        entity_type: event.entity.type,
        entity_id: event.entity.id,
        reason: event.reason,
        module: event.module ?? null,
        before_json: event.before ? JSON.stringify(event.before) : null,
        after_json: event.after ? JSON.stringify(event.after) : null,
      },
    },
  ]);
}

// ---- outbox messages -----------------------------------------------------------------------

/** An outbox item (`OUTBOX#<key>` / `OUTBOX`) with its plain attributes. */
const outboxItemSchema = z.object({
  key: z.string().min(1),
  module: automationModuleSchema,
  operation: z.string().min(1),
  target: z.string().min(1),
  subjectType: z.string().min(1),
  subjectId: z.string().min(1),
  payload: z.string(),
  requestedBy: jsonText(auditActorSchema),
  state: outboxStateSchema,
  attempts: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastError: jsonText(
    z.looseObject({ message: z.string(), code: z.string().optional(), status: z.number().optional() }),
  ).optional(),
  result: z.string().optional(),
  resolution: z.string().optional(),
});

/**
 * One settled outbox message as an `outbox_messages` row: its outcome and where its exact payload
 * is archived, not the payload itself. `sha256` digests the payload (the caller has the hash).
 */
export function outboxMessageRows(item: unknown, sha256: (text: string) => string): MappingResult {
  const parsed = outboxItemSchema.safeParse(item);
  if (!parsed.success) return fail('outbox_messages', parsed.error);
  const m = parsed.data;
  let dt: string;
  let documentKey: string;
  try {
    dt = dayOf(m.updatedAt);
    documentKey = outboxArchiveKey(m);
  } catch (error) {
    return fail('outbox_messages', error as Error);
  }
  return checked('outbox_messages', [
    {
      dataset: 'outbox_messages',
      partition: { dt },
      row: {
        message_key: m.key,
        module: m.module,
        operation: m.operation,
        target: m.target,
        subject_type: m.subjectType,
        subject_id: m.subjectId,
        state: m.state,
        attempts: m.attempts,
        created_at: m.createdAt,
        settled_at: m.updatedAt,
        requested_by_type: m.requestedBy.type,
        requested_by_id: m.requestedBy.id,
        payload_bytes: new TextEncoder().encode(m.payload).length,
        payload_sha256: sha256(m.payload),
        document_key: documentKey,
        error_code: m.lastError?.code ?? null,
        error_message: m.lastError?.message ?? null,
        http_status: m.lastError?.status ?? null,
        result_json: m.result ?? null,
        resolution: m.resolution ?? null,
      },
    },
  ]);
}

// ---- payments ------------------------------------------------------------------------------

const decimalText = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal');

/** A remittance line as the payments module stores it (`PAYMENT#<invoice>` / `LINE#<id>`). */
const remittanceLineItemSchema = z.object({
  document: jsonText(
    z.object({
      lineId: z.string().min(1),
      vendorCode: z.string().min(1),
      marketplace: z.string().length(2),
      file: z.string().min(1),
      row: z.number().int(),
      paymentNumber: z.string().min(1),
      paymentDate: z.string().min(1),
      number: z.string().min(1),
      kind: z.enum(LINE_KINDS),
      rule: z.string(),
      invoiceNumber: z.string().optional(),
      matched: z.boolean(),
      purchaseOrderNumbers: z.array(z.string()),
      transactionType: z.string().optional(),
      description: z.string().optional(),
      currency: z.string().length(3),
      invoiceAmount: decimalText,
      amountPaid: decimalText,
      withholdingAmount: decimalText,
      termsDiscount: decimalText,
      importedAt: z.string().min(1),
    }),
  ),
});

/** One imported remittance line as a `remittance_lines` row, in its marketplace and payment day. */
export function remittanceLineRows(item: unknown): MappingResult {
  const parsed = remittanceLineItemSchema.safeParse(item);
  if (!parsed.success) return fail('remittance_lines', parsed.error);
  const l = parsed.data.document;
  let partition: Partition;
  try {
    partition = { marketplace: l.marketplace, dt: dayOf(`${l.paymentDate.slice(0, 10)}T00:00:00Z`) };
  } catch (error) {
    return fail('remittance_lines', error as Error);
  }
  return checked('remittance_lines', [
    {
      dataset: 'remittance_lines',
      partition,
      row: {
        line_id: l.lineId,
        vendor_code: l.vendorCode,
        payment_number: l.paymentNumber,
        payment_date: `${l.paymentDate.slice(0, 10)}T00:00:00Z`,
        line_number: l.number,
        kind: l.kind,
        deduction_kind: deductionKindOf(l.kind) ?? null,
        rule: l.rule,
        invoice_number: l.invoiceNumber ?? null,
        matched: l.matched,
        purchase_order_numbers: l.purchaseOrderNumbers.length ? l.purchaseOrderNumbers.join(',') : null,
        transaction_type: l.transactionType ?? null,
        description: l.description ?? null,
        currency: l.currency,
        invoice_amount: l.invoiceAmount,
        amount_paid: l.amountPaid,
        withholding_amount: l.withholdingAmount,
        terms_discount: l.termsDiscount,
        source_file: l.file,
        source_row: l.row,
        imported_at: l.importedAt,
      },
    },
  ]);
}

/** An invoice's reconciliation record (`PAYMENT#<invoice>` / `RECONCILIATION`). */
const reconciliationItemSchema = z.object({
  updatedAt: z.string().min(1),
  document: jsonText(
    z.object({
      invoiceNumber: z.string().min(1),
      vendorCode: z.string().min(1),
      marketplace: z.string().length(2),
      currency: z.string().length(3),
      billed: decimalText,
      invoiceDate: z.string().min(1),
      dueDate: z.string().min(1),
      purchaseOrderNumbers: z.array(z.string()),
      paid: decimalText,
      paymentReceived: z.boolean(),
      deducted: z.record(z.string(), decimalText),
      deductedTotal: decimalText,
      open: decimalText,
      status: z.enum(['unpaid', 'short-paid', 'settled', 'overpaid']),
      payments: z.array(z.string()),
      lastPaymentDate: z.string().optional(),
      appliedLines: z.array(z.string()),
    }),
  ),
});

const dayStart = (date: string) => `${date.slice(0, 10)}T00:00:00Z`;

/** One written state of an invoice's reconciliation as a `reconciliation` row, on the day it changed. */
export function reconciliationRows(item: unknown): MappingResult {
  const parsed = reconciliationItemSchema.safeParse(item);
  if (!parsed.success) return fail('reconciliation', parsed.error);
  const { updatedAt, document: r } = parsed.data;
  let partition: Partition;
  try {
    partition = { marketplace: r.marketplace, dt: dayOf(updatedAt) };
  } catch (error) {
    return fail('reconciliation', error as Error);
  }
  return checked('reconciliation', [
    {
      dataset: 'reconciliation',
      partition,
      row: {
        invoice_number: r.invoiceNumber,
        vendor_code: r.vendorCode,
        currency: r.currency,
        billed: r.billed,
        invoice_date: dayStart(r.invoiceDate),
        due_date: dayStart(r.dueDate),
        purchase_order_numbers: r.purchaseOrderNumbers.length ? r.purchaseOrderNumbers.join(',') : null,
        paid: r.paid,
        payment_received: r.paymentReceived,
        deducted_total: r.deductedTotal,
        deducted_json: JSON.stringify(r.deducted),
        open_amount: r.open,
        status: r.status,
        payment_numbers: r.payments.length ? r.payments.join(',') : null,
        last_payment_date: r.lastPaymentDate ? dayStart(r.lastPaymentDate) : null,
        line_count: r.appliedLines.length,
        updated_at: updatedAt,
      },
    },
  ]);
}

// ---- credit memos --------------------------------------------------------------------------

/** A credit memo as the credit-memo capability stores it (`CREDITMEMO#<memoId>` / `CREDITMEMO`). */
const creditMemoItemSchema = z.object({ document: jsonText(creditMemoRecordSchema) });

/**
 * One revision of a credit memo as a `credit_memos` row and its `credit_memo_lines` rows, in the
 * request's marketplace and the day the memo was claimed. References, amounts and pseudonymous
 * facts only (rule 13): no decider, note, description or return reason goes in.
 */
export function creditMemoRows(item: unknown): MappingResult {
  const parsed = creditMemoItemSchema.safeParse(item);
  if (!parsed.success) return fail('credit_memos', parsed.error);
  const memo = parsed.data.document;
  const { request } = memo;
  const detail = request.detail;
  let partition: Partition;
  try {
    partition = { marketplace: detail.marketplace, dt: dayOf(memo.createdAt) };
  } catch (error) {
    return fail('credit_memos', error as Error);
  }
  const isReturn = request.kind === 'return';
  const header: Row = {
    memo_id: memo.memoId,
    vendor_code: detail.vendorCode,
    revision: memo.revision,
    state: memo.state,
    kind: request.kind,
    claim_kind: isReturn ? null : request.detail.kind,
    source: detail.source,
    source_reference: isReturn ? request.detail.returnReference : request.detail.debitNoteNumber,
    source_at: isReturn ? request.detail.returnDate : request.detail.requestedAt,
    created_at: memo.createdAt,
    respond_by: memo.respondBy,
    currency: detail.currency,
    requested_amount: isReturn ? null : request.detail.amount,
    net_amount: memo.totals?.net ?? null,
    tax_amount: memo.totals?.tax ?? null,
    total_amount: memo.totals?.total ?? null,
    line_count: memo.lines?.length ?? 0,
    reference_invoice_number: memo.referenceInvoiceNumber ?? null,
    policy_decision: memo.policy?.decision ?? null,
    decision_outcome: memo.decision?.outcome ?? null,
    decided_at: memo.decision?.at ?? null,
    credit_note_number: memo.creditNoteNumber ?? null,
    filing: memo.filing ?? null,
    transaction_id: memo.transactionId ?? null,
    submitted_at: memo.submittedAt ?? null,
    failure_error: memo.failure?.error ?? null,
    updated_at: memo.updatedAt,
  };
  const lines = (memo.lines ?? []).map((line) => ({
    dataset: 'credit_memo_lines' as const,
    partition,
    row: {
      memo_id: memo.memoId,
      vendor_code: detail.vendorCode,
      revision: memo.revision,
      state: memo.state,
      kind: request.kind,
      item_sequence_number: line.itemSequenceNumber,
      asin: line.asin ?? null,
      vendor_sku: line.vendorSku ?? null,
      purchase_order_number: line.purchaseOrderNumber ?? null,
      quantity: line.quantity,
      net_cost: line.netCost,
      line_net: line.lineNet,
      tax_amount: line.taxAmount,
      tax_rate: line.taxRate ?? null,
      currency: detail.currency,
      updated_at: memo.updatedAt,
    } satisfies Row,
  }));
  return checked('credit_memos', [{ dataset: 'credit_memos', partition, row: header }, ...lines]);
}

// ---- invoices ------------------------------------------------------------------------------

/**
 * One revision of an invoice (or credit note) as the invoicing capability stores it
 * (`INVOICE#<number>` / `INVOICE`, plain attributes read through the contract's schema) as an
 * `invoices` row and its `invoice_lines` rows, in the invoice's marketplace and invoice day.
 * Numbers, amounts, party ids and error codes only (rule 13): no address, tax registration or
 * free-text message of Amazon goes in.
 */
export function invoiceRows(item: unknown): MappingResult {
  const parsed = invoiceRecordSchema.safeParse(item);
  if (!parsed.success) return fail('invoices', parsed.error);
  const invoice = parsed.data;
  let partition: Partition;
  let lineNets: string[];
  try {
    partition = { marketplace: invoice.marketplace, dt: dayOf(invoice.invoiceDate) };
    lineNets = invoice.lines.map((line) =>
      formatDecimal(multiplyMoney(parseMoney(line.netCost, invoice.currency), line.quantity)),
    );
  } catch (error) {
    return fail('invoices', error as Error);
  }
  const header: Row = {
    invoice_number: invoice.invoiceNumber,
    invoice_type: invoice.invoiceType,
    vendor_code: invoice.vendorCode,
    revision: invoice.revision,
    state: invoice.state,
    invoice_date: invoice.invoiceDate,
    supply_date: invoice.supplyDate ?? null,
    currency: invoice.currency,
    net_total: invoice.netTotal,
    tax_total: invoice.taxTotal,
    total: invoice.total,
    line_count: invoice.lines.length,
    purchase_order_numbers: invoice.purchaseOrderNumbers.length
      ? invoice.purchaseOrderNumbers.join(',')
      : null,
    shipment_count: invoice.shipments.length,
    reference_invoice_number: invoice.referenceInvoiceNumber ?? null,
    legal_entity: invoice.legalEntity,
    series: invoice.series,
    sequence: invoice.sequence,
    payment_terms_net_days: invoice.paymentTermsNetDays ?? null,
    payment_status: invoice.paymentStatus ?? null,
    payment_status_updated_at: invoice.paymentStatusUpdatedAt ?? null,
    transaction_id: invoice.transactionId ?? null,
    submitted_at: invoice.submittedAt ?? null,
    accepted_at: invoice.acceptedAt ?? null,
    error_codes: invoice.errors?.length ? invoice.errors.map((e) => e.code).join(',') : null,
    created_at: invoice.createdAt,
    updated_at: invoice.updatedAt,
  };
  const lines = invoice.lines.map((line, index) => ({
    dataset: 'invoice_lines' as const,
    partition,
    row: {
      invoice_number: invoice.invoiceNumber,
      invoice_type: invoice.invoiceType,
      vendor_code: invoice.vendorCode,
      revision: invoice.revision,
      state: invoice.state,
      item_sequence_number: line.itemSequenceNumber,
      purchase_order_number: line.purchaseOrderNumber ?? null,
      purchase_order_item_sequence_number: line.purchaseOrderItemSequenceNumber ?? null,
      asin: line.amazonProductIdentifier ?? null,
      vendor_sku: line.vendorProductIdentifier ?? null,
      quantity: line.quantity,
      unit_of_measure: line.unitOfMeasure ?? null,
      unit_size: line.unitSize ?? null,
      net_cost: line.netCost,
      line_net: lineNets[index] ?? null,
      tax_amount: line.taxAmount,
      tax_rate: line.taxRate ?? null,
      currency: invoice.currency,
      updated_at: invoice.updatedAt,
    } satisfies Row,
  }));
  return checked('invoices', [{ dataset: 'invoices', partition, row: header }, ...lines]);
}

// ---- inventory -----------------------------------------------------------------------------

/** A SKU's stock position as the inventory capability stores it (`STOCK#<sku>` / `STOCK`). */
const stockPositionItemSchema = z.object({ record: jsonText(inventoryRecordSchema) });

/**
 * One revision of a SKU's stock position as an `inventory_snapshots` row, on the day it was
 * written. The derived figures are the domain's own allocation (`allocate`) under `rules`, the
 * allocation rules configured when the hour is exported. SKU and location ids only (rule 13): no
 * Shopify item id or lease owner goes in.
 */
export function inventorySnapshotRows(item: unknown, rules: AllocationRules): MappingResult {
  const parsed = stockPositionItemSchema.safeParse(item);
  if (!parsed.success) return fail('inventory_snapshots', parsed.error);
  const record = parsed.data.record;
  if (record.sku === '') {
    return { ok: false, dataset: 'inventory_snapshots', reason: 'record.sku: required, empty' };
  }
  let dt: string;
  try {
    dt = dayOf(record.updatedAt);
  } catch (error) {
    return fail('inventory_snapshots', error as Error);
  }
  const allocation = allocate(record, rules);
  const { shopify } = record;
  return checked('inventory_snapshots', [
    {
      dataset: 'inventory_snapshots',
      partition: { dt },
      row: {
        sku: record.sku,
        revision: record.revision,
        updated_at: record.updatedAt,
        on_hand: allocation.onHand,
        location_count: Object.keys(record.locations).length,
        locations_json: JSON.stringify(record.locations),
        counted_at: allocation.countedAt ?? null,
        safety_stock: allocation.safetyStock,
        amazon_reserved: allocation.amazon.reserved,
        amazon_shipped: allocation.amazon.shipped,
        amazon_po_count: Object.keys(record.amazon).length,
        shopify_committed: allocation.shopify.committed,
        shopify_unseen: allocation.shopify.unseen,
        shopify_exposed: shopify.exposed,
        shopify_raising: shopify.raising ?? null,
        amazon_available: allocation.amazon.available,
        shopify_available: allocation.shopify.target,
        idle: allocation.idle,
        drift: shopify.drift ?? null,
        drift_at: shopify.driftAt ?? null,
        last_sync_at: shopify.lastSyncAt ?? null,
      },
    },
  ]);
}
