import * as z from 'zod';
import { documentsPrefix } from '../../domain/archive/layout.ts';
import {
  type ComputedMemo,
  type CreditMemoRecord,
  computeDebitNoteMemo,
  computeReturnMemo,
  creditMemoRequestSchema,
  decidePolicy,
  isReceived,
  memoIdOf,
  type PoLine,
  sourceKeyOf,
} from '../../domain/credit-memos/credit-memo.ts';
import {
  buildCreditNoteRequest,
  filingOf,
  invoicePartyOf,
  memoTaxOf,
  renderMemoDocument,
  renderMemoPdf,
} from '../../domain/credit-memos/credit-note.ts';
import {
  creditRequestedDetailSchema,
  returnReceivedDetailSchema,
} from '../../domain/credit-memos/credit-request.ts';
import { allowedTaxRates, marketplaceRule } from '../../domain/invoices/marketplace-rules.ts';
import { CREDIT_NOTE_SERIES, type NumberSlot } from '../../domain/invoices/numbering.ts';
import { validateInvoice } from '../../domain/invoices/validate-invoice.ts';
import { ValidationError } from '../../errors.ts';
import { DETAIL_TYPE } from '../../events.ts';
import type { SubmitInvoicesRequest } from '../../sp-api/schemas/invoices.ts';
import type { PurchaseOrder } from '../../sp-api/schemas/orders.ts';
import { parseOrThrow } from '../../validation.ts';
import { CreditNoteRejectedError, CreditNoteSubmissionPendingError, MemoStateError } from './errors.ts';
import { changeMemo, WORKFLOW_ACTOR } from './memo-changes.ts';
import { requestApprovalMessages } from './notifications.ts';
import type { CreditMemoDeps } from './ports.ts';

/**
 * The steps of the credit-memo workflow (state-machines/credit-memo.asl.json), one use case per
 * Task state. The memo's record in DynamoDB is the truth: every step reads it, changes it with
 * one conditional write, audits the change and returns only what the next Choice needs (ids and
 * flags — never a token or a secret, so nothing secret reaches the execution history).
 */

/** What the workflow is started with: the bus event's type and detail. */
export const workflowStartSchema = z.object({
  detailType: z.enum([DETAIL_TYPE.returnReceived, DETAIL_TYPE.creditRequested]),
  detail: z.unknown(),
  executionArn: z.string().optional(),
});
export type WorkflowStart = z.infer<typeof workflowStartSchema>;

/** Where a claimed memo continues: a new memo starts at `receipt`; a duplicate ends. */
export type ClaimOutcome = {
  memoId: string;
  next: 'duplicate' | 'receipt' | 'approval' | 'submit' | 'filing' | 'transaction' | 'done';
};

/** Amazon's invoices stay `Processing` for ever: after this long a credit note counts as accepted. */
export const ACCEPTED_AFTER_MS = 15 * 60_000;

function poLines(order: PurchaseOrder): PoLine[] {
  return (order.orderDetails?.items ?? []).map((item) => {
    const q = item.orderedQuantity;
    const eaches = (q?.amount ?? 0) * (q?.unitOfMeasure === 'Cases' ? (q?.unitSize ?? 1) : 1);
    return {
      itemSequenceNumber: String(item.itemSequenceNumber),
      asin: item.amazonProductIdentifier,
      vendorSku: item.vendorProductIdentifier,
      orderedQuantity: eaches,
      netCost:
        item.netCost?.amount && item.netCost.currencyCode
          ? { amount: item.netCost.amount, currency: item.netCost.currencyCode }
          : undefined,
    };
  });
}

export function makeCreditMemoWorkflow(deps: CreditMemoDeps) {
  const now = () => deps.clock.now();

  /** Validates the request and claims its source: only the first event for a source makes a memo. */
  async function claim(input: WorkflowStart): Promise<ClaimOutcome> {
    const detailSchema =
      input.detailType === DETAIL_TYPE.returnReceived
        ? returnReceivedDetailSchema
        : creditRequestedDetailSchema;
    const detail = parseOrThrow(detailSchema, input.detail, `${input.detailType} detail`);
    const request = parseOrThrow(
      creditMemoRequestSchema,
      { kind: input.detailType === DETAIL_TYPE.returnReceived ? 'return' : 'debit-note', detail },
      'credit memo request',
    );
    const at = now().toISOString();
    const memoId = memoIdOf(request);
    const record: CreditMemoRecord = {
      memoId,
      sourceKey: sourceKeyOf(request),
      request,
      state: 'claimed',
      revision: 1,
      createdAt: at,
      updatedAt: at,
      respondBy: detail.respondBy,
      ...(input.executionArn ? { executionArn: input.executionArn } : {}),
    };
    const outcome = await deps.memos.claim(record);
    if (outcome === 'duplicate') {
      // The same source again (a re-sent export, a second event): nothing to do, on the record.
      await deps.audit.record({
        id: `creditMemo:${memoId}:duplicate:${(input.executionArn ?? at).replace(/[^A-Za-z0-9._:#=+@-]/g, '-').slice(-120)}`,
        at,
        actor: { type: 'system', id: 'credit-memo-workflow' },
        action: 'creditMemo.duplicateIgnored',
        entity: { type: 'CreditMemo', id: memoId },
        reason: `a second ${input.detailType} for ${record.sourceKey} was ignored: one memo per source`,
        module: 'creditMemos',
      });
      return { memoId, next: 'duplicate' };
    }
    await deps.audit.record({
      id: `creditMemo:${memoId}:r000001`,
      at,
      actor: { type: 'system', id: 'credit-memo-workflow' },
      action: 'creditMemo.claimed',
      entity: { type: 'CreditMemo', id: memoId },
      reason: `${input.detailType} from ${detail.source}; respond by ${detail.respondBy}`,
      after: { state: 'claimed' },
      module: 'creditMemos',
    });
    return { memoId, next: 'receipt' };
  }

  /**
   * Where a memo whose workflow run was lost (a restarted `npm start`) continues, from its stored
   * state: the new run skips what is done.
   */
  async function resume(memoId: string, executionArn?: string): Promise<ClaimOutcome> {
    const memo = await deps.memos.get(memoId);
    if (!memo) throw new MemoStateError(`credit memo ${memoId} does not exist`);
    if (executionArn) {
      await changeMemo(deps, memoId, () => ({ executionArn }), {
        action: 'creditMemo.resumed',
        reason: () => `workflow resumed from state ${memo.state}`,
      });
    }
    const next: Record<CreditMemoRecord['state'], ClaimOutcome['next']> = {
      claimed: 'receipt',
      'awaiting-receipt': 'receipt',
      'pending-approval': 'approval',
      approved: 'submit',
      'awaiting-filing': 'filing',
      submitted: 'transaction',
      rejected: 'done',
      accepted: 'done',
      filed: 'done',
      simulated: 'done',
      expired: 'done',
      failed: 'done',
    };
    return { memoId, next: next[memo.state] };
  }

  /** The receipt gate: a return is credited only once Amazon's status says the goods arrived. */
  async function checkReceipt(input: {
    memoId: string;
  }): Promise<{ received: boolean; expired: boolean; nextCheckAt: string }> {
    const memo = await deps.memos.get(input.memoId);
    if (!memo) throw new MemoStateError(`credit memo ${input.memoId} does not exist`);
    const d = memo.request.detail;
    // A debit note for a return waits for that return too; one for a price or shortage claim does not.
    const reference = d.returnReference;
    let received = true;
    let status: string | undefined;
    if (reference) {
      const stored = await deps.returnStatuses.get(d.vendorCode, reference);
      status = stored?.status ?? (memo.request.kind === 'return' ? memo.request.detail.status : undefined);
      received = isReceived(status, deps.settings.receivedStatuses);
    }
    const at = now();
    const expired = !received && at.getTime() >= Date.parse(memo.respondBy);
    const nextCheck = Math.min(
      at.getTime() + deps.settings.recheckReceiptMinutes * 60_000,
      Date.parse(memo.respondBy),
    );
    if (!received && memo.state === 'claimed') {
      await changeMemo(
        deps,
        memo.memoId,
        (m) => (m.state === 'claimed' ? { state: 'awaiting-receipt' } : undefined),
        {
          action: 'creditMemo.awaitingReceipt',
          reason: () =>
            `return ${reference} not confirmed received (status ${status ?? 'unknown'}); checked again until ${memo.respondBy}`,
        },
      );
    }
    if (expired) {
      await changeMemo(
        deps,
        memo.memoId,
        (m) => (m.state === 'claimed' || m.state === 'awaiting-receipt' ? { state: 'expired' } : undefined),
        {
          action: 'creditMemo.receiptNotConfirmed',
          reason: () =>
            `return ${reference} still not confirmed received at the deadline ${memo.respondBy}; escalated`,
          event: DETAIL_TYPE.creditMemoEscalated,
        },
      );
    }
    return { received, expired, nextCheckAt: new Date(nextCheck).toISOString() };
  }

  /** Lines and amounts from the PO and the original invoice, then the policy. */
  async function prepare(input: {
    memoId: string;
  }): Promise<{ decision: 'auto-approve' | 'reject' | 'ask' }> {
    const memo = await deps.memos.get(input.memoId);
    if (!memo) throw new MemoStateError(`credit memo ${input.memoId} does not exist`);
    if (memo.policy) return { decision: memo.policy.decision };
    const d = memo.request.detail;
    const tax = memoTaxOf(d.marketplace);
    let computed: ComputedMemo;
    if (memo.request.kind === 'return') {
      const pos = [
        ...new Set(
          memo.request.detail.items.flatMap((i) => (i.purchaseOrderNumber ? [i.purchaseOrderNumber] : [])),
        ),
      ];
      const orders = new Map<string, PoLine[] | undefined>();
      const invoices = new Map<string, Awaited<ReturnType<typeof deps.invoices.forPurchaseOrder>>>();
      for (const po of pos) {
        const found = await deps.orders.get(po);
        orders.set(po, found ? poLines(found.order) : undefined);
        invoices.set(po, found ? await deps.invoices.forPurchaseOrder(po) : undefined);
      }
      computed = computeReturnMemo({ detail: memo.request.detail, orders, invoices, tax });
    } else {
      const ref = memo.request.detail.referenceInvoiceNumber;
      const invoice = ref ? await deps.invoices.byNumber(ref) : undefined;
      computed = computeDebitNoteMemo({ detail: memo.request.detail, invoice, tax });
    }
    const policy = decidePolicy(computed, d.currency, deps.settings);
    const state =
      policy.decision === 'auto-approve'
        ? 'approved'
        : policy.decision === 'reject'
          ? 'rejected'
          : memo.state;
    await changeMemo(
      deps,
      memo.memoId,
      (m) =>
        m.policy
          ? undefined
          : {
              lines: computed.lines,
              totals: computed.totals,
              ...(computed.referenceInvoiceNumber
                ? { referenceInvoiceNumber: computed.referenceInvoiceNumber }
                : {}),
              policy,
              state,
              ...(policy.decision === 'auto-approve'
                ? {
                    decision: {
                      by: 'policy',
                      at: now().toISOString(),
                      outcome: 'approved' as const,
                      note: policy.reasons.join('; '),
                    },
                  }
                : {}),
            },
      {
        action:
          policy.decision === 'auto-approve'
            ? 'creditMemo.autoApproved'
            : policy.decision === 'reject'
              ? 'creditMemo.rejected'
              : 'creditMemo.priced',
        reason: () => `${policy.decision}: ${policy.reasons.join('; ')}`,
        actor: { type: 'rule', id: `creditMemos.policy.${policy.decision}` },
        ...(policy.decision === 'reject' ? { event: DETAIL_TYPE.creditMemoRejected } : {}),
        ...(policy.decision === 'auto-approve' ? { event: DETAIL_TYPE.creditMemoApproved } : {}),
      },
    );
    return { decision: policy.decision };
  }

  /**
   * Asks the configured approvers (waitForTaskToken): the token is stored with a new approval
   * under an opaque id, and each approver gets an email — and the Slack channel a message with
   * buttons — through the outbox. A resumed run hands its new token to the pending approval, so
   * links already sent keep working.
   */
  /** Reads of a pending approval a resumed run makes before it gives up and lets the step retry. */
  const TAKEOVER_ATTEMPTS = 5;

  async function requestApproval(input: {
    memoId: string;
    taskToken: string;
  }): Promise<{ approvalId: string }> {
    const memo = await deps.memos.get(input.memoId);
    if (!memo) throw new MemoStateError(`credit memo ${input.memoId} does not exist`);
    if (deps.approvers.length === 0)
      throw new MemoStateError('no approvers are configured (config approvers[])');
    const at = now();
    if (memo.approvalId) {
      // A resumed run takes over the pending approval. The approval can change under it — decided
      // by a click that came with the old run's token (which Step Functions no longer knows), or a
      // reminder sent — so a failed takeover reads it again: never a second approval for one memo.
      for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
        const existing = await deps.approvals.get(memo.approvalId);
        if (!existing) break;
        if (existing.state === 'pending') {
          if (await deps.approvals.replaceToken(existing.approvalId, input.taskToken))
            return { approvalId: existing.approvalId };
          continue;
        }
        // Decided while no run was waiting: hand the decision to this run at once.
        if (existing.state === 'approved')
          await deps.callbacks.succeed(input.taskToken, { approvalId: existing.approvalId });
        else
          await deps.callbacks.fail(
            input.taskToken,
            existing.state === 'rejected' ? 'ApprovalRejected' : 'ApprovalExpired',
            `approval ${existing.approvalId} ${existing.state}`,
          );
        return { approvalId: existing.approvalId };
      }
      if (await deps.approvals.get(memo.approvalId)) {
        throw new MemoStateError(
          `approval ${memo.approvalId} of ${memo.memoId} kept changing; the step is retried`,
        );
      }
    }
    const approvalId = deps.randomId();
    const cap = Math.min(at.getTime() + deps.settings.approvalHours * 3_600_000, Date.parse(memo.respondBy));
    const expiresAt = new Date(Math.max(cap, at.getTime() + 3_600_000)).toISOString();
    const d = memo.request.detail;
    const record = {
      approvalId,
      memoId: memo.memoId,
      state: 'pending' as const,
      taskToken: input.taskToken,
      approvers: deps.approvers.map((a) => a.name),
      createdAt: at.toISOString(),
      expiresAt,
      remindersSent: 0,
      escalated: false,
      summary: {
        vendorCode: d.vendorCode,
        marketplace: d.marketplace,
        reference:
          memo.request.kind === 'return'
            ? memo.request.detail.returnReference
            : memo.request.detail.debitNoteNumber,
        total: memo.totals?.total ?? '0',
        currency: d.currency,
        reasons: memo.policy?.reasons ?? [],
      },
    };
    await deps.approvals.create(record);
    await changeMemo(deps, memo.memoId, () => ({ state: 'pending-approval', approvalId }), {
      action: 'creditMemo.approvalRequested',
      reason: () =>
        `asked ${record.approvers.join(', ')} until ${expiresAt}: ${record.summary.reasons.join('; ')}`,
      event: DETAIL_TYPE.creditMemoApprovalRequested,
    });
    await requestApprovalMessages(deps, record, 'request');
    return { approvalId };
  }

  /** Builds and sends the credit note (API marketplaces) or the Vendor Central document (elsewhere). */
  async function submit(input: {
    memoId: string;
  }): Promise<{ filing: 'api' | 'vendor-central'; outcome: 'submitted' | 'simulated' | 'awaiting-filing' }> {
    let memo = await deps.memos.get(input.memoId);
    if (!memo) throw new MemoStateError(`credit memo ${input.memoId} does not exist`);
    const d = memo.request.detail;
    const filing = filingOf(d.marketplace);
    if (memo.state === 'submitted') return { filing, outcome: 'submitted' };
    if (memo.state === 'simulated') return { filing, outcome: 'simulated' };
    if (memo.state === 'awaiting-filing') return { filing, outcome: 'awaiting-filing' };
    if (memo.state !== 'approved')
      throw new MemoStateError(`credit memo ${memo.memoId} is ${memo.state}, not approved`);
    const at = now().toISOString();
    // Build (and check) what leaves first: a credit note that cannot be built gets no number.
    const prepared = await prepareFiling(memo, filing, at);
    for (let attempt = 0; ; attempt++) {
      memo = await numberMemo(memo, filing);
      const number = memo.creditNoteNumber!;
      const built = prepared(number);
      // reserved → issued just before the number leaves; a slot voided meanwhile (an abandoned
      // reservation the invoicing follow-up voided) is never used: the memo takes a new one.
      if (await issueNumber(memo)) {
        if (built.kind === 'document') return fileInVendorCentral(memo, number, built, at);
        return sendCreditNote(memo, number, built.payload, filing);
      }
      if (attempt >= 2)
        throw new MemoStateError(`credit note numbers of memo ${memo.memoId} keep being voided; try again`);
    }
  }

  type Built =
    | { kind: 'document'; html: string; csv: string; pdf: Uint8Array | undefined }
    | { kind: 'api'; payload: SubmitInvoicesRequest };

  /**
   * What the memo files, as a function of its number: the payload is built and validated with a
   * placeholder number first, so a memo whose credit note cannot pass never takes a number.
   */
  async function prepareFiling(
    memo: CreditMemoRecord,
    filing: 'api' | 'vendor-central',
    at: string,
  ): Promise<(number: string) => Built> {
    const d = memo.request.detail;
    const rule = marketplaceRule(d.marketplace);
    if (filing === 'vendor-central') {
      const build = (number: string): Built => {
        const document = renderMemoDocument(memo, number, at);
        return { kind: 'document', ...document, pdf: renderMemoPdf(memo, number, at, deps.remitTo) };
      };
      build('CHECK-CN-000001');
      return build;
    }
    const order =
      memo.request.kind === 'return'
        ? memo.request.detail.items.find((i) => i.purchaseOrderNumber)?.purchaseOrderNumber
        : memo.lines?.[0]?.purchaseOrderNumber;
    const details = order ? (await deps.orders.get(order))?.order.orderDetails : undefined;
    const billTo = details?.billToParty;
    const shipTo = details?.shipToParty;
    const build = (number: string): Built => {
      const payload = buildCreditNoteRequest({
        memo,
        creditNoteNumber: number,
        date: at,
        remitTo: deps.remitTo,
        billTo: billTo ? invoicePartyOf(billTo) : undefined,
        shipTo: shipTo ? invoicePartyOf(shipTo) : undefined,
        shipFrom: deps.shipFrom,
        taxType: rule?.tax?.taxType ?? 'VAT',
        taxRates: rule ? allowedTaxRates(rule) : [],
      });
      const issues = validateInvoice(payload.invoices[0], { marketplace: d.marketplace, now: now() });
      if (issues.length > 0) {
        throw new ValidationError(
          `credit note of memo ${memo.memoId} would be refused: ${issues.map((i) => `${i.path}: ${i.message} (${i.rule})`).join('; ')}`,
        );
      }
      return { kind: 'api', payload };
    };
    build(`${deps.creditNoteSeries.prefix}-${CREDIT_NOTE_SERIES}-000001`);
    return build;
  }

  const seriesRef = () => ({ ...deps.creditNoteSeries, series: CREDIT_NOTE_SERIES });

  /** The slot of the memo's number in the credit-note series, as stored. */
  async function slotOf(memo: CreditMemoRecord): Promise<NumberSlot | undefined> {
    if (!memo.creditNoteSequence) return undefined;
    const [slot] = await deps.numbers.list(seriesRef(), { fromSequence: memo.creditNoteSequence, limit: 1 });
    return slot?.sequence === memo.creditNoteSequence && slot.invoiceNumber === memo.creditNoteNumber
      ? slot
      : undefined;
  }

  /**
   * Gives the memo a credit-note number: a reserved slot of the series, recorded on the memo with
   * one conditional write. A memo numbered before keeps its number unless the slot was voided.
   */
  async function numberMemo(
    memo: CreditMemoRecord,
    filing: 'api' | 'vendor-central',
  ): Promise<CreditMemoRecord> {
    if (memo.creditNoteNumber) {
      if (!memo.creditNoteSequence) return memo; // numbered by the former counter: kept as it is
      const slot = await slotOf(memo);
      if (slot && slot.state !== 'void') return memo;
      const dropped = memo.creditNoteNumber;
      ({ memo } = await changeMemo(
        deps,
        memo.memoId,
        (m) =>
          m.creditNoteNumber === dropped
            ? { creditNoteNumber: undefined, creditNoteSequence: undefined }
            : undefined,
        {
          action: 'creditMemo.numberVoided',
          reason: () =>
            `credit note number ${dropped} was voided before it was issued (${slot?.reason ?? 'not found'}); a new one is taken`,
        },
      ));
      if (memo.creditNoteNumber) return memo;
    }
    const slot = await deps.numbers.reserve(seriesRef(), `credit memo ${memo.memoId}`, now().toISOString());
    const result = await changeMemo(
      deps,
      memo.memoId,
      (m) =>
        m.creditNoteNumber
          ? undefined
          : { creditNoteNumber: slot.invoiceNumber, creditNoteSequence: slot.sequence, filing },
      {
        action: 'creditMemo.numbered',
        reason: (m) =>
          `credit note number ${m.creditNoteNumber}; filed ${filing === 'api' ? 'through submitInvoices' : 'in Vendor Central'}`,
      },
    ).catch(async (error: unknown) => {
      await voidNumber(slot, `credit memo ${memo.memoId} could not record the number: ${String(error)}`);
      throw error;
    });
    if (result.memo.creditNoteNumber !== slot.invoiceNumber) {
      await voidNumber(
        slot,
        `credit memo ${memo.memoId} was numbered ${result.memo.creditNoteNumber} by another run first`,
      );
    }
    return result.memo;
  }

  /** reserved → issued; true when the number is (now or already) issued. */
  async function issueNumber(memo: CreditMemoRecord): Promise<boolean> {
    if (!memo.creditNoteSequence) return true;
    const slot = await slotOf(memo);
    if (!slot) return false;
    if (slot.state === 'issued') return true;
    if (slot.state === 'void') return false;
    return deps.numbers.issue(slot, now().toISOString());
  }

  /** reserved → void with the reason (audited); false when the slot was no longer reserved. */
  async function voidNumber(slot: NumberSlot, reason: string): Promise<boolean> {
    const at = now().toISOString();
    if (!(await deps.numbers.void(slot, reason.slice(0, 500), at))) return false;
    await deps.audit.record({
      id: `invoice-number:${slot.invoiceNumber}:void`,
      at,
      actor: WORKFLOW_ACTOR,
      action: 'invoiceNumber.voided',
      entity: { type: 'InvoiceNumber', id: slot.invoiceNumber },
      reason: reason.slice(0, 2000),
      before: { state: 'reserved' },
      after: { state: 'void' },
      module: 'creditMemos',
    });
    return true;
  }

  /** The Vendor Central memo: archived as PDF, HTML and CSV; an operator files it and confirms. */
  async function fileInVendorCentral(
    memo: CreditMemoRecord,
    number: string,
    document: { html: string; csv: string; pdf: Uint8Array | undefined },
    at: string,
  ): Promise<{ filing: 'vendor-central'; outcome: 'awaiting-filing' }> {
    const base = `${documentsPrefix('creditMemos')}vendorCentral/dt=${at.slice(0, 10)}/${number}`;
    const documentKey = document.pdf ? `${base}.pdf` : `${base}.html`;
    if (document.pdf)
      await deps.archive.putObject({
        key: `${base}.pdf`,
        body: document.pdf,
        contentType: 'application/pdf',
      });
    await deps.archive.putDocument({
      key: `${base}.html`,
      body: document.html,
      contentType: 'text/html; charset=utf-8',
    });
    await deps.archive.putDocument({
      key: `${base}.csv`,
      body: document.csv,
      contentType: 'text/csv; charset=utf-8',
    });
    await changeMemo(
      deps,
      memo.memoId,
      (m) => (m.state === 'approved' ? { state: 'awaiting-filing', documentKey } : undefined),
      {
        action: 'creditMemo.documentReady',
        reason: () =>
          `credit memo ${number} for Vendor Central archived at ${documentKey} (with ${document.pdf ? '.html and ' : ''}.csv); an operator files it and confirms`,
        event: DETAIL_TYPE.creditMemoFilingRequired,
      },
    );
    return { filing: 'vendor-central', outcome: 'awaiting-filing' };
  }

  /** The API credit note through the outbox. */
  async function sendCreditNote(
    memo: CreditMemoRecord,
    number: string,
    payload: SubmitInvoicesRequest,
    filing: 'api' | 'vendor-central',
  ): Promise<{ filing: 'api' | 'vendor-central'; outcome: 'submitted' | 'simulated' }> {
    const d = memo.request.detail;
    const key = `creditnote:${memo.memoId}`;
    await deps.outbox.enqueue({
      key,
      module: 'creditMemos',
      operation: 'submitInvoices',
      target: deps.accountOf(d.vendorCode),
      subject: { type: 'CreditMemo', id: memo.memoId },
      payload,
      actor: { type: 'system', id: 'credit-memo-workflow' },
    });
    const { kind, message } = await deps.outbox.dispatch(key);
    const state = message.state;
    if (kind === 'failed' || state === 'failed') {
      throw new CreditNoteRejectedError(
        `Amazon refused credit note ${number}: ${message.lastError?.message ?? 'no reason given'}`,
      );
    }
    if (state === 'sent') {
      const transactionId =
        typeof message.result?.transactionId === 'string' ? message.result.transactionId : undefined;
      await changeMemo(
        deps,
        memo.memoId,
        (m) =>
          m.state === 'approved'
            ? {
                state: 'submitted',
                outboxKey: key,
                submittedAt: message.updatedAt,
                ...(transactionId ? { transactionId } : {}),
              }
            : undefined,
        {
          action: 'creditMemo.submitted',
          reason: () =>
            `credit note ${number} sent to Amazon${transactionId ? ` (transaction ${transactionId})` : ''}`,
          event: DETAIL_TYPE.creditMemoSubmitted,
        },
      );
      return { filing, outcome: 'submitted' };
    }
    if (state === 'simulated') {
      await changeMemo(
        deps,
        memo.memoId,
        (m) => (m.state === 'approved' ? { state: 'simulated', outboxKey: key } : undefined),
        {
          action: 'creditMemo.simulated',
          reason: () => `credit note ${number} recorded, not sent: creditMemos runs in simulate`,
          event: DETAIL_TYPE.creditMemoSubmitted,
        },
      );
      return { filing, outcome: 'simulated' };
    }
    throw new CreditNoteSubmissionPendingError(
      `credit note ${number} is ${state} in the outbox (${kind}); trying again`,
    );
  }

  /** The operator's filing task (waitForTaskToken): the token is kept server-side until they confirm. */
  async function awaitFiling(input: { memoId: string; taskToken: string }): Promise<{ memoId: string }> {
    const memo = await deps.memos.get(input.memoId);
    if (!memo) throw new MemoStateError(`credit memo ${input.memoId} does not exist`);
    if (memo.state === 'filed') {
      await deps.callbacks.succeed(input.taskToken, { memoId: memo.memoId });
      return { memoId: memo.memoId };
    }
    await deps.memos.saveFilingToken(memo.memoId, input.taskToken);
    return { memoId: memo.memoId };
  }

  /** Reads Amazon's transaction status: `Failure` fails the memo; 15 minutes of `Processing` accepts it. */
  async function checkTransaction(input: { memoId: string }): Promise<{ accepted: boolean }> {
    const memo = await deps.memos.get(input.memoId);
    if (!memo) throw new MemoStateError(`credit memo ${input.memoId} does not exist`);
    if (memo.state === 'accepted') return { accepted: true };
    if (memo.state !== 'submitted' || !memo.transactionId)
      throw new MemoStateError(`credit memo ${memo.memoId} is ${memo.state}, not submitted`);
    const d = memo.request.detail;
    const { status, errors } = await deps.transactions.status(
      deps.accountOf(d.vendorCode),
      memo.transactionId,
    );
    if (status === 'Failure') {
      throw new CreditNoteRejectedError(
        `Amazon refused credit note ${memo.creditNoteNumber}: ${errors.join('; ') || 'Failure'}`,
      );
    }
    const age = now().getTime() - Date.parse(memo.submittedAt ?? memo.updatedAt);
    if (status === 'Success' || age >= ACCEPTED_AFTER_MS) {
      await changeMemo(
        deps,
        memo.memoId,
        (m) => (m.state === 'submitted' ? { state: 'accepted' } : undefined),
        {
          action: 'creditMemo.accepted',
          reason: () =>
            `Amazon ${status === 'Success' ? 'accepted' : 'kept processing for 15 minutes (accepted)'} credit note ${memo.creditNoteNumber}`,
          event: DETAIL_TYPE.creditMemoAccepted,
        },
      );
      return { accepted: true };
    }
    return { accepted: false };
  }

  /** The failure path: the memo is marked failed with the reason, an alert goes out; an operator resumes it. */
  async function recordFailure(input: {
    memoId: string;
    error?: { Error?: string; Cause?: string };
  }): Promise<{ memoId: string }> {
    const error = input.error?.Error ?? 'Unknown';
    let cause = input.error?.Cause ?? '';
    try {
      const parsed = JSON.parse(cause) as { errorMessage?: unknown };
      if (typeof parsed.errorMessage === 'string') cause = parsed.errorMessage;
    } catch {
      // a plain message
    }
    // A number reserved but never issued (the memo failed before it was submitted) is voided with
    // the failure as its reason and leaves the memo: a resumed memo takes a new one.
    const current = await deps.memos.get(input.memoId);
    const slot = current ? await slotOf(current) : undefined;
    const voided =
      slot?.state === 'reserved' &&
      (await voidNumber(slot, `credit memo ${input.memoId} failed before submission: ${error}: ${cause}`));
    await changeMemo(
      deps,
      input.memoId,
      (m) =>
        ['accepted', 'filed', 'simulated', 'rejected', 'failed'].includes(m.state)
          ? undefined
          : {
              state: 'failed',
              failure: { error, cause: cause.slice(0, 1000) },
              ...(voided && m.creditNoteNumber === slot.invoiceNumber
                ? { creditNoteNumber: undefined, creditNoteSequence: undefined }
                : {}),
            },
      {
        action: 'creditMemo.failed',
        reason: () => `${error}: ${cause.slice(0, 500)}`,
        event: DETAIL_TYPE.creditMemoFailed,
      },
    );
    return { memoId: input.memoId };
  }

  /** The approval never came (expired or the task timed out): the memo is escalated, not filed. */
  async function approvalTimedOut(input: { memoId: string }): Promise<{ memoId: string }> {
    const memo = await deps.memos.get(input.memoId);
    if (memo?.approvalId) {
      await deps.approvals.decide(
        memo.approvalId,
        {
          state: 'expired',
          decision: {
            by: 'system',
            at: now().toISOString(),
            via: 'expiry',
            note: 'no decision before the deadline',
          },
        },
        now().toISOString(),
      );
    }
    await changeMemo(
      deps,
      input.memoId,
      (m) => (m.state === 'pending-approval' ? { state: 'expired' } : undefined),
      {
        action: 'creditMemo.approvalExpired',
        reason: () => 'no approver decided before the deadline; escalated',
        event: DETAIL_TYPE.creditMemoEscalated,
      },
    );
    return { memoId: input.memoId };
  }

  return {
    claim,
    resume,
    checkReceipt,
    prepare,
    requestApproval,
    submit,
    awaitFiling,
    checkTransaction,
    recordFailure,
    approvalTimedOut,
  };
}

export type CreditMemoWorkflow = ReturnType<typeof makeCreditMemoWorkflow>;
