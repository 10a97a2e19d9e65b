/** Retail Procurement Orders v1: list and read POs, their line status, and acknowledgements. */
import * as z from 'zod';
import { submitAcknowledgementRequestSchema } from '#shared/sp-api/schemas/orders.ts';
import { checkAcknowledgements } from '../business-rules.ts';
import { MAX_CHANGE_DELAY_MS } from '../generator.ts';
import {
  amazonError,
  invalidInput,
  notFound,
  parseQuery,
  parseQueryTime,
  type Reply,
  type Route,
} from '../http.ts';
import type { PurchaseOrderRecord, PurchaseOrderView } from '../purchase-orders.ts';
import { newTransactionId, type SandboxServices } from '../services.ts';
import { decodeToken, encodeToken, paginate, type SortKey } from './paging.ts';

const DAY = 86_400_000;
/** Longest search window Amazon allows. */
export const MAX_WINDOW_MS = 7 * DAY;
/** How long after creation a PO can still be updated (receipts): bounds the updated-status search. */
const MAX_PO_ACTIVITY_MS = 30 * DAY;

const queryTime = z.string().transform((value, ctx) => {
  const at = parseQueryTime(value);
  if (at === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected an ISO-8601 date-time, got "${value}"` });
    return z.NEVER;
  }
  return at;
});
const queryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');
const limit = z.coerce.number().int().min(1).max(100).default(100);
const sortOrder = z.enum(['ASC', 'DESC']).default('ASC');

const getPurchaseOrdersQuery = z.object({
  limit,
  createdAfter: queryTime.optional(),
  createdBefore: queryTime.optional(),
  changedAfter: queryTime.optional(),
  changedBefore: queryTime.optional(),
  sortOrder,
  nextToken: z.string().optional(),
  includeDetails: queryBoolean.default(true),
  poItemState: z.enum(['Cancelled']).optional(),
  isPOChanged: queryBoolean.default(false),
  purchaseOrderState: z.enum(['New', 'Acknowledged', 'Closed']).optional(),
  orderingVendorCode: z.string().optional(),
});

const getPurchaseOrdersStatusQuery = z.object({
  limit,
  sortOrder,
  nextToken: z.string().optional(),
  createdAfter: queryTime.optional(),
  createdBefore: queryTime.optional(),
  updatedAfter: queryTime.optional(),
  updatedBefore: queryTime.optional(),
  purchaseOrderNumber: z.string().optional(),
  purchaseOrderStatus: z.enum(['OPEN', 'CLOSED']).optional(),
  itemConfirmationStatus: z.enum(['ACCEPTED', 'PARTIALLY_ACCEPTED', 'REJECTED', 'UNCONFIRMED']).optional(),
  itemReceiveStatus: z.enum(['NOT_RECEIVED', 'PARTIALLY_RECEIVED', 'RECEIVED']).optional(),
  orderingVendorCode: z.string().optional(),
  shipToPartyId: z.string().optional(),
});

const windowSchema = z.tuple([z.number(), z.number()]).optional();
const sortKeySchema = z.tuple([z.number(), z.string()]);

// What a nextToken carries for each list: the query resolved at the first page, and the cursor.
const ordersTokenSchema = z.object({
  op: z.literal('getPurchaseOrders'),
  created: windowSchema,
  changed: windowSchema,
  limit: z.number(),
  sortOrder: z.enum(['ASC', 'DESC']),
  includeDetails: z.boolean(),
  poItemState: z.enum(['Cancelled']).optional(),
  isPOChanged: z.boolean(),
  purchaseOrderState: z.enum(['New', 'Acknowledged', 'Closed']).optional(),
  orderingVendorCode: z.string().optional(),
  after: sortKeySchema,
});

const statusTokenSchema = getPurchaseOrdersStatusQuery
  .omit({
    nextToken: true,
    createdAfter: true,
    createdBefore: true,
    updatedAfter: true,
    updatedBefore: true,
    limit: true,
    sortOrder: true,
  })
  .extend({
    op: z.literal('getPurchaseOrdersStatus'),
    created: windowSchema,
    updated: windowSchema,
    limit: z.number(),
    sortOrder: z.enum(['ASC', 'DESC']),
    after: sortKeySchema,
  });

type Window = [number, number];

/**
 * Resolves an (after, before) pair to a closed window, enforcing Amazon's 7-day limit.
 * Missing `before` means now; missing `after` means 7 days before `before`.
 */
function resolveWindow(
  names: [string, string],
  after: number | undefined,
  before: number | undefined,
  now: number,
): { ok: true; window?: Window } | { ok: false; reply: Reply } {
  if (after === undefined && before === undefined) return { ok: true };
  const to = before ?? now;
  const from = after ?? to - MAX_WINDOW_MS;
  if (from > to) {
    return {
      ok: false,
      reply: invalidInput([{ path: names[0], message: `${names[0]} must not be after ${names[1]}` }]),
    };
  }
  if (to - from > MAX_WINDOW_MS) {
    return {
      ok: false,
      reply: invalidInput([
        {
          path: `${names[0]},${names[1]}`,
          message: `the date range between ${names[0]} and ${names[1]} must not exceed 7 days`,
        },
      ]),
    };
  }
  return { ok: true, window: [from, to] };
}

const within = (at: number | undefined, window: Window | undefined) =>
  window === undefined || (at !== undefined && at >= window[0] && at <= window[1]);

const keyOf = (view: PurchaseOrderView): SortKey => [view.record.createdAt, view.record.purchaseOrderNumber];

/** The orders routes. */
export function orderRoutes(services: SandboxServices): Route[] {
  const { clock, book } = services;
  const badToken = () =>
    invalidInput([{ path: 'nextToken', message: 'the nextToken is not valid for this operation' }]);

  const getPurchaseOrders: Route = {
    kind: 'sp-api',
    method: 'GET',
    path: '/vendor/orders/v1/purchaseOrders',
    operation: 'getPurchaseOrders',
    handle(request) {
      const now = clock.now().getTime();
      const parsed = parseQuery(getPurchaseOrdersQuery, request.query);
      if (!parsed.ok) return parsed.reply;
      const q = parsed.value;
      let spec: Omit<z.infer<typeof ordersTokenSchema>, 'after'>;
      let after: SortKey | undefined;
      if (q.nextToken) {
        const decoded = decodeToken(services.tokenKey, q.nextToken, ordersTokenSchema);
        if (!decoded) return badToken();
        const { after: cursor, ...rest } = decoded;
        spec = rest;
        after = cursor;
      } else {
        const created = resolveWindow(
          ['createdAfter', 'createdBefore'],
          q.createdAfter,
          q.createdBefore,
          now,
        );
        if (!created.ok) return created.reply;
        const changed = resolveWindow(
          ['changedAfter', 'changedBefore'],
          q.changedAfter,
          q.changedBefore,
          now,
        );
        if (!changed.ok) return changed.reply;
        // Without any window Amazon's search is bounded anyway; the sandbox uses the last 7 days.
        const createdWindow: Window | undefined =
          created.window ?? (changed.window ? undefined : [now - MAX_WINDOW_MS, now]);
        spec = {
          op: 'getPurchaseOrders',
          created: createdWindow,
          changed: changed.window,
          limit: q.limit,
          sortOrder: q.sortOrder,
          includeDetails: q.includeDetails,
          poItemState: q.poItemState,
          isPOChanged: q.isPOChanged,
          purchaseOrderState: q.purchaseOrderState,
          orderingVendorCode: q.orderingVendorCode,
        };
      }
      const searchFrom = spec.created ? spec.created[0] : spec.changed![0] - MAX_CHANGE_DELAY_MS;
      const searchTo = spec.created ? spec.created[1] : spec.changed![1];
      const views = book
        .createdBetween(searchFrom, searchTo, now)
        .map((record) => book.view(record, now))
        .filter(
          (v) =>
            within(v.record.createdAt, spec.created) &&
            within(v.changedAt, spec.changed) &&
            (!spec.isPOChanged || v.changedAt !== undefined) &&
            (!spec.poItemState || v.lines.some((l) => l.item.orderedQuantity.amount === 0)) &&
            (!spec.purchaseOrderState || v.state === spec.purchaseOrderState) &&
            (!spec.orderingVendorCode ||
              (v.order.orderDetails?.sellingParty?.partyId ?? v.record.vendorCode) ===
                spec.orderingVendorCode),
        );
      const { page, next } = paginate(views, keyOf, {
        sortOrder: spec.sortOrder,
        limit: spec.limit,
        ...(after ? { after } : {}),
      });
      return {
        status: 200,
        body: {
          payload: {
            ...(next
              ? { pagination: { nextToken: encodeToken(services.tokenKey, { ...spec, after: next }) } }
              : {}),
            orders: page.map((v) =>
              spec.includeDetails
                ? v.order
                : {
                    purchaseOrderNumber: v.order.purchaseOrderNumber,
                    purchaseOrderState: v.order.purchaseOrderState,
                  },
            ),
          },
        },
      };
    },
  };

  const getPurchaseOrder: Route = {
    kind: 'sp-api',
    method: 'GET',
    path: '/vendor/orders/v1/purchaseOrders/{purchaseOrderNumber}',
    operation: 'getPurchaseOrder',
    handle(request) {
      const number = request.params.purchaseOrderNumber ?? '';
      if (!number || number === 'null') {
        return amazonError(400, [
          {
            code: 'InvalidRequest',
            message: 'purchaseOrderNumber is missing or invalid.',
            details: 'purchaseOrderNumber',
          },
        ]);
      }
      const now = clock.now().getTime();
      const record = book.find(number, now);
      if (!record) return notFound(`Purchase order ${number} was not found.`, number);
      return { status: 200, body: { payload: book.view(record, now).order } };
    },
  };

  const getPurchaseOrdersStatus: Route = {
    kind: 'sp-api',
    method: 'GET',
    path: '/vendor/orders/v1/purchaseOrdersStatus',
    operation: 'getPurchaseOrdersStatus',
    handle(request) {
      const now = clock.now().getTime();
      const parsed = parseQuery(getPurchaseOrdersStatusQuery, request.query);
      if (!parsed.ok) return parsed.reply;
      const q = parsed.value;
      let spec: Omit<z.infer<typeof statusTokenSchema>, 'after'>;
      let after: SortKey | undefined;
      if (q.nextToken) {
        const decoded = decodeToken(services.tokenKey, q.nextToken, statusTokenSchema);
        if (!decoded) return badToken();
        const { after: cursor, ...rest } = decoded;
        spec = rest;
        after = cursor;
      } else {
        const created = resolveWindow(
          ['createdAfter', 'createdBefore'],
          q.createdAfter,
          q.createdBefore,
          now,
        );
        if (!created.ok) return created.reply;
        const updated = resolveWindow(
          ['updatedAfter', 'updatedBefore'],
          q.updatedAfter,
          q.updatedBefore,
          now,
        );
        if (!updated.ok) return updated.reply;
        const {
          nextToken: _t,
          createdAfter: _ca,
          createdBefore: _cb,
          updatedAfter: _ua,
          updatedBefore: _ub,
          ...filters
        } = q;
        spec = {
          ...filters,
          op: 'getPurchaseOrdersStatus',
          created:
            created.window ??
            (updated.window || q.purchaseOrderNumber ? undefined : [now - MAX_WINDOW_MS, now]),
          updated: updated.window,
        };
      }
      let records: PurchaseOrderRecord[];
      if (spec.purchaseOrderNumber) {
        const one = book.find(spec.purchaseOrderNumber, now);
        records = one ? [one] : [];
      } else {
        const from = spec.created ? spec.created[0] : spec.updated![0] - MAX_PO_ACTIVITY_MS;
        records = book.createdBetween(from, spec.created ? spec.created[1] : spec.updated![1], now);
      }
      const rows = records
        .map((record) => book.view(record, now))
        .filter((v) => within(v.record.createdAt, spec.created) && within(v.lastUpdatedAt, spec.updated))
        .map((view) => ({ view, status: book.status(view) }))
        .filter(
          ({ status }) =>
            (!spec.purchaseOrderStatus || status.purchaseOrderStatus === spec.purchaseOrderStatus) &&
            (!spec.orderingVendorCode || status.sellingParty.partyId === spec.orderingVendorCode) &&
            (!spec.shipToPartyId || status.shipToParty.partyId === spec.shipToPartyId) &&
            (!spec.itemConfirmationStatus ||
              status.itemStatus.some(
                (i) => i.acknowledgementStatus?.confirmationStatus === spec.itemConfirmationStatus,
              )) &&
            (!spec.itemReceiveStatus ||
              status.itemStatus.some((i) => i.receivingStatus?.receiveStatus === spec.itemReceiveStatus)),
        );
      const { page, next } = paginate(rows, (row) => keyOf(row.view), {
        sortOrder: spec.sortOrder,
        limit: spec.limit,
        ...(after ? { after } : {}),
      });
      return {
        status: 200,
        body: {
          payload: {
            ...(next
              ? { pagination: { nextToken: encodeToken(services.tokenKey, { ...spec, after: next }) } }
              : {}),
            ordersStatus: page.map((row) => row.status),
          },
        },
      };
    },
  };

  const submitAcknowledgement: Route = {
    kind: 'sp-api',
    method: 'POST',
    path: '/vendor/orders/v1/acknowledgements',
    operation: 'submitAcknowledgement',
    body: submitAcknowledgementRequestSchema,
    handle(request) {
      const body = submitAcknowledgementRequestSchema.parse(request.body);
      const now = clock.now().getTime();
      const errors = checkAcknowledgements(body.acknowledgements, { book, now });
      const transactionId = newTransactionId(services, now);
      const decidedAt = now + services.timings.acknowledgementProcessingMs;
      const accepted = errors.length === 0;
      services.state.recordSubmission({
        // Amazon never reports Success for acknowledgements: accepted ones stay Processing.
        transaction: {
          transactionId,
          operation: 'submitAcknowledgement',
          submittedAt: now,
          decidedAt,
          outcome: accepted ? 'Processing' : 'Failure',
          errors,
        },
        acknowledgements: body.acknowledgements.map((acknowledgement) => ({
          transactionId,
          receivedAt: now,
          decidedAt,
          accepted,
          acknowledgement,
        })),
      });
      return { status: 202, body: { payload: { transactionId } } };
    },
  };

  return [getPurchaseOrders, getPurchaseOrder, getPurchaseOrdersStatus, submitAcknowledgement];
}
