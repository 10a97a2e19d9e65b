/** Amazon refuses getPurchaseOrders searches spanning more than seven days. */
export const MAX_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Amazon indexes a PO shortly after it exists; searching right up to "now" can miss one that is
 * then never seen again once the cursor has moved past it. Windows stop this far behind now.
 */
export const INDEXING_LAG_MS = 2 * 60 * 1000;

/** The next search window after `cursor`, or undefined when the cursor has caught up. */
export function nextWindow(
  cursor: Date,
  now: Date,
  opts: { maxWindowMs?: number; lagMs?: number } = {},
): { after: Date; before: Date } | undefined {
  const maxWindow = opts.maxWindowMs ?? MAX_WINDOW_MS;
  const horizon = now.getTime() - (opts.lagMs ?? INDEXING_LAG_MS);
  if (cursor.getTime() >= horizon) return undefined;
  return { after: cursor, before: new Date(Math.min(cursor.getTime() + maxWindow, horizon)) };
}
