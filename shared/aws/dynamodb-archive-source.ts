import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CREDIT_MEMO_STATES } from '../domain/credit-memos/credit-memo.ts';
import { INVOICE_STATES } from '../domain/invoices/invoice-record.ts';
import { isSettled, OUTBOX_STATES } from '../domain/outbox.ts';
import type { AcknowledgementState } from '../domain/purchase-orders/acknowledgement-record.ts';
import type { ArchiveChangeSource, SourceRecord } from '../use-cases/archive/ports.ts';
import { purchaseOrderKeys } from '../use-cases/vendor-ingest/pull-purchase-orders.ts';
import { auditKeys } from './dynamodb-audit.ts';
import { inventoryKeys, STOCK_CHANGE_SHARDS } from './dynamodb-inventory.ts';
import { invoiceKeys } from './dynamodb-invoices.ts';
import { outboxKeys } from './dynamodb-outbox.ts';
import { LINE_SHARDS, paymentKeys } from './dynamodb-payments.ts';
import { keyCondition, queryPages } from './dynamodb-query.ts';

/** Every acknowledgement state: the record sits in gsi1 under its current one. */
const ACKNOWLEDGEMENT_STATES = [
  'review',
  'queued',
  'held',
  'simulated',
  'submitted',
  'accepted',
  'rejected',
  'failed',
  'unknown',
] as const satisfies readonly AcknowledgementState[];
// Fails to compile when a state is added to AcknowledgementState and not here.
const allStates: [Exclude<AcknowledgementState, (typeof ACKNOWLEDGEMENT_STATES)[number]>] extends [never]
  ? true
  : never = true;
void allStates;

const SETTLED_OUTBOX_STATES = OUTBOX_STATES.filter(isSettled);

/** A DynamoDB item as plain values (strings, numbers, booleans, lists, maps). */
function plain(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.L !== undefined) return value.L.map(plain);
  if (value.M !== undefined) return plainItem(value.M);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(Number);
  return undefined;
}

function plainItem(item: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, plain(value)]));
}

/**
 * The changes of one hour, read through indexes whose sort key starts with the time of the change
 * (ISO-8601 UTC), so an hour is the key range `<yyyy-mm-ddThh>` … `<yyyy-mm-ddThh>\uffff`. Query
 * only, every page, never a Scan:
 * - POs: gsi2 `ARCHIVE#PO#<vendorCode>#<day>` / `<storedAt>#<po>`, set on each stored version;
 * - acknowledgement records: gsi1 `ACKSTATE#<state>` / `<updatedAt>#<po>`, one query per state;
 * - outbox messages: gsi1 `OUTBOX#<state>` / `<updatedAt>#<key>` for the settled states;
 * - audit events: gsi1 `AUDIT#<day>` / `<at>#<id>`;
 * - remittance lines: gsi1 `PAYLINES#<vendorCode>#<day>#<shard>` / `<importedAt>#<lineId>`, one
 *   query per shard;
 * - reconciliation records: gsi1 `PAYMENTS#<vendorCode>` / `<updatedAt>#<invoice>`;
 * - credit memos: gsi2 `CMSTATE#<state>` / `<updatedAt>#<memoId>`, one query per state;
 * - invoices: gsi1 `INVSTATE#<state>` / `<updatedAt>#<number>`, one query per state;
 * - stock positions: gsi2 `STOCKCHANGE#<day>#<shard>` / `<updatedAt>#<sku>`, one query per shard.
 */
export class DynamoDbArchiveSource implements ArchiveChangeSource {
  constructor(private readonly deps: { client: DynamoDBClient; tableName: string }) {}

  purchaseOrders(vendorCode: string, hour: string): AsyncIterable<SourceRecord> {
    return this.#hour('gsi2', purchaseOrderKeys.changedPk(vendorCode, hour.slice(0, 10)), hour);
  }

  async *acknowledgements(hour: string): AsyncIterable<SourceRecord> {
    for (const state of ACKNOWLEDGEMENT_STATES) yield* this.#hour('gsi1', `ACKSTATE#${state}`, hour);
  }

  async *settledOutboxMessages(hour: string): AsyncIterable<SourceRecord> {
    for (const state of SETTLED_OUTBOX_STATES) yield* this.#hour('gsi1', outboxKeys.byStatePk(state), hour);
  }

  auditEvents(hour: string): AsyncIterable<SourceRecord> {
    return this.#hour('gsi1', auditKeys.byDayPk(hour.slice(0, 10)), hour);
  }

  async *remittanceLines(vendorCode: string, hour: string): AsyncIterable<SourceRecord> {
    for (let shard = 0; shard < LINE_SHARDS; shard++) {
      yield* this.#hour('gsi1', paymentKeys.linesByDayPk(vendorCode, hour.slice(0, 10), shard), hour);
    }
  }

  reconciliations(vendorCode: string, hour: string): AsyncIterable<SourceRecord> {
    return this.#hour('gsi1', paymentKeys.byVendorPk(vendorCode), hour);
  }

  async *creditMemos(hour: string): AsyncIterable<SourceRecord> {
    for (const state of CREDIT_MEMO_STATES) yield* this.#hour('gsi2', `CMSTATE#${state}`, hour);
  }

  async *invoices(hour: string): AsyncIterable<SourceRecord> {
    for (const state of INVOICE_STATES) yield* this.#hour('gsi1', invoiceKeys.byStatePk(state), hour);
  }

  async *inventorySnapshots(hour: string): AsyncIterable<SourceRecord> {
    for (let shard = 0; shard < STOCK_CHANGE_SHARDS; shard++) {
      yield* this.#hour('gsi2', inventoryKeys.changedPk(hour.slice(0, 10), shard), hour);
    }
  }

  async *#hour(index: 'gsi1' | 'gsi2', pk: string, hour: string): AsyncIterable<SourceRecord> {
    const range = {
      TableName: this.deps.tableName,
      ...keyCondition({ index, pk, between: [hour, `${hour}\uffff`] }),
    };
    for await (const item of queryPages(this.deps.client, range)) {
      yield { source: `${item.pk?.S ?? '?'}|${item.sk?.S ?? '?'}`, item: plainItem(item) };
    }
  }
}
