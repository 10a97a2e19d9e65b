import type { InventoryRecord } from '../../domain/inventory/allocation.ts';
import { AppError } from '../../errors.ts';
import type { InventoryStore } from './ports.ts';

/** A SKU's record kept changing under us; the caller (its queue, its client) retries later. */
export class InventoryContentionError extends AppError {
  readonly retryable = true;
}

/**
 * Reads a SKU's record, applies `change` and writes the result conditionally on the revision
 * read; on a conflict reads again and re-applies (the change is a pure function of the record, so
 * a concurrent writer's change is never lost). `change` returning undefined writes nothing.
 */
export async function mutate<T>(
  store: InventoryStore,
  sku: string,
  change: (record: InventoryRecord) => { next?: InventoryRecord; result: T },
  attempts = 25,
): Promise<{ record: InventoryRecord; result: T; written: boolean }> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const record = await store.get(sku);
    const { next, result } = change(record);
    if (!next) return { record, result, written: false };
    const written = { ...next, revision: record.revision + 1 };
    if ((await store.write(written)) === 'written') return { record: written, result, written: true };
  }
  throw new InventoryContentionError(`Inventory of ${sku} keeps changing; try again`);
}
