import * as z from 'zod';
import {
  type CreditRequestedDetail,
  creditRequestedDetailSchema,
  type ReturnReceivedDetail,
  returnReceivedDetailSchema,
} from '../../domain/credit-memos/credit-request.ts';
import { parseReturnsRecords, responseDeadline } from '../../domain/credit-memos/returns-file.ts';
import type { CsvRecord, FileProblem } from '../../domain/purchase-orders/catalog-file.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '../../events.ts';
import { parseOrThrow } from '../../validation.ts';
import type { AuditTrail } from '../outbox/ports.ts';
import type { EventPublisher } from '../ports.ts';
import type { ReturnStatusStore } from './ports.ts';

/**
 * Inputs → events: a returns export from the inbox becomes one `ReturnReceived` per return (and
 * the return's latest status, which the workflow's receipt gate reads), and `POST
 * /api/credit-requests` becomes a `ReturnReceived` or a `CreditRequested`. Events are published
 * for every return in a file, also ones seen before: the workflow's claim makes a repeat harmless
 * and a later row's status is what lets a waiting memo through.
 */

/** What importing a returns export did. */
export interface ReturnsFileSummary {
  readonly file: string;
  readonly rows: number;
  readonly returns: number;
  readonly problems: readonly FileProblem[];
}

/** How many events go to the bus per call. */
const BATCH = 10;

export function makeImportReturnsFile(deps: {
  /** Reads the file's rows (CSV or XLSX), numbered as the spreadsheet numbers them. */
  readRecords: (key: string) => Promise<CsvRecord[]>;
  statuses: ReturnStatusStore;
  events: EventPublisher;
  audit: AuditTrail;
  now: () => Date;
}) {
  return async function importReturnsFile(key: string): Promise<ReturnsFileSummary> {
    const records = await deps.readRecords(key);
    const result = parseReturnsRecords(records);
    const at = deps.now().toISOString();
    for (const detail of result.returns) {
      if (detail.status)
        await deps.statuses.record(detail.vendorCode, detail.returnReference, detail.status, at);
    }
    for (let i = 0; i < result.returns.length; i += BATCH) {
      await deps.events.publish(
        result.returns.slice(i, i + BATCH).map((detail) => ({
          source: EVENT_SOURCE.creditMemos,
          detailType: DETAIL_TYPE.returnReceived,
          detail: detail as unknown as Record<string, unknown>,
        })),
      );
    }
    if (result.problems.length > 0) {
      await deps.events.publish([
        {
          source: EVENT_SOURCE.creditMemos,
          detailType: DETAIL_TYPE.inboxFileRejectedRows,
          detail: {
            file: key,
            rows: result.rows,
            problems: result.problems.slice(0, 100),
            problemCount: result.problems.length,
          },
        },
      ]);
    }
    await deps.audit.record({
      id: `returnsFile:${key.replace(/[^A-Za-z0-9._:#=+@-]/g, '-').slice(0, 200)}:${at}`,
      at,
      actor: { type: 'system', id: 'returns-import' },
      action: 'returnsFile.imported',
      entity: { type: 'InboxFile', id: key.slice(0, 200) },
      reason: `${result.returns.length} returns raised from ${result.rows} rows; ${result.problems.length} problems`,
      module: 'creditMemos',
    });
    return { file: key, rows: result.rows, returns: result.returns.length, problems: result.problems };
  };
}

/** `POST /api/credit-requests` body: a return, a debit note, or a return's new status. */
export const creditRequestBodySchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('return'),
    return: returnReceivedDetailSchema
      .omit({ source: true, respondBy: true })
      .extend({ respondBy: z.iso.datetime({ offset: true }).optional() }),
  }),
  z.strictObject({
    type: z.literal('debit-note'),
    debitNote: creditRequestedDetailSchema
      .omit({ source: true, respondBy: true })
      .extend({ respondBy: z.iso.datetime({ offset: true }).optional() }),
  }),
  z.strictObject({
    type: z.literal('return-status'),
    vendorCode: z.string().min(1),
    returnReference: z.string().min(1),
    status: z.string().min(1),
  }),
]);

export function makeRequestCredit(deps: {
  statuses: ReturnStatusStore;
  events: EventPublisher;
  now: () => Date;
}) {
  return async function requestCredit(body: unknown): Promise<{ accepted: string; reference: string }> {
    const parsed = parseOrThrow(creditRequestBodySchema, body, 'credit request');
    if (parsed.type === 'return-status') {
      await deps.statuses.record(
        parsed.vendorCode,
        parsed.returnReference,
        parsed.status,
        deps.now().toISOString(),
      );
      return { accepted: 'return-status', reference: parsed.returnReference };
    }
    if (parsed.type === 'return') {
      const r = parsed.return;
      const detail: ReturnReceivedDetail = returnReceivedDetailSchema.parse({
        ...r,
        source: 'api',
        respondBy: r.respondBy ?? responseDeadline(r.returnDate),
      });
      if (detail.status)
        await deps.statuses.record(
          detail.vendorCode,
          detail.returnReference,
          detail.status,
          deps.now().toISOString(),
        );
      await deps.events.publish([
        {
          source: EVENT_SOURCE.creditMemos,
          detailType: DETAIL_TYPE.returnReceived,
          detail: detail as unknown as Record<string, unknown>,
        },
      ]);
      return { accepted: DETAIL_TYPE.returnReceived, reference: detail.returnReference };
    }
    const n = parsed.debitNote;
    const detail: CreditRequestedDetail = creditRequestedDetailSchema.parse({
      ...n,
      source: 'api',
      respondBy: n.respondBy ?? responseDeadline(n.requestedAt),
    });
    await deps.events.publish([
      {
        source: EVENT_SOURCE.creditMemos,
        detailType: DETAIL_TYPE.creditRequested,
        detail: detail as unknown as Record<string, unknown>,
      },
    ]);
    return { accepted: DETAIL_TYPE.creditRequested, reference: detail.debitNoteNumber };
  };
}
