/**
 * Opaque, stable pagination tokens. A token carries the resolved query (its time window frozen at
 * the first page, so POs published meanwhile do not shift later pages) and the sort key of the
 * last item returned, signed so a tampered token is refused instead of misread.
 */
import { createHmac } from 'node:crypto';
import type { z } from 'zod';

/** Sort key of a listed item: creation time, then number. */
export type SortKey = readonly [at: number, id: string];

/** Encodes `payload` as a signed base64url token. */
export function encodeToken(key: string, payload: unknown): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signature = createHmac('sha256', key).update(body).digest('base64url').slice(0, 16);
  return `${body}.${signature}`;
}

/** Decodes a token made by encodeToken, or undefined when it is forged, stale or malformed. */
export function decodeToken<S extends z.ZodType>(
  key: string,
  token: string,
  schema: S,
): z.output<S> | undefined {
  const [body, signature] = token.split('.');
  if (!body || !signature) return undefined;
  const expected = createHmac('sha256', key).update(body).digest('base64url').slice(0, 16);
  if (expected !== signature) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sorts by (at, id), skips past `after`, and cuts a page of `limit`. `next` is the sort key to
 * resume from, present only when more items remain.
 */
export function paginate<T>(
  items: readonly T[],
  keyOf: (item: T) => SortKey,
  opts: { sortOrder: 'ASC' | 'DESC'; after?: SortKey; limit: number },
): { page: T[]; next?: SortKey } {
  const direction = opts.sortOrder === 'ASC' ? 1 : -1;
  const compare = (a: SortKey, b: SortKey) =>
    direction * (a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const sorted = [...items].sort((a, b) => compare(keyOf(a), keyOf(b)));
  const after = opts.after;
  const remaining = after ? sorted.filter((item) => compare(keyOf(item), after) > 0) : sorted;
  const page = remaining.slice(0, opts.limit);
  const last = page.at(-1);
  return remaining.length > opts.limit && last ? { page, next: keyOf(last) } : { page };
}
