import type { AuditActor } from '../../domain/audit.ts';
import type { InvoiceRecord } from '../../domain/invoices/invoice-record.ts';
import { invoiceMessageKey } from '../../domain/invoices/keys.ts';
import { AppError, ConfigurationError } from '../../errors.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '../../events.ts';
import type { Invoice } from '../../sp-api/schemas/invoices.ts';
import { submissionOf } from '../outbox/follow-up.ts';
import type { InvoicingDeps } from './issue-invoices.ts';

/**
 * Submitting an issued invoice through the outbox and recording where it went: shared by the
 * issue use case and the follow-up. Kept apart from issuing so the scheduled functions do not
 * load the PDF renderer.
 */

/** The system actor of invoicing. */
export const INVOICING_ACTOR: AuditActor = { type: 'system', id: 'invoicing' };

/** A failure after a number was reserved: the number is voided with this error's message as reason. */
export class InvoiceIssueError extends AppError {
  readonly retryable = true;
}

/** Writes a new version of an invoice record (revision + 1, conditional), re-reading on a conflict. */
export async function updateInvoice(
  deps: Pick<InvoicingDeps, 'invoices' | 'clock'>,
  current: InvoiceRecord,
  change: (record: InvoiceRecord) => InvoiceRecord | undefined,
): Promise<InvoiceRecord> {
  let record = current;
  for (let attempt = 0; attempt < 5; attempt++) {
    const next = change(record);
    if (!next) return record;
    const written = { ...next, revision: record.revision + 1, updatedAt: deps.clock.now().toISOString() };
    if ((await deps.invoices.update(written)) === 'updated') return written;
    const fresh = await deps.invoices.get(record.invoiceNumber);
    if (!fresh) throw new InvoiceIssueError(`Invoice ${record.invoiceNumber} vanished`);
    record = fresh;
  }
  throw new InvoiceIssueError(`Invoice ${current.invoiceNumber} keeps changing`);
}

/**
 * Queues the invoice in the outbox (idempotent by its key: one submission per number, ever) and
 * dispatches it; records where it went and announces InvoiceSubmitted once Amazon took it.
 */
export async function submitInvoice(
  deps: InvoicingDeps,
  record: InvoiceRecord,
  payload: Invoice,
  actor: AuditActor,
): Promise<InvoiceRecord> {
  const vendor = deps.settings.vendors.find((v) => v.vendorCode === record.vendorCode);
  if (!vendor) throw new ConfigurationError(`Vendor code ${record.vendorCode} is not configured`);
  const key = record.messageKey ?? invoiceMessageKey(record.invoiceNumber);
  await deps.outbox.enqueue({
    key,
    module: 'invoices',
    operation: 'submitInvoices',
    target: vendor.spApiAccount,
    subject: { type: 'Invoice', id: record.invoiceNumber },
    payload: { invoices: [payload] },
    actor,
  });
  return dispatchInvoice(deps, { ...record, messageKey: key });
}

/** Dispatches an invoice's outbox message and records the outcome. */
export async function dispatchInvoice(deps: InvoicingDeps, record: InvoiceRecord): Promise<InvoiceRecord> {
  if (!record.messageKey) return record;
  const outcome = await deps.outbox.dispatch(record.messageKey);
  const message = outcome.message;
  if (outcome.kind === 'settled' && (record.state === 'accepted' || record.state === 'rejected'))
    return record;
  const { state, transactionId, errors } = submissionOf(outcome, record.state);
  const updated = await updateInvoice(deps, record, (r) =>
    r.state === state && r.transactionId === transactionId && r.messageKey === record.messageKey
      ? undefined
      : {
          ...r,
          state,
          messageKey: record.messageKey,
          ...(transactionId
            ? {
                transactionId,
                submittedAt:
                  r.transactionId === transactionId
                    ? (r.submittedAt ?? message.updatedAt)
                    : message.updatedAt,
              }
            : {}),
          ...(state === 'failed' && errors ? { errors } : {}),
        },
  );
  if (updated.state !== record.state) {
    await deps.audit.record({
      id: `invoice:${record.invoiceNumber}:r${updated.revision}`,
      at: updated.updatedAt,
      actor: INVOICING_ACTOR,
      action: `invoice.${state === 'submitted' ? 'submitted' : state}`,
      entity: { type: 'Invoice', id: record.invoiceNumber },
      reason:
        state === 'failed'
          ? (errors ?? []).map((e) => `${e.code}: ${e.message}`).join('; ') || 'refused'
          : `outbox: ${outcome.kind}`,
      before: { state: record.state },
      after: { state, ...(transactionId ? { transactionId } : {}) },
      module: 'invoices',
    });
    if (state === 'submitted') {
      await deps.events.publish([
        {
          source: EVENT_SOURCE.invoices,
          detailType: DETAIL_TYPE.invoiceSubmitted,
          detail: {
            invoiceNumber: record.invoiceNumber,
            vendorCode: record.vendorCode,
            marketplace: record.marketplace,
            transactionId,
            total: record.total,
            currency: record.currency,
            purchaseOrderNumbers: record.purchaseOrderNumbers,
          },
        },
      ]);
    }
    if (state === 'failed') {
      await deps.events.publish([
        {
          source: EVENT_SOURCE.invoices,
          detailType: DETAIL_TYPE.invoiceFailed,
          detail: {
            invoiceNumber: record.invoiceNumber,
            vendorCode: record.vendorCode,
            marketplace: record.marketplace,
            purchaseOrderNumbers: record.purchaseOrderNumbers,
            errors: errors ?? [],
          },
        },
      ]);
    }
  }
  return updated;
}
