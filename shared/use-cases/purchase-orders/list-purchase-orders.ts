import * as z from 'zod';
import { ValidationError } from '../../errors.ts';

/** One row of the purchase-order list as the console shows it. */
export interface PurchaseOrderSummary {
  readonly purchaseOrderNumber: string;
  readonly vendorCode: string;
  readonly state: string;
  readonly purchaseOrderDate: string;
  readonly version: string;
  readonly lineCount: number;
  readonly shipWindow?: string;
  readonly deliveryWindow?: string;
  readonly shipTo?: string;
  readonly purchaseOrderType?: string;
  /** Where Acorn's acknowledgement of the PO stands, once it has decided it. */
  readonly acknowledgement?: { readonly state: string; readonly deadline: string };
}

/** Reads one vendor code's POs newest first, starting after `afterSortKey`. */
export interface PurchaseOrderIndex {
  newestFirst(
    vendorCode: string,
    opts: { limit: number; afterSortKey?: string },
  ): Promise<{ items: (PurchaseOrderSummary & { sortKey: string })[] }>;
  /** The acknowledgement state and deadline of each PO that has one (one batch read). */
  acknowledgements?(
    purchaseOrderNumbers: readonly string[],
  ): Promise<Map<string, { state: string; deadline: string }>>;
}

const positionSchema = z.record(z.string(), z.string());

function decodeToken(token: string | undefined): Record<string, string> {
  if (!token) return {};
  try {
    return positionSchema.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
  } catch {
    throw new ValidationError('nextToken is not one this API issued', [
      { path: 'nextToken', message: 'invalid token' },
    ]);
  }
}

/**
 * Lists purchase orders newest first across the given vendor codes: each vendor code's index
 * partition is read from where the previous page stopped and the results are merged, so paging
 * needs no scan and no offset.
 */
export function makeListPurchaseOrders(deps: { index: PurchaseOrderIndex; vendorCodes: readonly string[] }) {
  return async function listPurchaseOrders(request: {
    vendorCode?: string;
    limit: number;
    nextToken?: string;
  }): Promise<{ items: PurchaseOrderSummary[]; nextToken?: string }> {
    if (request.vendorCode && !deps.vendorCodes.includes(request.vendorCode)) {
      throw new ValidationError(`Unknown vendor code ${request.vendorCode}`, [
        { path: 'vendorCode', message: `expected one of ${deps.vendorCodes.join(', ')}` },
      ]);
    }
    const codes = request.vendorCode ? [request.vendorCode] : deps.vendorCodes;
    const position = decodeToken(request.nextToken);
    const pages = await Promise.all(
      codes
        .filter((code) => position[code] !== 'END')
        .map(async (code) => ({
          code,
          ...(await deps.index.newestFirst(code, { limit: request.limit + 1, afterSortKey: position[code] })),
        })),
    );
    const merged = pages
      .flatMap((p) => p.items.map((item) => ({ ...item, code: p.code })))
      .sort((a, b) => (a.sortKey < b.sortKey ? 1 : a.sortKey > b.sortKey ? -1 : 0));
    const page = merged.slice(0, request.limit);
    const next: Record<string, string> = { ...position };
    for (const p of pages) {
      const taken = page.filter((i) => i.code === p.code);
      const last = taken.at(-1);
      if (last) next[p.code] = last.sortKey;
      if (taken.length === p.items.length) next[p.code] = 'END';
    }
    const more = codes.some((code) => next[code] !== 'END');
    const acks = deps.index.acknowledgements
      ? await deps.index.acknowledgements(page.map((p) => p.purchaseOrderNumber))
      : new Map<string, { state: string; deadline: string }>();
    return {
      items: page.map(({ sortKey: _s, code: _c, ...summary }) => {
        const acknowledgement = acks.get(summary.purchaseOrderNumber);
        return acknowledgement ? { ...summary, acknowledgement } : summary;
      }),
      nextToken: more ? Buffer.from(JSON.stringify(next)).toString('base64url') : undefined,
    };
  };
}
