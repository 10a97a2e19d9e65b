import { describe, expect, it } from 'vitest';
import { ValidationError } from '#shared/errors.ts';
import {
  makeListPurchaseOrders,
  type PurchaseOrderIndex,
  type PurchaseOrderSummary,
} from '#shared/use-cases/purchase-orders/list-purchase-orders.ts';

function row(vendorCode: string, date: string, n: number): PurchaseOrderSummary & { sortKey: string } {
  const purchaseOrderNumber = `${vendorCode.slice(-2)}${String(n).padStart(6, '0')}`;
  return {
    sortKey: `${date}#${purchaseOrderNumber}`,
    purchaseOrderNumber,
    vendorCode,
    state: 'New',
    purchaseOrderDate: date,
    version: date,
    lineCount: 1,
  };
}

/** An index over fixed rows with the adapter's contract: newest first, strictly after the sort key. */
function indexOf(rows: (PurchaseOrderSummary & { sortKey: string })[]): PurchaseOrderIndex {
  return {
    async newestFirst(vendorCode, { limit, afterSortKey }) {
      const items = rows
        .filter(
          (r) => r.vendorCode === vendorCode && (afterSortKey === undefined || r.sortKey < afterSortKey),
        )
        .sort((a, b) => (a.sortKey < b.sortKey ? 1 : -1))
        .slice(0, limit);
      return { items };
    },
  };
}

describe('listing purchase orders', () => {
  const rows = [
    ...Array.from({ length: 7 }, (_, i) =>
      row('ACMEDE', `2026-11-${String(10 + i).padStart(2, '0')}T00:00:00.000Z`, i),
    ),
    ...Array.from({ length: 5 }, (_, i) =>
      row('ACMEUS', `2026-11-${String(10 + i).padStart(2, '0')}T06:00:00.000Z`, i),
    ),
  ];

  it('merges vendor codes newest first and pages through every PO exactly once', async () => {
    // Prepare
    const list = makeListPurchaseOrders({ index: indexOf(rows), vendorCodes: ['ACMEDE', 'ACMEUS'] });
    // Act
    const seen: PurchaseOrderSummary[] = [];
    let nextToken: string | undefined;
    do {
      const page = await list({ limit: 5, nextToken });
      seen.push(...page.items);
      nextToken = page.nextToken;
    } while (nextToken);
    // Assess
    expect(seen).toHaveLength(12);
    expect(new Set(seen.map((s) => s.purchaseOrderNumber)).size).toBe(12);
    const dates = seen.map((s) => s.purchaseOrderDate);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it('rejects an unknown vendor code and a token it did not issue', async () => {
    const list = makeListPurchaseOrders({ index: indexOf(rows), vendorCodes: ['ACMEDE'] });
    await expect(list({ limit: 5, vendorCode: 'NOPE' })).rejects.toBeInstanceOf(ValidationError);
    await expect(list({ limit: 5, nextToken: 'garbage' })).rejects.toBeInstanceOf(ValidationError);
  });
});
