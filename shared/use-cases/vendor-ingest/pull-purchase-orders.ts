import type { Clock } from '../../clock.ts';
import {
  type PurchaseOrderRecord,
  type PurchaseOrderStatusRecord,
  toPurchaseOrderRecord,
  toPurchaseOrderStatusRecord,
} from '../../domain/purchase-orders/purchase-order.ts';
import { nextWindow } from '../../domain/vendor-ingest/windows.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '../../events.ts';
import type { VendorOrdersApi } from '../../sp-api/vendor-orders.ts';
import type {
  CursorStore,
  DomainEvent,
  EventPublisher,
  VersionedDocument,
  VersionedDocumentStore,
} from '../ports.ts';

/** Keys of the table's items for purchase orders. */
export const purchaseOrderKeys = {
  pk: (poNumber: string) => `PO#${poNumber}`,
  orderSk: 'PO',
  statusSk: 'STATUS',
  /** Lists a vendor code's POs by PO date (gsi1). */
  byVendorPk: (vendorCode: string) => `POS#${vendorCode}`,
  byVendorSk: (record: { purchaseOrderDate: string; purchaseOrderNumber: string }) =>
    `${record.purchaseOrderDate}#${record.purchaseOrderNumber}`,
  /**
   * The PO versions a configured vendor code stored on a (UTC) day, by when (gsi2): what the
   * hourly archive export reads, one hour as one key range, never a scan.
   */
  changedPk: (vendorCode: string, day: string) => `ARCHIVE#PO#${vendorCode}#${day}`,
  changedSk: (storedAt: string, purchaseOrderNumber: string) => `${storedAt}#${purchaseOrderNumber}`,
};

/** Counts of one pull, for logs, metrics and the benchmark. */
export interface PullSummary {
  pages: number;
  seen: number;
  created: number;
  updated: number;
  unchanged: number;
  published: number;
  windows: number;
  /** True when the time budget ran out before every cursor caught up; the next run continues. */
  incomplete: boolean;
}

export interface PullPurchaseOrdersDeps {
  readonly clock: Clock;
  readonly vendors: readonly { vendorCode: string }[];
  readonly api: (vendorCode: string) => VendorOrdersApi;
  readonly documents: VersionedDocumentStore;
  readonly cursors: CursorStore;
  readonly events: EventPublisher;
  /** How far back the very first pull reaches. */
  readonly initialLookbackDays: number;
  /** Writes in flight at once while storing a page. @default 8 */
  readonly writeConcurrency?: number;
}

export interface PullRequest {
  /** Re-pull the last N days regardless of the cursors (backfill). The cursors still only move forward. */
  readonly backfillDays?: number;
  /** Checked before each new window; false stops the pull cleanly (the Lambda's time budget). */
  readonly shouldContinue?: () => boolean;
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map(fn));
  }
}

/** `stored`: the configured vendor code pulled for and the time of the pull (the archive's index). */
function orderDocument(
  record: PurchaseOrderRecord,
  stored: { vendorCode: string; at: string },
): VersionedDocument {
  return {
    pk: purchaseOrderKeys.pk(record.purchaseOrderNumber),
    sk: purchaseOrderKeys.orderSk,
    version: record.version,
    attributes: {
      type: 'PurchaseOrder',
      purchaseOrderNumber: record.purchaseOrderNumber,
      vendorCode: record.vendorCode,
      state: record.state,
      purchaseOrderDate: record.purchaseOrderDate,
      lineCount: record.lineCount,
      gsi1pk: purchaseOrderKeys.byVendorPk(record.vendorCode),
      gsi1sk: purchaseOrderKeys.byVendorSk(record),
      // Written only with a new version (the put is conditional), so the index lists exactly the
      // versions stored in an hour.
      storedAt: stored.at,
      gsi2pk: purchaseOrderKeys.changedPk(stored.vendorCode, stored.at.slice(0, 10)),
      gsi2sk: purchaseOrderKeys.changedSk(stored.at, record.purchaseOrderNumber),
    },
    document: record.order,
    pendingEvent: {
      detailType: DETAIL_TYPE.purchaseOrderReceived,
      detail: {
        purchaseOrderNumber: record.purchaseOrderNumber,
        vendorCode: record.vendorCode,
        state: record.state,
        purchaseOrderDate: record.purchaseOrderDate,
        version: record.version,
        lineCount: record.lineCount,
      },
    },
  };
}

function statusDocument(record: PurchaseOrderStatusRecord): VersionedDocument {
  return {
    pk: purchaseOrderKeys.pk(record.purchaseOrderNumber),
    sk: purchaseOrderKeys.statusSk,
    version: record.version,
    attributes: {
      type: 'PurchaseOrderStatus',
      purchaseOrderNumber: record.purchaseOrderNumber,
      vendorCode: record.vendorCode,
      purchaseOrderStatus: record.purchaseOrderStatus,
    },
    document: record.status,
    pendingEvent: {
      detailType: DETAIL_TYPE.purchaseOrderStatusChanged,
      detail: {
        purchaseOrderNumber: record.purchaseOrderNumber,
        vendorCode: record.vendorCode,
        purchaseOrderStatus: record.purchaseOrderStatus,
        version: record.version,
      },
    },
  };
}

/**
 * Stores one page: every document written (a newer version wins), then the events those writes
 * call for published, then their pending marks cleared. A crash anywhere leaves the marks, and the
 * next run over the same page publishes what was missed — without publishing anything twice for a
 * version that was already announced.
 */
async function storePage(
  docs: readonly VersionedDocument[],
  deps: Pick<PullPurchaseOrdersDeps, 'documents' | 'events' | 'writeConcurrency'>,
  source: string,
  changedDetailType: string | undefined,
  summary: PullSummary,
): Promise<void> {
  const due: { doc: VersionedDocument; event: DomainEvent }[] = [];
  await inBatches(docs, deps.writeConcurrency ?? 8, async (doc) => {
    const outcome = await deps.documents.upsert(doc);
    summary.seen++;
    if (outcome.kind === 'created') {
      summary.created++;
      due.push({
        doc,
        event: { source, detailType: doc.pendingEvent.detailType, detail: doc.pendingEvent.detail },
      });
    } else if (outcome.kind === 'updated') {
      summary.updated++;
      due.push({
        doc,
        event: {
          source,
          detailType: changedDetailType ?? doc.pendingEvent.detailType,
          detail: { ...doc.pendingEvent.detail, previousVersion: outcome.previousVersion },
        },
      });
    } else {
      summary.unchanged++;
      if (outcome.eventPending && outcome.storedVersion === doc.version) {
        due.push({
          doc,
          event: { source, detailType: doc.pendingEvent.detailType, detail: doc.pendingEvent.detail },
        });
      }
    }
  });
  if (due.length === 0) return;
  await deps.events.publish(due.map((d) => d.event));
  summary.published += due.length;
  await inBatches(due, deps.writeConcurrency ?? 8, (d) =>
    deps.documents.markPublished({ pk: d.doc.pk, sk: d.doc.sk }, d.doc.version),
  );
}

function emptySummary(): PullSummary {
  return {
    pages: 0,
    seen: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    published: 0,
    windows: 0,
    incomplete: false,
  };
}

/**
 * Walks one stream from its cursor to now in windows, storing every page of a window before the
 * cursor moves past it. Returns false when the time budget ran out first.
 */
async function pullStream(
  opts: {
    cursorName: string;
    lookbackStart: Date;
    fromLookback: boolean;
    now: Date;
    pages: (window: { after: Date; before: Date }) => AsyncIterable<readonly VersionedDocument[]>;
    changedDetailType?: string;
  },
  deps: PullPurchaseOrdersDeps,
  request: PullRequest,
  summary: PullSummary,
): Promise<boolean> {
  const stored = await deps.cursors.get(opts.cursorName);
  let cursor = opts.fromLookback || !stored ? opts.lookbackStart : new Date(stored);
  for (let window = nextWindow(cursor, opts.now); window; window = nextWindow(cursor, opts.now)) {
    if (request.shouldContinue && !request.shouldContinue()) return false;
    for await (const docs of opts.pages(window)) {
      summary.pages++;
      await storePage(docs, deps, EVENT_SOURCE.vendorIngest, opts.changedDetailType, summary);
    }
    await deps.cursors.advance(opts.cursorName, window.before.toISOString());
    cursor = window.before;
    summary.windows++;
  }
  return true;
}

function lookback(deps: PullPurchaseOrdersDeps, request: PullRequest, now: Date) {
  const days = request.backfillDays ?? deps.initialLookbackDays;
  return {
    now,
    lookbackStart: new Date(now.getTime() - days * 86_400_000),
    fromLookback: request.backfillDays !== undefined,
  };
}

/**
 * Pulls new and changed purchase orders of every configured vendor code into the table, window by
 * window (≤ 7 days each, Amazon's limit), all pages of each. A cursor per vendor code and stream
 * advances only after every page of its window is stored, so a failure mid-window re-pulls that
 * window next time and loses nothing.
 */
export function makePullPurchaseOrders(deps: PullPurchaseOrdersDeps) {
  return async function pullPurchaseOrders(request: PullRequest = {}): Promise<PullSummary> {
    const summary = emptySummary();
    const range = lookback(deps, request, deps.clock.now());
    for (const { vendorCode } of deps.vendors) {
      const api = deps.api(vendorCode);
      for (const stream of ['created', 'changed'] as const) {
        const complete = await pullStream(
          {
            ...range,
            cursorName: `purchase-orders#${stream}#${vendorCode}`,
            changedDetailType: DETAIL_TYPE.purchaseOrderChanged,
            pages: async function* (window) {
              const query =
                stream === 'created'
                  ? { createdAfter: window.after.toISOString(), createdBefore: window.before.toISOString() }
                  : {
                      changedAfter: window.after.toISOString(),
                      changedBefore: window.before.toISOString(),
                      isPOChanged: true,
                    };
              for await (const page of api.purchaseOrderPages({ ...query, orderingVendorCode: vendorCode })) {
                const stored = { vendorCode, at: deps.clock.now().toISOString() };
                yield page.items.map((order) =>
                  orderDocument(toPurchaseOrderRecord(order, vendorCode), stored),
                );
              }
            },
          },
          deps,
          request,
          summary,
        );
        if (!complete) return { ...summary, incomplete: true };
      }
    }
    return summary;
  };
}

/**
 * Pulls PO line status (acknowledged, received quantities) updated since the cursor, the same way:
 * all pages stored before the cursor moves.
 */
export function makePullPurchaseOrderStatus(deps: PullPurchaseOrdersDeps) {
  return async function pullPurchaseOrderStatus(request: PullRequest = {}): Promise<PullSummary> {
    const summary = emptySummary();
    const range = lookback(deps, request, deps.clock.now());
    for (const { vendorCode } of deps.vendors) {
      const api = deps.api(vendorCode);
      const complete = await pullStream(
        {
          ...range,
          cursorName: `purchase-order-status#${vendorCode}`,
          pages: async function* (window) {
            for await (const page of api.purchaseOrderStatusPages({
              updatedAfter: window.after.toISOString(),
              updatedBefore: window.before.toISOString(),
              orderingVendorCode: vendorCode,
            })) {
              yield page.items.map((s) => statusDocument(toPurchaseOrderStatusRecord(s, vendorCode)));
            }
          },
        },
        deps,
        request,
        summary,
      );
      if (!complete) return { ...summary, incomplete: true };
    }
    return summary;
  };
}
