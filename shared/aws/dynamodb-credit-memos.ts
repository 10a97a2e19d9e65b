import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { type ApprovalRecord, approvalRecordSchema } from '../domain/approvals/approval.ts';
import {
  type CreditMemoRecord,
  type CreditMemoState,
  creditMemoRecordSchema,
  type OriginalInvoice,
} from '../domain/credit-memos/credit-memo.ts';
import type {
  ApprovalStore,
  CreditMemoStore,
  InvoiceLookup,
  Page,
  ReturnStatusStore,
} from '../use-cases/credit-memos/ports.ts';
import { keyCondition, queryItems } from './dynamodb-query.ts';

/**
 * The credit-memo capability on the single table. Every write is one conditional PutItem or
 * UpdateItem (ARCHITECTURE rule 9); listings query an index, never scan.
 *
 * | item | pk / sk | gsi1 | gsi2 |
 * |---|---|---|---|
 * | memo | `CREDITMEMO#<memoId>` / `CREDITMEMO` | `CREDITMEMOS` / `<createdAt>#<memoId>` | `CMSTATE#<state>` / `<updatedAt>#<memoId>` |
 * | filing task token | `CREDITMEMO#<memoId>` / `FILINGTOKEN` | | |
 * | approval | `APPROVAL#<approvalId>` / `APPROVAL` | `APPROVALS#<state>` / `<expiresAt>#<approvalId>` | |
 * | return status | `RETURN#<vendor>#<reference>` / `STATUS` | | |
 *
 * The invoice is read, never written, in the invoicing capability's shape: `INVOICE#<number>` /
 * `INVOICE`, and the PO's pointer `PO#<po>` / `INVOICE#<number>`.
 */

interface Table {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

const s = (value: string): AttributeValue => ({ S: value });

function parseDocument<T>(
  item: Record<string, AttributeValue> | undefined,
  schema: z.ZodType<T>,
): T | undefined {
  const text = item?.document?.S;
  if (!text) return undefined;
  return schema.parse(JSON.parse(text));
}

function cursorOf(key: Record<string, AttributeValue> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

const cursorSchema = z.record(z.string(), z.object({ S: z.string() }));
function startKeyOf(cursor: string | undefined): Record<string, AttributeValue> | undefined {
  if (!cursor) return undefined;
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    return undefined;
  }
}

async function conditional(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

export class DynamoDbCreditMemoStore implements CreditMemoStore {
  constructor(private readonly table: Table) {}

  #item(record: CreditMemoRecord): Record<string, AttributeValue> {
    return {
      pk: s(`CREDITMEMO#${record.memoId}`),
      sk: s('CREDITMEMO'),
      type: s('CreditMemo'),
      sourceKey: s(record.sourceKey),
      state: s(record.state),
      revision: { N: String(record.revision) },
      gsi1pk: s('CREDITMEMOS'),
      gsi1sk: s(`${record.createdAt}#${record.memoId}`),
      gsi2pk: s(`CMSTATE#${record.state}`),
      gsi2sk: s(`${record.updatedAt}#${record.memoId}`),
      document: s(JSON.stringify(record)),
    };
  }

  async claim(record: CreditMemoRecord): Promise<'claimed' | 'duplicate'> {
    const ok = await conditional(() =>
      this.table.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: this.#item(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    return ok ? 'claimed' : 'duplicate';
  }

  async get(memoId: string): Promise<CreditMemoRecord | undefined> {
    const res = await this.table.client.send(
      new GetItemCommand({
        TableName: this.table.tableName,
        Key: { pk: s(`CREDITMEMO#${memoId}`), sk: s('CREDITMEMO') },
        ConsistentRead: true,
      }),
    );
    return parseDocument(res.Item, creditMemoRecordSchema);
  }

  update(next: CreditMemoRecord, revision: number): Promise<boolean> {
    return conditional(() =>
      this.table.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: this.#item(next),
          ConditionExpression: 'revision = :r',
          ExpressionAttributeValues: { ':r': { N: String(revision) } },
        }),
      ),
    );
  }

  async saveFilingToken(memoId: string, taskToken: string): Promise<void> {
    await this.table.client.send(
      new PutItemCommand({
        TableName: this.table.tableName,
        Item: { pk: s(`CREDITMEMO#${memoId}`), sk: s('FILINGTOKEN'), taskToken: s(taskToken) },
      }),
    );
  }

  async filingToken(memoId: string): Promise<string | undefined> {
    const res = await this.table.client.send(
      new GetItemCommand({
        TableName: this.table.tableName,
        Key: { pk: s(`CREDITMEMO#${memoId}`), sk: s('FILINGTOKEN') },
        ConsistentRead: true,
      }),
    );
    return res.Item?.taskToken?.S;
  }

  /** Memos in a state changed after `since`, oldest change first (gsi2's time range, never a scan). */
  async changedSince(state: CreditMemoState, since: Date, limit: number): Promise<CreditMemoRecord[]> {
    const items = await queryItems(
      this.table.client,
      {
        TableName: this.table.tableName,
        ...keyCondition({ index: 'gsi2', pk: `CMSTATE#${state}`, above: since.toISOString() }),
      },
      limit,
    );
    return items.flatMap((item) => {
      const record = parseDocument(item, creditMemoRecordSchema);
      return record ? [record] : [];
    });
  }

  async list(options: {
    state?: CreditMemoState;
    limit: number;
    cursor?: string;
  }): Promise<Page<CreditMemoRecord>> {
    const index = options.state ? 'gsi2' : 'gsi1';
    const res = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        IndexName: index,
        KeyConditionExpression: `${index}pk = :pk`,
        ExpressionAttributeValues: { ':pk': s(options.state ? `CMSTATE#${options.state}` : 'CREDITMEMOS') },
        ScanIndexForward: false,
        Limit: options.limit,
        ExclusiveStartKey: startKeyOf(options.cursor),
      }),
    );
    const items = (res.Items ?? []).flatMap((item) => {
      const record = parseDocument(item, creditMemoRecordSchema);
      return record ? [record] : [];
    });
    const cursor = cursorOf(res.LastEvaluatedKey);
    return { items, ...(cursor ? { cursor } : {}) };
  }
}

export class DynamoDbApprovalStore implements ApprovalStore {
  constructor(private readonly table: Table) {}

  #item(record: ApprovalRecord): Record<string, AttributeValue> {
    return {
      pk: s(`APPROVAL#${record.approvalId}`),
      sk: s('APPROVAL'),
      type: s('Approval'),
      state: s(record.state),
      remindersSent: { N: String(record.remindersSent) },
      gsi1pk: s(`APPROVALS#${record.state}`),
      gsi1sk: s(`${record.expiresAt}#${record.approvalId}`),
      // The task token is an attribute of its own too, so a decision can be checked without parsing.
      document: s(JSON.stringify(record)),
    };
  }

  create(record: ApprovalRecord): Promise<boolean> {
    return conditional(() =>
      this.table.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: this.#item(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async get(approvalId: string): Promise<ApprovalRecord | undefined> {
    const res = await this.table.client.send(
      new GetItemCommand({
        TableName: this.table.tableName,
        Key: { pk: s(`APPROVAL#${approvalId}`), sk: s('APPROVAL') },
        ConsistentRead: true,
      }),
    );
    return parseDocument(res.Item, approvalRecordSchema);
  }

  async decide(
    approvalId: string,
    decision: {
      state: 'approved' | 'rejected' | 'expired';
      decision: NonNullable<ApprovalRecord['decision']>;
    },
    now: string,
  ): Promise<{ ok: true; record: ApprovalRecord } | { ok: false; current: ApprovalRecord | undefined }> {
    const current = await this.get(approvalId);
    if (current?.state !== 'pending') return { ok: false, current };
    const next: ApprovalRecord = { ...current, state: decision.state, decision: decision.decision };
    // pending → decided, and (for a person's decision) only before the expiry: one conditional put.
    const ok = await conditional(() =>
      this.table.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: this.#item(next),
          ConditionExpression:
            decision.state === 'expired' ? '#state = :pending' : '#state = :pending AND gsi1sk > :now',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':pending': s('pending'),
            ...(decision.state === 'expired' ? {} : { ':now': s(now) }),
          },
        }),
      ),
    );
    if (ok) return { ok: true, record: next };
    return { ok: false, current: await this.get(approvalId) };
  }

  async replaceToken(approvalId: string, taskToken: string): Promise<boolean> {
    const current = await this.get(approvalId);
    if (current?.state !== 'pending') return false;
    return conditional(() =>
      this.table.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: this.#item({ ...current, taskToken }),
          ConditionExpression: '#state = :pending AND remindersSent = :n',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':pending': s('pending'), ':n': { N: String(current.remindersSent) } },
        }),
      ),
    );
  }

  async markNotified(
    approvalId: string,
    remindersSent: number,
    escalated: boolean,
    expected: number,
  ): Promise<boolean> {
    const current = await this.get(approvalId);
    if (current?.state !== 'pending' || current.remindersSent !== expected) return false;
    return conditional(() =>
      this.table.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: this.#item({ ...current, remindersSent, escalated }),
          ConditionExpression: '#state = :pending AND remindersSent = :n',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':pending': s('pending'), ':n': { N: String(expected) } },
        }),
      ),
    );
  }

  async list(options: {
    state: ApprovalRecord['state'];
    limit: number;
    cursor?: string;
  }): Promise<Page<ApprovalRecord>> {
    const res = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': s(`APPROVALS#${options.state}`) },
        Limit: options.limit,
        ExclusiveStartKey: startKeyOf(options.cursor),
      }),
    );
    const items = (res.Items ?? []).flatMap((item) => {
      const record = parseDocument(item, approvalRecordSchema);
      return record ? [record] : [];
    });
    const cursor = cursorOf(res.LastEvaluatedKey);
    return { items, ...(cursor ? { cursor } : {}) };
  }
}

export class DynamoDbReturnStatusStore implements ReturnStatusStore {
  constructor(private readonly table: Table) {}

  async record(
    vendorCode: string,
    returnReference: string,
    status: string,
    reportedAt: string,
  ): Promise<void> {
    // A later report wins; an older one (a re-imported export) changes nothing.
    await conditional(() =>
      this.table.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: {
            pk: s(`RETURN#${vendorCode}#${returnReference}`),
            sk: s('STATUS'),
            type: s('ReturnStatus'),
            status: s(status),
            reportedAt: s(reportedAt),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR reportedAt <= :at',
          ExpressionAttributeValues: { ':at': s(reportedAt) },
        }),
      ),
    );
  }

  async get(vendorCode: string, returnReference: string) {
    const res = await this.table.client.send(
      new GetItemCommand({
        TableName: this.table.tableName,
        Key: { pk: s(`RETURN#${vendorCode}#${returnReference}`), sk: s('STATUS') },
        ConsistentRead: true,
      }),
    );
    const status = res.Item?.status?.S;
    const reportedAt = res.Item?.reportedAt?.S;
    return status && reportedAt ? { status, reportedAt } : undefined;
  }
}

/** The invoicing capability's invoice record, read with our own schema (only what a memo needs). */
const invoiceItemSchema = z.object({
  invoiceNumber: z.string(),
  currency: z.string(),
  purchaseOrderNumbers: z.array(z.string()),
  lines: z.array(
    z.object({
      purchaseOrderNumber: z.string(),
      amazonProductIdentifier: z.string().optional(),
      vendorProductIdentifier: z.string().optional(),
      quantity: z.number(),
      netCost: z.string(),
      taxAmount: z.string(),
    }),
  ),
});

/** Reads an invoice item whose attributes are plain DynamoDB types (the invoicing item shape). */
function invoiceOf(item: Record<string, AttributeValue> | undefined): OriginalInvoice | undefined {
  if (!item) return undefined;
  const plain = (v: AttributeValue | undefined): unknown => {
    if (!v) return undefined;
    if (v.S !== undefined) return v.S;
    if (v.N !== undefined) return Number(v.N);
    if (v.BOOL !== undefined) return v.BOOL;
    if (v.L) return v.L.map(plain);
    if (v.SS) return v.SS;
    if (v.M) return Object.fromEntries(Object.entries(v.M).map(([k, x]) => [k, plain(x)]));
    return undefined;
  };
  const value = Object.fromEntries(Object.entries(item).map(([k, v]) => [k, plain(v)]));
  const parsed = invoiceItemSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export class DynamoDbInvoiceLookup implements InvoiceLookup {
  constructor(private readonly table: Table) {}

  async byNumber(invoiceNumber: string): Promise<OriginalInvoice | undefined> {
    const res = await this.table.client.send(
      new GetItemCommand({
        TableName: this.table.tableName,
        Key: { pk: s(`INVOICE#${invoiceNumber}`), sk: s('INVOICE') },
      }),
    );
    return invoiceOf(res.Item);
  }

  async forPurchaseOrder(purchaseOrderNumber: string): Promise<OriginalInvoice | undefined> {
    const res = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': s(`PO#${purchaseOrderNumber}`), ':sk': s('INVOICE#') },
        Limit: 1,
      }),
    );
    const sk = res.Items?.[0]?.sk?.S;
    return sk ? this.byNumber(sk.slice('INVOICE#'.length)) : undefined;
  }
}
