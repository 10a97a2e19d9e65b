import type { Clock } from '../../clock.ts';
import { DATASETS, type DatasetDefinition, type DatasetName } from '../../domain/archive/datasets.ts';
import {
  datasetObjectKey,
  hourOf,
  isHour,
  nextHour,
  quarantineObjectKey,
} from '../../domain/archive/layout.ts';
import {
  acknowledgementRows,
  auditEventRows,
  creditMemoRows,
  inventorySnapshotRows,
  invoiceRows,
  type MappingResult,
  outboxMessageRows,
  purchaseOrderRows,
  reconciliationRows,
  remittanceLineRows,
  type TypedRow,
} from '../../domain/archive/rows.ts';
import { type AllocationRules, DEFAULT_ALLOCATION_RULES } from '../../domain/inventory/allocation.ts';
import { ValidationError } from '../../errors.ts';
import type { CursorStore } from '../ports.ts';
import type { ArchiveChangeSource, ArchiveObjectWriter, SourceRecord } from './ports.ts';

/** Cursor of the export: the next hour to export (`2026-03-01T14`). */
export const EXPORT_CURSOR = 'archive-export';
/** How long after an hour ends its changes are taken as complete (writers' clocks, slow commits). */
export const SETTLE_MS = 5 * 60_000;
const HOUR_MS = 3_600_000;
const PARQUET = 'application/vnd.apache.parquet';
const NDJSON = 'application/x-ndjson';

export interface ExportArchiveDeps {
  readonly clock: Clock;
  readonly source: ArchiveChangeSource;
  /** The Object Lock archive: PutObject only. */
  readonly archive: ArchiveObjectWriter;
  readonly cursors: CursorStore;
  /** Configured vendor codes and their marketplaces: which PO partitions to read, and where a PO belongs. */
  readonly vendors: readonly { readonly vendorCode: string; readonly marketplaces: readonly string[] }[];
  /** Encodes checked rows of a dataset as one Parquet file (shared/archive/parquet.ts). */
  readonly encode: (dataset: DatasetDefinition, rows: readonly TypedRow[]) => Uint8Array;
  /** SHA-256 hex of a text (the outbox payload digest). */
  readonly sha256: (text: string) => string;
  /** Without a cursor, the first run starts this many hours back. */
  readonly firstRunLookbackHours: number;
  /**
   * `inventory.allocation` of the configuration: the inventory snapshots' derived figures
   * (available, idle) are the allocation under these rules. @default DEFAULT_ALLOCATION_RULES
   */
  readonly allocationRules?: AllocationRules;
  /** Most hours one run exports; the next run continues. @default 168 (a week) */
  readonly maxHoursPerRun?: number;
  /** Puts in flight at once. @default 8 */
  readonly writeConcurrency?: number;
}

export interface ExportRequest {
  /** Export again from this hour (backfill); the cursor still only moves forward. */
  readonly fromHour?: string;
  /** Checked before each hour; false stops the run cleanly (the Lambda's time budget). */
  readonly shouldContinue?: () => boolean;
}

/** What one run did. */
export interface ExportSummary {
  /** Hours exported, oldest first. */
  readonly hours: string[];
  /** Parquet files written. */
  objects: number;
  /** Rows written, per dataset. */
  readonly rows: Partial<Record<DatasetName, number>>;
  /** Source records rejected into quarantine. */
  quarantined: number;
  /** The next hour to export. */
  nextHour: string;
  /** True when the run stopped before catching up (time budget or maxHoursPerRun). */
  incomplete: boolean;
}

/** One hour's output: rows per Parquet file, rejected records per dataset. */
class HourBatch {
  readonly files = new Map<string, { dataset: DatasetDefinition; rows: TypedRow[] }>();
  readonly rejected = new Map<DatasetName, string[]>();

  constructor(
    readonly hour: string,
    private readonly now: string,
  ) {}

  take(record: SourceRecord, result: MappingResult): void {
    if (!result.ok) {
      const lines = this.rejected.get(result.dataset) ?? [];
      lines.push(
        `${JSON.stringify({
          dataset: result.dataset,
          reason: result.reason,
          source: record.source,
          hour: this.hour,
          quarantinedAt: this.now,
          item: record.item,
        })}\n`,
      );
      this.rejected.set(result.dataset, lines);
      return;
    }
    for (const { dataset, partition, row } of result.rows) {
      const definition = DATASETS[dataset];
      const key = datasetObjectKey(definition, partition, this.hour);
      const file = this.files.get(key) ?? { dataset: definition, rows: [] };
      file.rows.push(row);
      this.files.set(key, file);
    }
  }
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/**
 * The hourly archive export (issue 7): every complete hour since the cursor, the records that
 * changed in it — PO versions, acknowledgement records, settled outbox messages, audit events,
 * remittance lines, reconciliation records, credit memos, invoices and stock positions —
 * read through the table's indexes, mapped to the datasets, and written as one Parquet file per
 * dataset partition and hour (nothing can be compacted later under Object Lock). A record that
 * does not fit goes to `quarantine/<dataset>/` with the reason. The cursor moves past an hour only
 * once all of its files are written, so a crash re-exports the hour under the same keys.
 */
export function makeExportArchive(deps: ExportArchiveDeps) {
  const maxHours = deps.maxHoursPerRun ?? 168;
  const allocationRules = deps.allocationRules ?? DEFAULT_ALLOCATION_RULES;

  async function exportHour(hour: string, summary: ExportSummary): Promise<void> {
    const batch = new HourBatch(hour, deps.clock.now().toISOString());
    for (const vendor of deps.vendors) {
      for await (const record of deps.source.purchaseOrders(vendor.vendorCode, hour)) {
        batch.take(record, purchaseOrderRows(record.item, vendor.marketplaces));
      }
    }
    for await (const record of deps.source.acknowledgements(hour)) {
      batch.take(record, acknowledgementRows(record.item));
    }
    for await (const record of deps.source.settledOutboxMessages(hour)) {
      batch.take(record, outboxMessageRows(record.item, deps.sha256));
    }
    for await (const record of deps.source.auditEvents(hour)) {
      batch.take(record, auditEventRows(record.item));
    }
    for (const vendor of deps.vendors) {
      for await (const record of deps.source.remittanceLines(vendor.vendorCode, hour)) {
        batch.take(record, remittanceLineRows(record.item));
      }
      for await (const record of deps.source.reconciliations(vendor.vendorCode, hour)) {
        batch.take(record, reconciliationRows(record.item));
      }
    }
    for await (const record of deps.source.creditMemos(hour)) {
      batch.take(record, creditMemoRows(record.item));
    }
    for await (const record of deps.source.invoices(hour)) {
      batch.take(record, invoiceRows(record.item));
    }
    for await (const record of deps.source.inventorySnapshots(hour)) {
      batch.take(record, inventorySnapshotRows(record.item, allocationRules));
    }

    await inBatches([...batch.files], deps.writeConcurrency ?? 8, async ([key, file]) => {
      await deps.archive.putObject({ key, body: deps.encode(file.dataset, file.rows), contentType: PARQUET });
      summary.objects++;
      summary.rows[file.dataset.name] = (summary.rows[file.dataset.name] ?? 0) + file.rows.length;
    });
    for (const [dataset, lines] of batch.rejected) {
      await deps.archive.putObject({
        key: quarantineObjectKey(dataset, hour),
        body: lines.join(''),
        contentType: NDJSON,
      });
      summary.quarantined += lines.length;
    }
  }

  return async function exportArchive(request: ExportRequest = {}): Promise<ExportSummary> {
    if (request.fromHour !== undefined && !isHour(request.fromHour)) {
      throw new ValidationError(`fromHour must be yyyy-mm-ddThh (UTC), got ${request.fromHour}`, [
        { path: 'fromHour', message: 'expected yyyy-mm-ddThh' },
      ]);
    }
    const now = deps.clock.now().getTime();
    // Hours before this one are complete: it ended at least SETTLE_MS ago.
    const limit = hourOf(new Date(now - SETTLE_MS));
    const stored = await deps.cursors.get(EXPORT_CURSOR);
    let hour = request.fromHour ?? stored ?? hourOf(new Date(now - deps.firstRunLookbackHours * HOUR_MS));
    const summary: ExportSummary = {
      hours: [],
      objects: 0,
      rows: {},
      quarantined: 0,
      nextHour: hour,
      incomplete: false,
    };
    while (hour < limit) {
      if (summary.hours.length >= maxHours || (request.shouldContinue && !request.shouldContinue())) {
        summary.incomplete = true;
        break;
      }
      const exported = hour;
      await exportHour(exported, summary);
      hour = nextHour(exported);
      await deps.cursors.advance(EXPORT_CURSOR, hour);
      summary.hours.push(exported);
      summary.nextHour = hour;
    }
    return summary;
  };
}
