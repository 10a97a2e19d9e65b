import type { InvoiceRecord } from '../../domain/invoices/invoice-record.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '../../events.ts';
import { invoiceSchema } from '../../sp-api/schemas/invoices.ts';
import type { VendorTransactionsApi } from '../../sp-api/vendor-transactions.ts';
import { parseOrThrow } from '../../validation.ts';
import {
  type FollowUpSummary,
  failureCollector,
  followUpSubmissions,
  type TransactionOutcome,
  transactionErrors,
} from '../outbox/follow-up.ts';
import type { InvoicingDeps } from './issue-invoices.ts';
import { dispatchInvoice, INVOICING_ACTOR, submitInvoice, updateInvoice } from './submit-invoice.ts';

/** Amazon's rule: an invoice still `Processing` this long after submission was accepted. */
export const ACCEPTED_AFTER_MS = 15 * 60_000;
/** A number reserved longer than this without an invoice was abandoned by a run that died. */
export const ABANDONED_AFTER_MS = 15 * 60_000;

/** Counts of one follow-up run. */
export interface InvoiceFollowUpSummary extends FollowUpSummary {
  numbersVoided: number;
}

/**
 * The scheduled follow-up of invoices: queued, held and unknown ones go through the outbox again
 * (an unknown is resolved by reading Amazon's state, never resent blindly); submitted ones are
 * read from the transaction status — `Failure` stores Amazon's errors, makes the invoice
 * `rejected` and raises InvoiceFailed; still `Processing` 15 minutes after submission makes it
 * `accepted` (InvoiceAccepted). Numbers left reserved by a run that died are voided with the
 * reason, or issued when their invoice exists after all.
 */
export function makeFollowUpInvoices(
  deps: InvoicingDeps & { transactions: (vendorCode: string) => VendorTransactionsApi; batchSize?: number },
) {
  const batch = deps.batchSize ?? 100;
  return async function followUpInvoices(): Promise<InvoiceFollowUpSummary> {
    const { attempt, rethrow } = failureCollector();
    const summary: InvoiceFollowUpSummary = {
      ...(await followUpSubmissions({
        listByState: (state, limit) => deps.invoices.listByState(state, limit),
        batchSize: batch,
        attempt,
        async redispatch(record) {
          // An invoice may have no outbox message yet (a crash before the enqueue).
          const message = record.messageKey ? await deps.outbox.get(record.messageKey) : undefined;
          if (message) await dispatchInvoice(deps, record);
          else await submitInvoice(deps, record, await archivedPayload(deps, record), INVOICING_ACTOR);
        },
        checkTransaction: (record) => checkTransaction(deps, record),
      })),
      numbersVoided: 0,
    };
    const before = new Date(deps.clock.now().getTime() - ABANDONED_AFTER_MS).toISOString();
    for (const slot of await deps.series.staleReservations(before, batch)) {
      await attempt(async () => {
        const at = deps.clock.now().toISOString();
        if (await deps.invoices.get(slot.invoiceNumber)) {
          await deps.series.issue(slot, at);
          return;
        }
        const reason = 'abandoned: the run that reserved it stopped before issuing an invoice';
        if (await deps.series.void(slot, reason, at)) {
          summary.numbersVoided++;
          await deps.audit.record({
            id: `invoice-number:${slot.invoiceNumber}:void`,
            at,
            actor: INVOICING_ACTOR,
            action: 'invoiceNumber.voided',
            entity: { type: 'InvoiceNumber', id: slot.invoiceNumber },
            reason,
            before: { state: 'reserved' },
            after: { state: 'void' },
            module: 'invoices',
          });
        }
      });
    }
    rethrow();
    return summary;
  };
}

/** The invoice exactly as archived when it was issued. */
export async function archivedPayload(deps: Pick<InvoicingDeps, 'documents'>, record: InvoiceRecord) {
  const bytes = await deps.documents.getDocument(record.documents.json);
  if (!bytes)
    throw new Error(
      `The archived JSON of invoice ${record.invoiceNumber} is missing (${record.documents.json})`,
    );
  const body = JSON.parse(new TextDecoder().decode(bytes)) as { invoices?: unknown[] };
  return parseOrThrow(invoiceSchema, body.invoices?.[0], `archived invoice ${record.invoiceNumber}`);
}

async function checkTransaction(
  deps: InvoicingDeps & { transactions: (vendorCode: string) => VendorTransactionsApi },
  record: InvoiceRecord,
): Promise<TransactionOutcome> {
  const now = deps.clock.now();
  const since = now.getTime() - Date.parse(record.submittedAt ?? record.updatedAt);
  const transaction = record.transactionId
    ? await deps.transactions(record.vendorCode).transaction(record.transactionId)
    : { status: 'Processing' as const, errors: undefined };
  if (transaction.status === 'Failure') {
    const errors = transactionErrors(transaction);
    const updated = await updateInvoice(deps, record, (r) =>
      r.state === 'submitted' ? { ...r, state: 'rejected', errors } : undefined,
    );
    if (updated.revision === record.revision) return 'rejected';
    await deps.audit.record({
      id: `invoice:${record.invoiceNumber}:r${updated.revision}`,
      at: updated.updatedAt,
      actor: INVOICING_ACTOR,
      action: 'invoice.rejected',
      entity: { type: 'Invoice', id: record.invoiceNumber },
      reason: errors.map((e) => `${e.code}: ${e.message}`).join('; ') || 'Failure',
      before: { state: record.state },
      after: { state: 'rejected', errors },
      module: 'invoices',
    });
    await deps.events.publish([
      {
        source: EVENT_SOURCE.invoices,
        detailType: DETAIL_TYPE.invoiceFailed,
        detail: {
          invoiceNumber: record.invoiceNumber,
          vendorCode: record.vendorCode,
          marketplace: record.marketplace,
          transactionId: record.transactionId,
          purchaseOrderNumbers: record.purchaseOrderNumbers,
          errors,
        },
      },
    ]);
    return 'rejected';
  }
  if (since < ACCEPTED_AFTER_MS) return 'stillProcessing';
  const acceptedAt = now.toISOString();
  const updated = await updateInvoice(deps, record, (r) =>
    r.state === 'submitted' ? { ...r, state: 'accepted', acceptedAt } : undefined,
  );
  if (updated.revision === record.revision) return 'accepted';
  await deps.audit.record({
    id: `invoice:${record.invoiceNumber}:r${updated.revision}`,
    at: updated.updatedAt,
    actor: INVOICING_ACTOR,
    action: 'invoice.accepted',
    entity: { type: 'Invoice', id: record.invoiceNumber },
    reason: `transaction ${record.transactionId ?? '(none)'} still Processing ${Math.round(since / 60_000)} min after submission`,
    before: { state: record.state },
    after: { state: 'accepted' },
    module: 'invoices',
  });
  await deps.events.publish([
    {
      source: EVENT_SOURCE.invoices,
      detailType: DETAIL_TYPE.invoiceAccepted,
      detail: {
        invoiceNumber: record.invoiceNumber,
        vendorCode: record.vendorCode,
        marketplace: record.marketplace,
        transactionId: record.transactionId,
        total: record.total,
        currency: record.currency,
      },
    },
  ]);
  return 'accepted';
}
