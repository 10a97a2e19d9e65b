import type { DatasetDefinition, DatasetName } from './datasets.ts';

/**
 * The one layout of the archive bucket (docs/archive.md). Pure: key builders and the hour
 * arithmetic of the batched export.
 *
 * ```
 * documents/<module>/<operation>/dt=<yyyy-mm-dd>/<key>.json   exact payloads sent (legal documents)
 * datasets/<dataset>/marketplace=<m>/dt=<yyyy-mm-dd>/<hour>.parquet
 * datasets/<dataset>/dt=<yyyy-mm-dd>/<hour>.parquet           datasets not about one marketplace
 * quarantine/<dataset>/dt=<yyyy-mm-dd>/<hour>.ndjson          records that did not fit, with the reason
 * audit/dt=<yyyy-mm-dd>/<event id>.json                       the audit trail's per-event copy
 * ```
 */

/** Legal documents: the exact payloads sent. Lifecycle moves them to colder storage. */
export const DOCUMENTS_PREFIX = 'documents/';
/** Analytical datasets (Parquet) Athena reads; they stay in classes Athena can read. */
export const DATASETS_PREFIX = 'datasets/';
/** Records that did not fit their dataset, with the reason. */
export const QUARANTINE_PREFIX = 'quarantine/';
/** The audit trail's per-event JSON copies, written as each event is recorded. */
export const AUDIT_PREFIX = 'audit/';

/** Prefix of the documents one automation module writes: `documents/purchaseOrders/`. */
export function documentsPrefix(module: string): string {
  return `${DOCUMENTS_PREFIX}${module}/`;
}

/** Where a dataset's files are: `datasets/purchase_orders/`. */
export function datasetPrefix(dataset: DatasetName): string {
  return `${DATASETS_PREFIX}${dataset}/`;
}

const HOUR = /^\d{4}-\d{2}-\d{2}T\d{2}$/;
const HOUR_MS = 3_600_000;

/** The UTC hour of an instant, `2026-03-01T13`: the unit of the batched export. */
export function hourOf(instant: Date): string {
  return instant.toISOString().slice(0, 13);
}

/** Whether `value` is an hour as {@link hourOf} writes it. */
export function isHour(value: string): boolean {
  return HOUR.test(value) && !Number.isNaN(Date.parse(`${value}:00:00Z`));
}

/** The first instant of an hour. */
export function hourStart(hour: string): Date {
  if (!isHour(hour)) throw new RangeError(`Not an hour (yyyy-mm-ddThh): ${hour}`);
  return new Date(`${hour}:00:00.000Z`);
}

/** The hour after `hour`. */
export function nextHour(hour: string): string {
  return hourOf(new Date(hourStart(hour).getTime() + HOUR_MS));
}

/** The UTC day of an ISO instant, `2026-03-01`. */
export function dayOf(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO-8601 instant: ${iso}`);
  return new Date(ms).toISOString().slice(0, 10);
}

/** The partition a dataset row belongs to. */
export interface Partition {
  /** Required for datasets partitioned by marketplace. */
  readonly marketplace?: string;
  readonly dt: string;
}

/** `marketplace=DE/dt=2026-03-01/` or `dt=2026-03-01/`, in the dataset's key order. */
export function partitionPath(dataset: DatasetDefinition, partition: Partition): string {
  return dataset.partitionKeys
    .map((key) => {
      const value = key === 'dt' ? partition.dt : partition.marketplace;
      if (value === undefined || value === '' || /[/=]/.test(value)) {
        throw new RangeError(`Partition ${key} of ${dataset.name} is missing or not a plain value: ${value}`);
      }
      return `${key}=${value}/`;
    })
    .join('');
}

/**
 * The one Parquet file of a dataset partition for the changes recorded in `hour`. The key is
 * fixed by the hour, so exporting an hour again writes a new version of the same object (the
 * latest version is what Athena reads), never a second file.
 */
export function datasetObjectKey(dataset: DatasetDefinition, partition: Partition, hour: string): string {
  return `${datasetPrefix(dataset.name)}${partitionPath(dataset, partition)}${hour}.parquet`;
}

/** The quarantine file of a dataset for the changes recorded in `hour` (JSON lines). */
export function quarantineObjectKey(dataset: DatasetName, hour: string): string {
  return `${QUARANTINE_PREFIX}${dataset}/dt=${hour.slice(0, 10)}/${hour}.ndjson`;
}
