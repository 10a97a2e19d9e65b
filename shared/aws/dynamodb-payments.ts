import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod';
import type { InvoiceReconciliation } from '../domain/payments/reconciliation.ts';
import type {
  Finding,
  PaymentsStore,
  StoredLine,
  VersionedReconciliation,
} from '../use-cases/payments/ports.ts';
import { batchGetItems, batchWriteItems, keyCondition, queryItems } from './dynamodb-query.ts';

/**
 * Keys of the payments items in the single table:
 * - reconciliation of an invoice: `PAYMENT#<invoice>` / `RECONCILIATION`, in gsi1
 *   `PAYMENTS#<vendorCode>` / `<updatedAt>#<invoice>` (latest first for the console) and, while
 *   something is open, in gsi2 `RECEIVABLE#<vendorCode>` / `<dueDate>#<invoice>` (aging, overdue);
 * - its lines: `PAYMENT#<invoice>` / `LINE#<lineId>` (lines naming no invoice: `PAYMENT#NONE#<vendorCode>`),
 *   in gsi1 `PAYLINES#<vendorCode>#<day>#<shard>` / `<importedAt>#<lineId>` (the archive export's
 *   hourly read; {@link LINE_SHARDS} shards so a million-line import spreads over index partitions);
 * - findings: `PAYFINDING#<id>` / `FINDING`, in gsi1 `PAYFINDING#<type>#<vendorCode>` / `<detectedAt>#<id>`;
 * - imported files: `REMITTANCE_FILE#<sha256>` / `FILE`.
 */
export const paymentKeys = {
  pk: (invoiceNumber: string) => `PAYMENT#${invoiceNumber}`,
  noInvoicePk: (vendorCode: string) => `PAYMENT#NONE#${vendorCode}`,
  recordSk: 'RECONCILIATION',
  lineSk: (lineId: string) => `LINE#${lineId}`,
  byVendorPk: (vendorCode: string) => `PAYMENTS#${vendorCode}`,
  receivablePk: (vendorCode: string) => `RECEIVABLE#${vendorCode}`,
  findingPk: (id: string) => `PAYFINDING#${id}`,
  findingsPk: (type: Finding['type'], vendorCode: string) => `PAYFINDING#${type}#${vendorCode}`,
  filePk: (hash: string) => `REMITTANCE_FILE#${hash}`,
  linesByDayPk: (vendorCode: string, day: string, shard: number) => `PAYLINES#${vendorCode}#${day}#${shard}`,
} as const;

/** Index partitions the lines of one vendor code and day are spread over. */
export const LINE_SHARDS = 8;

/** The shard of a line: a small stable hash of its id. */
export function lineShard(lineId: string): number {
  let h = 0;
  for (let i = 0; i < lineId.length; i++) h = (h * 31 + lineId.charCodeAt(i)) | 0;
  return Math.abs(h) % LINE_SHARDS;
}

const reconciliationSchema = z.looseObject({
  invoiceNumber: z.string(),
  currency: z.string(),
  purchaseOrderNumbers: z.array(z.string()),
  paid: z.string(),
  paymentReceived: z.boolean(),
  deducted: z.record(z.string(), z.string()),
  deductedTotal: z.string(),
  open: z.string(),
  status: z.enum(['unpaid', 'short-paid', 'settled', 'overpaid', 'unknown-invoice']),
  payments: z.array(z.string()),
  appliedLines: z.array(z.string()),
});
const findingSchema = z.object({
  id: z.string(),
  type: z.enum(['discrepancy', 'dispute', 'credit-request']),
  vendorCode: z.string(),
  marketplace: z.string(),
  detectedAt: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
const lineSchema = z.looseObject({ lineId: z.string(), kind: z.string(), amountPaid: z.string() });

function parseDocument<S extends z.ZodType>(
  schema: S,
  item: Record<string, unknown> | undefined,
): z.output<S> | undefined {
  if (!item || typeof item.document !== 'string') return undefined;
  const parsed = schema.safeParse(JSON.parse(item.document));
  return parsed.success ? parsed.data : undefined;
}

/** The payments module's items (see {@link paymentKeys}). Single-item conditional writes only. */
export class DynamoDbPaymentsStore implements PaymentsStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #client: DynamoDBClient;
  readonly #table: string;

  constructor(deps: { client: DynamoDBClient; tableName: string }) {
    this.#client = deps.client;
    this.#doc = DynamoDBDocumentClient.from(deps.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.#table = deps.tableName;
  }

  /**
   * Stores the lines not stored yet: a line already there (the same file again, or its twin in the
   * other format with other row numbers) keeps what the first import wrote. BatchWriteItem cannot
   * be conditional, so the keys are read first (BatchGetItem, keys only).
   */
  async putLines(lines: readonly StoredLine[]): Promise<void> {
    const keyOf = (line: StoredLine) => ({
      pk: line.invoiceNumber ? paymentKeys.pk(line.invoiceNumber) : paymentKeys.noInvoicePk(line.vendorCode),
      sk: paymentKeys.lineSk(line.lineId),
    });
    const unique = [...new Map(lines.map((l) => [JSON.stringify(keyOf(l)), l])).values()];
    const stored = new Set(
      (
        await batchGetItems(
          this.#client,
          this.#table,
          unique.map((l) => marshall(keyOf(l))),
          {
            ProjectionExpression: 'pk, sk',
            ConsistentRead: true,
          },
        )
      ).map((item) => `${item.pk?.S}\n${item.sk?.S}`),
    );
    const fresh = unique.filter((l) => {
      const k = keyOf(l);
      return !stored.has(`${k.pk}\n${k.sk}`);
    });
    await batchWriteItems(
      this.#client,
      this.#table,
      fresh.map((line) =>
        marshall({
          ...keyOf(line),
          type: 'RemittanceLine',
          vendorCode: line.vendorCode,
          document: JSON.stringify(line),
          gsi1pk: paymentKeys.linesByDayPk(
            line.vendorCode,
            line.importedAt.slice(0, 10),
            lineShard(line.lineId),
          ),
          gsi1sk: `${line.importedAt}#${line.lineId}`,
        }),
      ),
    );
  }

  async getReconciliations(invoiceNumbers: readonly string[]): Promise<Map<string, VersionedReconciliation>> {
    const found = new Map<string, VersionedReconciliation>();
    const keys = [...new Set(invoiceNumbers)].map((n) =>
      marshall({ pk: paymentKeys.pk(n), sk: paymentKeys.recordSk }),
    );
    for (const stored of await batchGetItems(this.#client, this.#table, keys)) {
      const item = unmarshall(stored);
      const record = parseDocument(reconciliationSchema, item) as InvoiceReconciliation | undefined;
      if (record) found.set(record.invoiceNumber, { record, version: Number(item.version) });
    }
    return found;
  }

  async getReconciliation(invoiceNumber: string): Promise<VersionedReconciliation | undefined> {
    return (await this.getReconciliations([invoiceNumber])).get(invoiceNumber);
  }

  async saveReconciliation(
    record: InvoiceReconciliation,
    expectedVersion: number,
    at: string,
  ): Promise<boolean> {
    const open = record.open.replace(/^-/, '') !== '0' && !/^0\.0*$/.test(record.open.replace(/^-/, ''));
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            pk: paymentKeys.pk(record.invoiceNumber),
            sk: paymentKeys.recordSk,
            type: 'Reconciliation',
            version: expectedVersion + 1,
            status: record.status,
            vendorCode: record.vendorCode,
            updatedAt: at,
            document: JSON.stringify(record),
            ...(record.vendorCode
              ? { gsi1pk: paymentKeys.byVendorPk(record.vendorCode), gsi1sk: `${at}#${record.invoiceNumber}` }
              : {}),
            ...(record.vendorCode && record.dueDate && open
              ? {
                  gsi2pk: paymentKeys.receivablePk(record.vendorCode),
                  gsi2sk: `${record.dueDate}#${record.invoiceNumber}`,
                }
              : {}),
          },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async putFinding(finding: Finding): Promise<'created' | 'unannounced' | 'announced'> {
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            pk: paymentKeys.findingPk(finding.id),
            sk: 'FINDING',
            type: 'PaymentFinding',
            announced: false,
            document: JSON.stringify(finding),
            gsi1pk: paymentKeys.findingsPk(finding.type, finding.vendorCode),
            gsi1sk: `${finding.detectedAt}#${finding.id}`,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'created';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        const announced = error.Item
          ? error.Item.announced?.BOOL
          : (await this.#existing(paymentKeys.findingPk(finding.id), 'FINDING'))?.announced;
        return announced === true ? 'announced' : 'unannounced';
      }
      throw error;
    }
  }

  async markAnnounced(findingId: string): Promise<void> {
    await this.#doc.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { pk: paymentKeys.findingPk(findingId), sk: 'FINDING' },
        UpdateExpression: 'SET announced = :t',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':t': true },
      }),
    );
  }

  async recordFile(hash: string, file: string, at: string) {
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: { pk: paymentKeys.filePk(hash), sk: 'FILE', type: 'RemittanceFile', file, importedAt: at },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { first: true as const };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        const old = error.Item
          ? { file: error.Item.file?.S, importedAt: error.Item.importedAt?.S }
          : await this.#existing(paymentKeys.filePk(hash), 'FILE');
        return { first: false as const, file: String(old?.file ?? ''), at: String(old?.importedAt ?? '') };
      }
      throw error;
    }
  }

  /**
   * The item a conditional put failed on, when the failure did not carry it (DynamoDB returns it
   * with ReturnValuesOnConditionCheckFailure; emulators such as dynalite do not).
   */
  async #existing(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
    const res = await this.#doc.send(
      new GetCommand({ TableName: this.#table, Key: { pk, sk }, ConsistentRead: true }),
    );
    return res.Item;
  }

  /** Reconciliation records of a vendor code, latest change first (gsi1), one page. */
  async latest(vendorCode: string, limit: number): Promise<InvoiceReconciliation[]> {
    const res = await this.#doc.send(
      new QueryCommand({
        TableName: this.#table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': paymentKeys.byVendorPk(vendorCode) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (res.Items ?? [])
      .map((item) => parseDocument(reconciliationSchema, item) as InvoiceReconciliation)
      .filter(Boolean);
  }

  /** A vendor code's reconciliation records changed after `since`, oldest change first (gsi1's time range). */
  async changedSince(vendorCode: string, since: Date, limit: number): Promise<InvoiceReconciliation[]> {
    const items = await queryItems(
      this.#client,
      {
        TableName: this.#table,
        ...keyCondition({
          index: 'gsi1',
          pk: paymentKeys.byVendorPk(vendorCode),
          above: since.toISOString(),
        }),
      },
      limit,
    );
    return items
      .map((item) => parseDocument(reconciliationSchema, unmarshall(item)) as InvoiceReconciliation)
      .filter(Boolean);
  }

  /** One invoice's record and its lines (one query on its partition). */
  async invoice(
    invoiceNumber: string,
  ): Promise<{ record?: InvoiceReconciliation; lines: Record<string, unknown>[] }> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.#doc.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': paymentKeys.pk(invoiceNumber) },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(res.Items ?? []));
      start = res.LastEvaluatedKey;
    } while (start);
    const record = items.find((i) => i.sk === paymentKeys.recordSk);
    return {
      ...(record ? { record: parseDocument(reconciliationSchema, record) as InvoiceReconciliation } : {}),
      lines: items
        .filter((i) => String(i.sk).startsWith('LINE#'))
        .map((i) => parseDocument(lineSchema, i)!)
        .filter(Boolean),
    };
  }

  /** Open receivables of a vendor code by due date (gsi2, sparse: only records with something open). */
  async *openReceivables(vendorCode: string, dueBefore?: string): AsyncGenerator<InvoiceReconciliation> {
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.#doc.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: 'gsi2',
          KeyConditionExpression: dueBefore ? 'gsi2pk = :pk AND gsi2sk < :before' : 'gsi2pk = :pk',
          ExpressionAttributeValues: {
            ':pk': paymentKeys.receivablePk(vendorCode),
            ...(dueBefore ? { ':before': dueBefore } : {}),
          },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of res.Items ?? []) {
        const record = parseDocument(reconciliationSchema, item) as InvoiceReconciliation | undefined;
        if (record) yield record;
      }
      start = res.LastEvaluatedKey;
    } while (start);
  }

  /** Findings of one type for a vendor code, latest first (gsi1), one page. */
  async findings(
    type: Finding['type'],
    vendorCode: string,
    limit: number,
  ): Promise<(Finding & { announced: boolean })[]> {
    const res = await this.#doc.send(
      new QueryCommand({
        TableName: this.#table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': paymentKeys.findingsPk(type, vendorCode) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (res.Items ?? []).flatMap((item) => {
      const f = parseDocument(findingSchema, item);
      return f ? [{ ...f, announced: item.announced === true }] : [];
    });
  }
}
