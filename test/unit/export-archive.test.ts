import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '#shared/clock.ts';
import type { DatasetDefinition } from '#shared/domain/archive/datasets.ts';
import type { TypedRow } from '#shared/domain/archive/rows.ts';
import { ValidationError } from '#shared/errors.ts';
import { EXPORT_CURSOR, makeExportArchive } from '#shared/use-cases/archive/export-archive.ts';
import type {
  ArchiveChangeSource,
  ArchiveObject,
  ArchiveObjectWriter,
  SourceRecord,
} from '#shared/use-cases/archive/ports.ts';
import { InMemoryCursorStore } from '../support/fakes.ts';
import { spApiFixture } from '../support/fixtures.ts';

/** Changes by hour, as the indexes would list them. */
class FakeSource implements ArchiveChangeSource {
  readonly orders = new Map<string, SourceRecord[]>();
  readonly audit = new Map<string, SourceRecord[]>();
  readonly invoiceRecords = new Map<string, SourceRecord[]>();
  readonly asked: string[] = [];

  async *purchaseOrders(vendorCode: string, hour: string) {
    this.asked.push(`po:${vendorCode}:${hour}`);
    yield* this.orders.get(`${vendorCode}|${hour}`) ?? [];
  }
  async *acknowledgements() {}
  async *settledOutboxMessages() {}
  async *remittanceLines() {}
  async *reconciliations() {}
  async *creditMemos() {}
  async *inventorySnapshots() {}
  async *invoices(hour: string) {
    yield* this.invoiceRecords.get(hour) ?? [];
  }
  async *auditEvents(hour: string) {
    yield* this.audit.get(hour) ?? [];
  }
}

class RecordingArchive implements ArchiveObjectWriter {
  readonly objects: ArchiveObject[] = [];
  failNext = 0;
  async putObject(object: ArchiveObject): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('S3 unavailable');
    }
    this.objects.push(object);
  }
}

function poRecord(number: string, purchaseOrderDate: string, storedAt: string): SourceRecord {
  const order = spApiFixture('purchase-order') as {
    purchaseOrderNumber: string;
    orderDetails: { purchaseOrderDate: string };
  };
  order.purchaseOrderNumber = number;
  order.orderDetails.purchaseOrderDate = purchaseOrderDate;
  return {
    source: `PO#${number}|PO`,
    item: {
      purchaseOrderNumber: number,
      vendorCode: 'ACMEDE',
      version: storedAt,
      storedAt,
      document: JSON.stringify(order),
    },
  };
}

function auditRecord(id: string, at: string): SourceRecord {
  return {
    source: `AUDIT#PurchaseOrder#X|${at}#${id}`,
    item: {
      event: JSON.stringify({
        id,
        at,
        actor: { type: 'system', id: 'outbox' },
        action: 'outbox.sent',
        entity: { type: 'PurchaseOrder', id: 'X' },
        reason: 'sent',
      }),
    },
  };
}

function invoiceRecord(number: string, invoiceDate: string, updatedAt: string): SourceRecord {
  return {
    source: `INVOICE#${number}|INVOICE`,
    item: {
      pk: `INVOICE#${number}`,
      sk: 'INVOICE',
      invoiceNumber: number,
      invoiceType: 'Invoice',
      vendorCode: 'ACMEDE',
      marketplace: 'DE',
      currency: 'EUR',
      invoiceDate,
      total: '23.80',
      taxTotal: '3.80',
      netTotal: '20.00',
      purchaseOrderNumbers: ['PO1'],
      lines: [
        {
          itemSequenceNumber: 1,
          purchaseOrderNumber: 'PO1',
          quantity: 2,
          netCost: '10.00',
          taxAmount: '3.80',
        },
      ],
      state: 'submitted',
      legalEntity: 'ACME',
      series: 'INV',
      sequence: 1,
      shipments: [{ purchaseOrderNumber: 'PO1', shipmentId: 'S1' }],
      documents: { json: 'documents/x.json', pdf: 'documents/x.pdf' },
      revision: 2,
      createdAt: invoiceDate,
      updatedAt,
    },
  };
}

describe('makeExportArchive', () => {
  let clock: ManualClock;
  let source: FakeSource;
  let archive: RecordingArchive;
  let cursors: InMemoryCursorStore;
  let encoded: { dataset: string; rows: number }[];
  let exportArchive: ReturnType<typeof makeExportArchive>;

  beforeEach(() => {
    clock = new ManualClock('2026-11-24T10:04:00.000Z');
    source = new FakeSource();
    archive = new RecordingArchive();
    cursors = new InMemoryCursorStore();
    encoded = [];
    exportArchive = makeExportArchive({
      clock,
      source,
      archive,
      cursors,
      vendors: [{ vendorCode: 'ACMEDE', marketplaces: ['DE', 'FR'] }],
      encode: (dataset: DatasetDefinition, rows: readonly TypedRow[]) => {
        encoded.push({ dataset: dataset.name, rows: rows.length });
        return new TextEncoder().encode(`${dataset.name}:${rows.length}`);
      },
      sha256: () => 'digest',
      firstRunLookbackHours: 3,
    });
  });

  it('exports each complete hour once its five settling minutes are past, and moves the cursor after it', async () => {
    const summary = await exportArchive();

    // 10:04: 09:00–10:00 is not settled yet; the first run reaches three hours back.
    expect(summary.hours).toEqual(['2026-11-24T07', '2026-11-24T08']);
    expect(summary.nextHour).toBe('2026-11-24T09');
    expect(cursors.positions.get(EXPORT_CURSOR)).toBe('2026-11-24T09');

    clock.set('2026-11-24T10:05:00.000Z');
    expect((await exportArchive()).hours).toEqual(['2026-11-24T09']);
    expect((await exportArchive()).hours).toEqual([]);
  });

  it('writes one file per dataset partition for the hour, and nothing for an hour without changes', async () => {
    source.orders.set('ACMEDE|2026-11-24T08', [
      poRecord('PO1', '2026-11-23T09:00:00Z', '2026-11-24T08:10:00.000Z'),
      poRecord('PO2', '2026-11-23T23:00:00Z', '2026-11-24T08:20:00.000Z'),
      poRecord('PO3', '2026-11-24T01:00:00Z', '2026-11-24T08:30:00.000Z'),
    ]);
    source.audit.set('2026-11-24T08', [auditRecord('e1', '2026-11-24T08:10:00.000Z')]);

    const summary = await exportArchive();

    expect(archive.objects.map((o) => [o.key, o.contentType]).sort()).toEqual([
      ['datasets/audit_events/dt=2026-11-24/2026-11-24T08.parquet', 'application/vnd.apache.parquet'],
      [
        'datasets/purchase_order_lines/marketplace=DE/dt=2026-11-23/2026-11-24T08.parquet',
        'application/vnd.apache.parquet',
      ],
      [
        'datasets/purchase_order_lines/marketplace=DE/dt=2026-11-24/2026-11-24T08.parquet',
        'application/vnd.apache.parquet',
      ],
      [
        'datasets/purchase_orders/marketplace=DE/dt=2026-11-23/2026-11-24T08.parquet',
        'application/vnd.apache.parquet',
      ],
      [
        'datasets/purchase_orders/marketplace=DE/dt=2026-11-24/2026-11-24T08.parquet',
        'application/vnd.apache.parquet',
      ],
    ]);
    expect(summary).toMatchObject({
      objects: 5,
      rows: { purchase_orders: 3, purchase_order_lines: 9, audit_events: 1 },
      quarantined: 0,
    });
    expect(source.asked).toEqual(['po:ACMEDE:2026-11-24T07', 'po:ACMEDE:2026-11-24T08']);
  });

  it('exports the invoices written in the hour into invoices and invoice_lines, by invoice day', async () => {
    source.invoiceRecords.set('2026-11-24T08', [
      invoiceRecord('INV-1', '2026-11-23T18:00:00.000Z', '2026-11-24T08:10:00.000Z'),
      invoiceRecord('INV-2', '2026-11-24T07:00:00.000Z', '2026-11-24T08:20:00.000Z'),
    ]);

    const summary = await exportArchive();

    expect(archive.objects.map((o) => o.key).sort()).toEqual([
      'datasets/invoice_lines/marketplace=DE/dt=2026-11-23/2026-11-24T08.parquet',
      'datasets/invoice_lines/marketplace=DE/dt=2026-11-24/2026-11-24T08.parquet',
      'datasets/invoices/marketplace=DE/dt=2026-11-23/2026-11-24T08.parquet',
      'datasets/invoices/marketplace=DE/dt=2026-11-24/2026-11-24T08.parquet',
    ]);
    expect(summary).toMatchObject({ objects: 4, rows: { invoices: 2, invoice_lines: 2 }, quarantined: 0 });
  });

  it('puts a record that does not fit into the hour’s quarantine file with the reason, and exports the rest', async () => {
    const bad = poRecord('BAD', '2026-11-23T09:00:00Z', '2026-11-24T08:10:00.000Z');
    source.orders.set('ACMEDE|2026-11-24T08', [
      { ...bad, item: { ...bad.item, document: '{"purchaseOrderNumber":"BAD"}' } },
      poRecord('PO1', '2026-11-23T09:00:00Z', '2026-11-24T08:20:00.000Z'),
    ]);

    const summary = await exportArchive();

    const quarantine = archive.objects.find((o) => o.key.startsWith('quarantine/'));
    expect(quarantine?.key).toBe('quarantine/purchase_orders/dt=2026-11-24/2026-11-24T08.ndjson');
    expect(quarantine?.contentType).toBe('application/x-ndjson');
    expect(JSON.parse(quarantine!.body as string)).toMatchObject({
      dataset: 'purchase_orders',
      reason: expect.stringContaining('document.purchaseOrderState'),
      source: 'PO#BAD|PO',
      hour: '2026-11-24T08',
      item: { purchaseOrderNumber: 'BAD' },
    });
    expect(summary.quarantined).toBe(1);
    expect(summary.rows.purchase_orders).toBe(1);
  });

  it('leaves the cursor on an hour whose files could not all be written, and writes the same keys again', async () => {
    source.audit.set('2026-11-24T07', [auditRecord('e1', '2026-11-24T07:10:00.000Z')]);
    archive.failNext = 1;

    await expect(exportArchive()).rejects.toThrow('S3 unavailable');
    expect(cursors.positions.get(EXPORT_CURSOR)).toBeUndefined();

    const retry = await exportArchive();
    expect(retry.hours).toEqual(['2026-11-24T07', '2026-11-24T08']);
    expect(archive.objects.map((o) => o.key)).toEqual([
      'datasets/audit_events/dt=2026-11-24/2026-11-24T07.parquet',
    ]);
  });

  it('exports again from an hour on request without moving the cursor back', async () => {
    await exportArchive();
    const again = await exportArchive({ fromHour: '2026-11-24T05' });

    expect(again.hours).toEqual(['2026-11-24T05', '2026-11-24T06', '2026-11-24T07', '2026-11-24T08']);
    expect(cursors.positions.get(EXPORT_CURSOR)).toBe('2026-11-24T09');
    await expect(exportArchive({ fromHour: '2026-11-24 05:00' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('stops between hours when the time budget runs out, and says so', async () => {
    let calls = 0;
    const summary = await exportArchive({ shouldContinue: () => calls++ < 1 });

    expect(summary).toMatchObject({ hours: ['2026-11-24T07'], incomplete: true, nextHour: '2026-11-24T08' });
  });
});
