import { type AllocationRules, allocate } from '../../domain/inventory/allocation.ts';
import { AppError } from '../../errors.ts';
import type { SubmitInventoryUpdateRequest } from '../../sp-api/schemas/df-inventory.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { InventoryStore } from './ports.ts';
import { SYNC_ACTOR } from './shopify-sync.ts';

/** The outbox operation of a Direct Fulfillment inventory update. */
export const SUBMIT_INVENTORY_UPDATE_OPERATION = 'submitInventoryUpdate';

/** A vendor code that pushes its stock to Amazon's Direct Fulfillment (config `inventory.directFulfillment`). */
export interface DfInventoryTarget {
  readonly vendorCode: string;
  readonly warehouseId: string;
  readonly sellingPartyId: string;
  /** The SP-API account the vendor code is reached through. */
  readonly spApiAccount: string;
}

/** An update whose outcome is not known yet (in flight, to retry, unknown): the caller's queue retries. */
export class DfInventoryPendingError extends AppError {
  readonly retryable = true;
}

export type DfPushOutcome = 'sent' | 'simulated' | 'held' | 'failed' | 'no-stock-position';

/** The update of one SKU: Amazon's available quantity as an absolute amount, other items untouched. */
export function buildDfInventoryUpdate(
  target: Pick<DfInventoryTarget, 'sellingPartyId'>,
  sku: string,
  available: number,
): SubmitInventoryUpdateRequest {
  return {
    inventory: {
      sellingParty: { partyId: target.sellingPartyId },
      isFullUpdate: false,
      items: [
        {
          vendorProductIdentifier: sku,
          availableQuantity: { amount: Math.max(0, Math.trunc(available)), unitOfMeasure: 'Each' },
        },
      ],
    },
  };
}

/** The outbox key of one SKU revision's update to one DF warehouse. */
export function dfInventoryKey(target: DfInventoryTarget, sku: string, revision: number): string {
  return `df-inventory#${target.vendorCode}#${target.warehouseId}#${sku}#${revision}`;
}

/** Subject id `<warehouse id>#<sku>`: the sender reads the warehouse from it. */
export function dfSubjectId(warehouseId: string, sku: string): string {
  return `${warehouseId}#${sku}`;
}

/** Splits {@link dfSubjectId}. */
export function parseDfSubjectId(id: string): { warehouseId: string; sku: string } {
  const at = id.indexOf('#');
  return { warehouseId: id.slice(0, at), sku: id.slice(at + 1) };
}

/**
 * After a SKU's stock position changed: for every configured DF vendor, the Amazon-side available
 * quantity of the allocation sent as an incremental update (`isFullUpdate: false`) through the
 * outbox (module `inventory`), one message per SKU revision. Nothing configured: nothing sent.
 */
export function makePushDfInventory(deps: {
  readonly store: Pick<InventoryStore, 'get'>;
  readonly outbox: Outbox;
  readonly rules: AllocationRules;
  readonly targets: readonly DfInventoryTarget[];
}) {
  return async function pushDfInventory(sku: string): Promise<Record<string, DfPushOutcome>> {
    const outcomes: Record<string, DfPushOutcome> = {};
    if (deps.targets.length === 0) return outcomes;
    const record = await deps.store.get(sku);
    const positioned = record.revision > 0 && Object.keys(record.locations).length > 0;
    const available = positioned ? allocate(record, deps.rules).amazon.available : 0;
    for (const target of deps.targets) {
      if (!positioned) {
        outcomes[target.vendorCode] = 'no-stock-position';
        continue;
      }
      const key = dfInventoryKey(target, sku, record.revision);
      await deps.outbox.enqueue({
        key,
        module: 'inventory',
        operation: SUBMIT_INVENTORY_UPDATE_OPERATION,
        target: target.spApiAccount,
        subject: { type: 'Sku', id: dfSubjectId(target.warehouseId, sku) },
        payload: buildDfInventoryUpdate(target, sku, available),
        actor: SYNC_ACTOR,
      });
      const dispatched = await deps.outbox.dispatch(key);
      const kind = dispatched.kind === 'settled' ? dispatched.message.state : dispatched.kind;
      if (kind === 'sent' || kind === 'simulated' || kind === 'held' || kind === 'failed') {
        outcomes[target.vendorCode] = kind;
        continue;
      }
      throw new DfInventoryPendingError(
        `Inventory update of ${sku} to DF warehouse ${target.warehouseId} is ${kind}; retry later`,
      );
    }
    return outcomes;
  };
}
