import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveDatabase } from '#local/analytics/duckdb-archive.ts';
import { DynamoDbAcknowledgementStore } from '#shared/aws/dynamodb-acknowledgements.ts';
import { DynamoDbCreditMemoStore } from '#shared/aws/dynamodb-credit-memos.ts';
import { batchWriteItems } from '#shared/aws/dynamodb-query.ts';
import type { CreditMemoRecord, CreditMemoState } from '#shared/domain/credit-memos/credit-memo.ts';
import type { AcknowledgementRecord } from '#shared/domain/purchase-orders/acknowledgement-record.ts';
import type { ExportSummary } from '#shared/use-cases/archive/export-archive.ts';
import { exportCompletedHours, type NamedQueryRunner, openNamedQueries } from '../support/archive-queries.ts';
import { startTestSystem } from '../support/local-system.ts';

// PO versions, acknowledgement records and credit memos of the real schemas stored in the local
// table through the capabilities' own adapters, the hourly archive export fired, and the named
// queries refund_rate_by_asin and credit_memo_cycle_time run with DuckDB over the archive; every
// answer checked against figures computed here from the seeded records.

type System = Awaited<ReturnType<typeof startTestSystem>>;

const HOUR = 3_600_000;
const DAY = 86_400_000;
const VENDOR = 'ACMEUK';
const MARKETPLACE = 'UK';
const ASINS = ['B0AAAAAAA1', 'B0AAAAAAA2', 'B0AAAAAAA3'];

/** Nearest-rank percentile of sorted values. */
const percentile = (sorted: number[], p: number) => sorted[Math.ceil(p * sorted.length) - 1]!;

describe('the credit-memo datasets in the archive, queried with DuckDB', () => {
  let system: System;
  let db: ArchiveDatabase;
  let run: NamedQueryRunner;
  let exported: ExportSummary;
  /** Accepted eaches per ASIN, and credited units of accepted/filed return memos per ASIN. */
  const accepted = new Map<string, number>();
  const credited = new Map<string, number>();
  /** Cycle hours per kind of the memos closed (accepted or filed). */
  const cycle = new Map<string, number[]>();
  let memoCount = 0;

  beforeAll(async () => {
    const now = Date.now();
    system = await startTestSystem({
      speed: 120,
      virtualStart: now - (now % HOUR) + 20 * 60_000,
      poGeneration: { backlog: 0, perHour: 0 },
    });
    const at = system.runtime.clock.now().getTime();
    const iso = (ms: number) => new Date(ms).toISOString();
    const client = new DynamoDBClient({
      endpoint: system.runtime.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const tableName = system.runtime.physicalName('Table');
    const acks = new DynamoDbAcknowledgementStore({ client, tableName });
    const memos = new DynamoDbCreditMemoStore({ client, tableName });

    // Twelve POs of two lines each, ASINs in turn, every line decided: part accepted.
    const poItems: Record<string, unknown>[] = [];
    for (let p = 0; p < 12; p++) {
      const po = `UKPO${String(100 + p)}`;
      const poDate = iso(at - (5 + p) * DAY);
      const lines = [0, 1].map((l) => ({
        asin: ASINS[(p + l) % ASINS.length]!,
        ordered: 10 + ((p * 7 + l * 3) % 20),
        accepted: 5 + ((p * 5 + l) % 6),
      }));
      const order = {
        purchaseOrderNumber: po,
        purchaseOrderState: 'Acknowledged',
        orderDetails: {
          purchaseOrderDate: poDate,
          purchaseOrderStateChangedDate: poDate,
          items: lines.map((line, l) => ({
            itemSequenceNumber: String(l + 1),
            amazonProductIdentifier: line.asin,
            vendorProductIdentifier: `SKU-${line.asin}`,
            orderedQuantity: { amount: line.ordered, unitOfMeasure: 'Eaches', unitSize: 1 },
            isBackOrderAllowed: false,
            netCost: { amount: '12.50', currencyCode: 'GBP' },
          })),
        },
      };
      const storedAt = iso(at + p * 1000);
      poItems.push({
        pk: `PO#${po}`,
        sk: 'PO',
        purchaseOrderNumber: po,
        vendorCode: VENDOR,
        version: poDate,
        storedAt,
        document: JSON.stringify(order),
        gsi2pk: `ARCHIVE#PO#${VENDOR}#${storedAt.slice(0, 10)}`,
        gsi2sk: `${storedAt}#${po}`,
      });
      const record = {
        purchaseOrderNumber: po,
        vendorCode: VENDOR,
        marketplace: MARKETPLACE,
        purchaseOrderDate: poDate,
        deadline: iso(Date.parse(poDate) + DAY),
        state: 'accepted',
        revision: 2,
        remindersSent: [],
        updatedAt: iso(at + p * 1000),
        lines: lines.map((line, l) => ({
          itemSequenceNumber: String(l + 1),
          sku: `SKU-${line.asin}`,
          outcome: 'decided',
          ruleId: 'stock',
          reason: 'stock',
          itemAcknowledgements: [
            {
              acknowledgementCode: 'Accepted',
              acknowledgedQuantity: { amount: line.accepted, unitOfMeasure: 'Eaches', unitSize: 1 },
            },
            {
              acknowledgementCode: 'Rejected',
              acknowledgedQuantity: { amount: line.ordered - line.accepted, unitOfMeasure: 'Eaches' },
              rejectionReason: 'TemporarilyUnavailable',
            },
          ],
          decidedBy: { type: 'rule', id: 'stock' },
          decidedAt: poDate,
        })),
      } as unknown as AcknowledgementRecord;
      expect(await acks.create(record)).toBe('created');
      for (const line of lines) accepted.set(line.asin, (accepted.get(line.asin) ?? 0) + line.accepted);
    }
    await batchWriteItems(
      client,
      tableName,
      poItems.map((item) => marshall(item)),
    );

    // Credit memos: returns of those POs and debit notes, in every kind of end state.
    const states: CreditMemoState[] = [
      'accepted',
      'filed',
      'pending-approval',
      'rejected',
      'accepted',
      'simulated',
    ];
    for (let m = 0; m < 18; m++) {
      const state = states[m % states.length]!;
      const isReturn = m % 3 !== 1;
      const sourceAt = at - (3 * DAY + m * 5 * HOUR + m * 60_000);
      const createdAt = iso(sourceAt + 30 * 60_000);
      const updatedAt = iso(at + 30_000 + m * 1000);
      const asin = ASINS[Math.floor(m / 3) % ASINS.length]!;
      const quantity = 1 + (m % 4);
      const common = {
        state,
        revision: 4,
        createdAt,
        updatedAt,
        respondBy: iso(sourceAt + 72 * HOUR),
        ...(state === 'accepted' || state === 'filed'
          ? {
              creditNoteNumber: `CN-${m}`,
              filing: state === 'filed' ? ('vendor-central' as const) : ('api' as const),
            }
          : {}),
      };
      const record: CreditMemoRecord = isReturn
        ? {
            ...common,
            memoId: `RET-${VENDOR}-R${m}`,
            sourceKey: `RETURN#${VENDOR}#R${m}`,
            request: {
              kind: 'return',
              detail: {
                vendorCode: VENDOR,
                marketplace: MARKETPLACE,
                returnReference: `R${m}`,
                source: 'returns-export',
                returnDate: iso(sourceAt),
                respondBy: iso(sourceAt + 72 * HOUR),
                currency: 'GBP',
                items: [{ asin, purchaseOrderNumber: `UKPO${100 + m}`, quantity, reason: 'Damaged' }],
              },
            },
            lines: [
              {
                itemSequenceNumber: 1,
                asin,
                purchaseOrderNumber: `UKPO${100 + m}`,
                quantity,
                netCost: '12.50',
                taxAmount: (quantity * 2.5).toFixed(2),
                taxRate: '20',
                lineNet: (quantity * 12.5).toFixed(2),
              },
            ],
            totals: {
              net: (quantity * 12.5).toFixed(2),
              tax: (quantity * 2.5).toFixed(2),
              total: (quantity * 15).toFixed(2),
            },
          }
        : {
            ...common,
            memoId: `DN-${VENDOR}-D${m}`,
            sourceKey: `DEBITNOTE#${VENDOR}#D${m}`,
            request: {
              kind: 'debit-note',
              detail: {
                vendorCode: VENDOR,
                marketplace: MARKETPLACE,
                debitNoteNumber: `D${m}`,
                source: 'remittance',
                kind: 'price-claim',
                amount: '30.00',
                currency: 'GBP',
                requestedAt: iso(sourceAt),
                respondBy: iso(sourceAt + 72 * HOUR),
              },
            },
          };
      expect(await memos.claim(record)).toBe('claimed');
      memoCount++;
      if (state === 'accepted' || state === 'filed') {
        const kind = isReturn ? 'return' : 'debit-note';
        cycle.set(kind, [...(cycle.get(kind) ?? []), (Date.parse(updatedAt) - sourceAt) / HOUR]);
        if (isReturn) credited.set(asin, (credited.get(asin) ?? 0) + quantity);
      }
    }
    client.destroy();

    // Every hour with a write in it complete, and the export's five minutes of settling past.
    exported = await exportCompletedHours(system);
    ({ db, run } = await openNamedQueries(system));
  }, 240_000);

  afterAll(async () => {
    db?.close();
    await system?.dispose();
  });

  it('exports every memo and every memo line once, nothing quarantined', () => {
    expect(exported.rows.credit_memos).toBe(memoCount);
    expect(exported.rows.credit_memo_lines).toBe(12);
    expect(exported.quarantined).toBe(0);
  });

  it('answers refund_rate_by_asin as the seeded acknowledgements and memos add up', async () => {
    const rows = await run('refund_rate_by_asin');
    const actual = new Map(rows.map((r) => [`${r.asin}|${r.marketplace}`, r]));
    expect(actual.size).toBe(ASINS.length);
    for (const asin of ASINS) {
      const row = actual.get(`${asin}|${MARKETPLACE}`)!;
      const units = credited.get(asin) ?? 0;
      expect(row.accepted_eaches).toBe(accepted.get(asin));
      expect(row.credited_units).toBe(units);
      expect(Number(row.credited_net)).toBeCloseTo(units * 12.5, 6);
      expect(row.refund_rate).toBeCloseTo(units / accepted.get(asin)!, 4);
    }
    expect([...credited.values()].some((n) => n > 0)).toBe(true);
  });

  it('answers credit_memo_cycle_time with nearest-rank percentiles per kind', async () => {
    const rows = await run('credit_memo_cycle_time');
    expect(rows.map((r) => r.kind)).toEqual(['debit-note', 'return']);
    for (const row of rows) {
      const hours = [...cycle.get(String(row.kind))!].sort((a, b) => a - b);
      expect(row.marketplace).toBe(MARKETPLACE);
      expect(row.memos).toBe(hours.length);
      expect(row.p50_hours).toBeCloseTo(percentile(hours, 0.5), 2);
      expect(row.p90_hours).toBeCloseTo(percentile(hours, 0.9), 2);
      expect(row.p95_hours).toBeCloseTo(percentile(hours, 0.95), 2);
      expect(row.max_hours).toBeCloseTo(hours.at(-1)!, 2);
    }
  });
});
