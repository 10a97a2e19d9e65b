import type { Clock } from '../../clock.ts';
import { type PositionsResult, parsePositionsCsv } from '../../domain/inventory/stock-positions.ts';
import type { CatalogEntry } from '../../domain/purchase-orders/catalog.ts';
import { type FileProblem, parseCatalogFile } from '../../domain/purchase-orders/catalog-file.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '../../events.ts';
import type { PositionsSummary } from '../inventory/stock-positions.ts';
import type { EventPublisher } from '../ports.ts';

/** What one inbox file did. */
export interface ImportSummary {
  readonly file: string;
  readonly rows: number;
  readonly applied: number;
  /** Rows whose position was older than the one stored (stock only). */
  readonly stale: number;
  readonly problems: readonly FileProblem[];
}

async function reportProblems(
  events: EventPublisher,
  kind: string,
  file: string,
  problems: readonly FileProblem[],
) {
  if (problems.length === 0) return;
  // The file stays in the inbox: nothing is lost, and the event names each bad row and field.
  await events.publish([
    {
      source: EVENT_SOURCE.purchaseOrders,
      detailType: DETAIL_TYPE.inboxFileRejectedRows,
      detail: { kind, file, problems: problems.slice(0, 200), totalProblems: problems.length },
    },
  ]);
}

/**
 * A stock file from the ERP/WMS (`sku,location,onHand,asOf`, or the older
 * `sku,availableToPromise,asOf`): each count applied to the shared inventory unless a newer one is
 * held; bad rows reported with their row number (shared/use-cases/inventory/stock-positions.ts).
 */
export function makeImportStockFile(deps: {
  read: (key: string) => Promise<string>;
  apply: (source: string, parsed: PositionsResult) => Promise<PositionsSummary>;
}) {
  return async function importStockFile(key: string): Promise<ImportSummary> {
    const summary = await deps.apply(key, parsePositionsCsv(await deps.read(key)));
    return {
      file: key,
      rows: summary.rows,
      applied: summary.applied,
      stale: summary.stale + summary.conflicts,
      problems: summary.problems,
    };
  };
}

/** A catalogue file: SKUs with identifiers, expected net cost per marketplace, status, lead time. */
export function makeImportCatalogFile(deps: {
  read: (key: string) => Promise<string>;
  put: (entries: readonly CatalogEntry[], importedAt: string) => Promise<void>;
  events: EventPublisher;
  clock: Clock;
  marketplaces: ReadonlySet<string>;
}) {
  return async function importCatalogFile(key: string): Promise<ImportSummary> {
    const { entries, problems } = parseCatalogFile(await deps.read(key), { marketplaces: deps.marketplaces });
    await deps.put(entries, deps.clock.now().toISOString());
    await reportProblems(deps.events, 'catalog', key, problems);
    return { file: key, rows: entries.length + problems.length, applied: entries.length, stale: 0, problems };
  };
}
