import * as z from 'zod';

/**
 * What the schedule (an empty object) or an operator's backfill (`{ "backfillDays": 30 }`) sends.
 * Amazon keeps six months of purchase orders, so a backfill reaches at most 180 days.
 */
export const pullEventSchema = z.looseObject({
  backfillDays: z.number().int().min(1).max(180).optional(),
});

/** Leave this much of the invocation for storing the last page and flushing metrics. */
export const TIME_RESERVE_MS = 60_000;
