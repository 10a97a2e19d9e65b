import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type AttributeValue, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveDatabase } from '#local/analytics/duckdb-archive.ts';
import { hourOf } from '#shared/domain/archive/layout.ts';
import type { ExportSummary } from '#shared/use-cases/archive/export-archive.ts';
import { purchaseOrderKeys } from '#shared/use-cases/vendor-ingest/pull-purchase-orders.ts';
import {
  exportCompletedHours,
  type NamedQueryRunner,
  openNamedQueries,
  plain,
} from '../support/archive-queries.ts';
import { startTestSystem, tableItems } from '../support/local-system.ts';

// The archive end to end on the local system: POs ingested from the sandbox and acknowledged by
// the rules, the hourly export fired through its schedule, the archive read with DuckDB through
// the named queries of analytics/queries/, and every answer checked against figures computed here
// from the table itself, not from the archive.

type System = Awaited<ReturnType<typeof startTestSystem>>;
type Item = Record<string, AttributeValue>;

const HOUR = 3_600_000;
const BAD_PO = 'BADPO0001';

interface Quantity {
  amount?: number;
  unitOfMeasure?: string;
  unitSize?: number;
}
interface PoLine {
  itemSequenceNumber: string;
  amazonProductIdentifier?: string;
  orderedQuantity: Quantity;
}
interface AckLine {
  itemSequenceNumber: string;
  outcome: string;
  itemAcknowledgements?: { acknowledgementCode: string; acknowledgedQuantity: Quantity }[];
}
interface AckRecord {
  purchaseOrderNumber: string;
  marketplace: string;
  state: string;
  deadline: string;
  submittedAt?: string;
  lines: AckLine[];
}
interface AuditRecord {
  id: string;
  at: string;
  action: string;
  actor: { type: string; id: string };
  entity: { type: string; id: string };
  reason: string;
}

const eaches = (q: Quantity | undefined) =>
  (q?.amount ?? 0) * (q?.unitOfMeasure === 'Cases' ? (q.unitSize ?? 1) : 1);
/** round(x / y, 4), and null where y is 0 (the queries' NULLIF). */
const rate = (x: number, y: number) => (y === 0 ? null : Math.round((x / y) * 10_000) / 10_000);
const byKeys =
  <T>(...keys: ((row: T) => string | number)[]) =>
  (a: T, b: T) => {
    for (const key of keys) {
      const [x, y] = [key(a), key(b)];
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return 0;
  };

/** Result rows with DuckDB's bigints as numbers and timestamps as ISO strings. */

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

function filesUnder(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) =>
        /\.(parquet|ndjson|json)$/.test(f),
      )
    : [];
}

describe('the archive, exported hourly and queried with DuckDB', () => {
  let system: System;
  let items: Item[];
  let pos: { number: string; vendorCode: string; lines: PoLine[] }[];
  let acks: Map<string, AckRecord>;
  let audit: AuditRecord[];
  let firstExport: ExportSummary;
  let db: ArchiveDatabase;
  let run: NamedQueryRunner;
  let exportHour: string;

  beforeAll(async () => {
    // Forty minutes into an hour at 120×: the work below fits in the hour or spills into the
    // next; the export runs once every hour with a write in it is complete.
    const now = Date.now();
    system = await startTestSystem({
      speed: 120,
      virtualStart: now - (now % HOUR) + 40 * 60_000,
      poGeneration: { backlog: 30, perHour: 0 },
    });
    await until('the catalogue and stock files', async () => {
      const all = await tableItems(system);
      return all.some((i) => i.type?.S === 'StockPosition') && all.some((i) => i.pk?.S === 'CATALOG');
    });
    await system.runtime.invoke('PullPurchaseOrders', {});
    await until('every PO decided and its acknowledgement out of the queue', async () => {
      const all = await tableItems(system);
      const orders = all.filter((i) => i.sk?.S === 'PO').length;
      const records = all.filter((i) => i.sk?.S === 'ACK');
      return orders > 0 && records.length === orders && records.every((r) => r.state?.S !== 'queued');
    });

    // A PO version that does not fit its dataset: a net cost that is not a number.
    const storedAt = system.runtime.clock.now().toISOString();
    exportHour = hourOf(new Date(storedAt));
    const dynamo = new DynamoDBClient({
      endpoint: system.runtime.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await dynamo.send(
      new PutItemCommand({
        TableName: system.runtime.physicalName('Table'),
        Item: {
          pk: { S: `PO#${BAD_PO}` },
          sk: { S: 'PO' },
          type: { S: 'PurchaseOrder' },
          purchaseOrderNumber: { S: BAD_PO },
          vendorCode: { S: 'ACMEDE' },
          version: { S: storedAt },
          storedAt: { S: storedAt },
          gsi2pk: { S: purchaseOrderKeys.changedPk('ACMEDE', storedAt.slice(0, 10)) },
          gsi2sk: { S: purchaseOrderKeys.changedSk(storedAt, BAD_PO) },
          document: {
            S: JSON.stringify({
              purchaseOrderNumber: BAD_PO,
              purchaseOrderState: 'New',
              orderDetails: {
                purchaseOrderDate: storedAt,
                purchaseOrderStateChangedDate: storedAt,
                items: [
                  {
                    itemSequenceNumber: '1',
                    orderedQuantity: { amount: 2, unitOfMeasure: 'Eaches' },
                    isBackOrderAllowed: false,
                    netCost: { currencyCode: 'EUR', amount: 'twelve' },
                  },
                ],
              },
            }),
          },
        },
      }),
    );
    dynamo.destroy();

    items = await tableItems(system);
    pos = items
      .filter((i) => i.sk?.S === 'PO' && i.purchaseOrderNumber?.S !== BAD_PO)
      .map((i) => ({
        number: i.purchaseOrderNumber!.S!,
        vendorCode: i.vendorCode!.S!,
        lines: (JSON.parse(i.document!.S!) as { orderDetails: { items: PoLine[] } }).orderDetails.items,
      }));
    acks = new Map(
      items
        .filter((i) => i.sk?.S === 'ACK')
        .map((i) => JSON.parse(i.document!.S!) as AckRecord)
        .map((r) => [r.purchaseOrderNumber, r]),
    );
    audit = items
      .filter((i) => i.type?.S === 'AuditEvent')
      .map((i) => JSON.parse(i.event!.S!) as AuditRecord);

    // Every hour with a write in it complete, and the export's five minutes of settling past.
    firstExport = await exportCompletedHours(system);
    ({ db, run } = await openNamedQueries(system));
  }, 240_000);

  afterAll(async () => {
    db?.close();
    await system?.dispose();
  });

  /** The PO lines with a decided acknowledgement line, as the named queries join them. */
  function decidedLines() {
    return pos.flatMap((po) => {
      const record = acks.get(po.number);
      return po.lines.flatMap((line) => {
        const ack = record?.lines.find((l) => l.itemSequenceNumber === line.itemSequenceNumber);
        if (!record || ack?.outcome !== 'decided') return [];
        const sum = (code: string) =>
          (ack.itemAcknowledgements ?? [])
            .filter((p) => p.acknowledgementCode === code)
            .reduce((s, p) => s + eaches(p.acknowledgedQuantity), 0);
        return [
          {
            po: po.number,
            vendorCode: po.vendorCode,
            marketplace: record.marketplace,
            asin: line.amazonProductIdentifier,
            ordered: eaches(line.orderedQuantity),
            accepted: sum('Accepted'),
            backordered: sum('Backordered'),
            rejected: sum('Rejected'),
          },
        ];
      });
    });
  }

  it('writes one Parquet file per dataset, partition and hour, in the documented layout', () => {
    expect(firstExport.hours).toContain(exportHour);
    expect(firstExport.objects).toBeGreaterThan(0);
    expect(firstExport.rows.purchase_orders).toBe(pos.length);
    const files = filesUnder(join(system.archive.dir, 'datasets')).map((f) => `datasets/${f}`);
    expect(files.length).toBe(firstExport.objects);
    for (const file of files) {
      expect(file).toMatch(
        /^datasets\/(purchase_orders|purchase_order_lines|acknowledgements|acknowledgement_lines)\/marketplace=[A-Z]{2}\/dt=\d{4}-\d{2}-\d{2}\/\d{4}-\d{2}-\d{2}T\d{2}\.parquet$|^datasets\/(audit_events|outbox_messages|inventory_snapshots)\/dt=\d{4}-\d{2}-\d{2}\/\d{4}-\d{2}-\d{2}T\d{2}\.parquet$/,
      );
    }
  });

  it('answers po_fill_rate as the table does', async () => {
    const groups = new Map<string, { pos: Set<string>; o: number; a: number; b: number; r: number }>();
    for (const l of decidedLines()) {
      const key = `${l.marketplace}|${l.vendorCode}`;
      const g = groups.get(key) ?? { pos: new Set(), o: 0, a: 0, b: 0, r: 0 };
      g.pos.add(l.po);
      g.o += l.ordered;
      g.a += l.accepted;
      g.b += l.backordered;
      g.r += l.rejected;
      groups.set(key, g);
    }
    const expected = [...groups]
      .map(([key, g]) => {
        const [marketplace, vendor_code] = key.split('|');
        return {
          marketplace,
          vendor_code,
          purchase_orders: g.pos.size,
          ordered_eaches: g.o,
          accepted_eaches: g.a,
          backordered_eaches: g.b,
          rejected_eaches: g.r,
          fill_rate: rate(g.a, g.o),
        };
      })
      .sort(
        byKeys(
          (r) => r.marketplace!,
          (r) => r.vendor_code!,
        ),
      );

    expect(expected.length).toBeGreaterThan(0);
    expect(await run('po_fill_rate')).toEqual(expected);
  });

  it('answers acknowledgement_outcomes as the table does', async () => {
    const groups = new Map<string, { n: number; lines: number; review: number; late: number }>();
    for (const record of acks.values()) {
      const key = `${record.marketplace}|${record.state}`;
      const g = groups.get(key) ?? { n: 0, lines: 0, review: 0, late: 0 };
      g.n++;
      g.lines += record.lines.length;
      g.review += record.lines.filter((l) => l.outcome === 'review').length;
      g.late += record.submittedAt && Date.parse(record.submittedAt) > Date.parse(record.deadline) ? 1 : 0;
      groups.set(key, g);
    }
    const expected = [...groups]
      .map(([key, g]) => {
        const [marketplace, state] = key.split('|');
        return {
          marketplace,
          state,
          purchase_orders: g.n,
          lines: g.lines,
          lines_in_review: g.review,
          submitted_late: g.late,
        };
      })
      .sort(
        byKeys(
          (r) => r.marketplace!,
          (r) => r.state!,
        ),
      );

    expect(await run('acknowledgement_outcomes')).toEqual(expected);
  });

  it('answers rejection_rate_by_asin as the table does', async () => {
    const groups = new Map<string, { o: number; r: number }>();
    for (const l of decidedLines()) {
      if (!l.asin) continue;
      const key = `${l.asin}|${l.marketplace}`;
      const g = groups.get(key) ?? { o: 0, r: 0 };
      g.o += l.ordered;
      g.r += l.rejected;
      groups.set(key, g);
    }
    const expected = [...groups]
      .map(([key, g]) => {
        const [asin, marketplace] = key.split('|');
        return {
          asin,
          marketplace,
          ordered_eaches: g.o,
          rejected_eaches: g.r,
          rejection_rate: rate(g.r, g.o),
        };
      })
      .sort(
        byKeys(
          (r) => -r.rejected_eaches,
          (r) => r.asin!,
          (r) => r.marketplace!,
        ),
      );

    expect(await run('rejection_rate_by_asin')).toEqual(expected);
  });

  it('answers entity_history — who did what to one PO — as the table does', async () => {
    const decided = [...acks.values()].find((r) => r.state === 'submitted') ?? [...acks.values()][0]!;
    const expected = audit
      .filter((e) => e.entity.type === 'PurchaseOrder' && e.entity.id === decided.purchaseOrderNumber)
      .sort(
        byKeys(
          (e) => e.at,
          (e) => e.id,
        ),
      )
      .map((e) => ({
        occurred_at: new Date(e.at).toISOString(),
        action: e.action,
        actor_type: e.actor.type,
        actor_id: e.actor.id,
        reason: e.reason,
        module: 'purchaseOrders',
      }));

    expect(expected.length).toBeGreaterThan(0);
    expect(await run('entity_history', ['PurchaseOrder', decided.purchaseOrderNumber])).toEqual(expected);
  });

  it('answers decisions_by_actor as the table does', async () => {
    const counts = new Map<string, number>();
    for (const e of audit) {
      const key = `${e.at.slice(0, 10)}|${e.action}|${e.actor.type}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const expected = [...counts]
      .map(([key, events]) => {
        const [event_day, action, actor_type] = key.split('|');
        return { event_day, action, actor_type, events };
      })
      .sort(
        byKeys(
          (r) => r.event_day!,
          (r) => r.action!,
          (r) => r.actor_type!,
        ),
      );

    expect(await run('decisions_by_actor')).toEqual(expected);
  });

  it('answers outbox_outcomes as the table does, and links each message to its exact payload', async () => {
    const settled = items.filter(
      (i) => i.type?.S === 'OutboxMessage' && ['sent', 'simulated', 'failed'].includes(i.state?.S ?? ''),
    );
    const groups = new Map<string, { n: number; attempts: number; max: number }>();
    for (const m of settled) {
      const key = `${m.module!.S}|${m.operation!.S}|${m.state!.S}`;
      const attempts = Number(m.attempts!.N);
      const g = groups.get(key) ?? { n: 0, attempts: 0, max: 0 };
      g.n++;
      g.attempts += attempts;
      g.max = Math.max(g.max, attempts);
      groups.set(key, g);
    }
    const expected = [...groups]
      .map(([key, g]) => {
        const [module, operation, state] = key.split('|');
        return { module, operation, state, messages: g.n, attempts: g.attempts, max_attempts: g.max };
      })
      .sort(
        byKeys(
          (r) => r.module!,
          (r) => r.operation!,
          (r) => r.state!,
        ),
      );
    expect(settled.length).toBeGreaterThan(0);
    expect(await run('outbox_outcomes')).toEqual(expected);

    // Each row names the legal document under documents/ whose payload has the row's digest.
    const links = plain(await db.query('SELECT document_key, payload_sha256 FROM outbox_messages'));
    expect(links).toHaveLength(settled.length);
    const s3 = new S3Client({
      endpoint: system.runtime.endpoints.s3,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      for (const link of links) {
        const key = link.document_key as string;
        expect(key).toMatch(/^documents\/[A-Za-z]+\/[A-Za-z]+\/dt=\d{4}-\d{2}-\d{2}\//);
        const object = await s3.send(
          new GetObjectCommand({ Bucket: system.runtime.physicalName('ArchiveBucket'), Key: key }),
        );
        const document = JSON.parse((await object.Body?.transformToString()) ?? '') as { payload: string };
        expect(createHash('sha256').update(document.payload).digest('hex')).toBe(link.payload_sha256);
      }
    } finally {
      s3.destroy();
    }
  });

  it('puts a record that does not fit its dataset in quarantine with the reason, and nowhere else', async () => {
    expect(firstExport.quarantined).toBe(1);
    const key = `quarantine/purchase_orders/dt=${exportHour.slice(0, 10)}/${exportHour}.ndjson`;
    const lines = readFileSync(join(system.archive.dir, key), 'utf8').trim().split('\n');
    const rejected = lines.map((l) => JSON.parse(l) as { reason: string; source: string; item: unknown });

    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.source).toBe(`PO#${BAD_PO}|PO`);
    expect(rejected[0]!.reason).toMatch(/orderDetails\.items\[0\]\.netCost\.amount/);
    expect(rejected[0]!.item).toMatchObject({ purchaseOrderNumber: BAD_PO });
    expect(
      plain(
        await db.query('SELECT count(*) AS n FROM purchase_orders WHERE purchase_order_number = ?', [BAD_PO]),
      ),
    ).toEqual([{ n: 0 }]);
  });

  it('answers nothing, without an error, over a partition that has no files', async () => {
    expect(
      plain(await db.query("SELECT count(*) AS n FROM purchase_orders WHERE dt = '1999-01-01'")),
    ).toEqual([{ n: 0 }]);
    expect(
      plain(
        await db.query(
          "SELECT count(*) AS n FROM acknowledgement_lines WHERE marketplace = 'JP' AND dt = '2026-01-01'",
        ),
      ),
    ).toEqual([{ n: 0 }]);
  });

  it('exports nothing twice: the next run starts after the last exported hour', async () => {
    const before = filesUnder(system.archive.dir).length;
    const again = await system.runtime.schedules.fireNow('ExportArchive/Schedule');

    expect((again.result as ExportSummary).hours).toEqual([]);
    await system.archive.sync();
    expect(filesUnder(system.archive.dir).length).toBe(before);
    expect(relative(system.dataDir, system.archive.dir)).toBe('archive');
  });
});
