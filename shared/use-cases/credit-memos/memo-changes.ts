import type { AuditActor } from '../../domain/audit.ts';
import type { CreditMemoRecord } from '../../domain/credit-memos/credit-memo.ts';
import { type DETAIL_TYPE, EVENT_SOURCE } from '../../events.ts';
import { MemoNotFoundError, MemoStateError } from './errors.ts';
import type { CreditMemoDeps } from './ports.ts';

/** The workflow acts as this actor; people act as themselves. */
export const WORKFLOW_ACTOR: AuditActor = { type: 'system', id: 'credit-memo-workflow' };

/** The memo's public summary on the bus: references and amounts, no personal data. */
export function memoEventDetail(memo: CreditMemoRecord): Record<string, unknown> {
  const d = memo.request.detail;
  return {
    memoId: memo.memoId,
    state: memo.state,
    vendorCode: d.vendorCode,
    marketplace: d.marketplace,
    currency: d.currency,
    reference:
      memo.request.kind === 'return'
        ? memo.request.detail.returnReference
        : memo.request.detail.debitNoteNumber,
    kind: memo.request.kind,
    ...(memo.totals ? { total: memo.totals.total } : {}),
    ...(memo.creditNoteNumber ? { creditNoteNumber: memo.creditNoteNumber } : {}),
    respondBy: memo.respondBy,
  };
}

type DetailType = (typeof DETAIL_TYPE)[keyof typeof DETAIL_TYPE];

/**
 * Changes a memo with one conditional write (revision check), records the audit event with the
 * actor, and publishes `event` when given. `change` sees the current record and returns the next
 * fields, or `undefined` to leave it as it is (a repeated step). Conflicts are retried on a fresh
 * read a few times, then raised as MemoStateError for the workflow's Retry.
 */
export async function changeMemo(
  deps: Pick<CreditMemoDeps, 'memos' | 'audit' | 'events' | 'clock'>,
  memoId: string,
  change: (memo: CreditMemoRecord) => Partial<CreditMemoRecord> | undefined,
  how: { action: string; reason: (memo: CreditMemoRecord) => string; actor?: AuditActor; event?: DetailType },
): Promise<{ memo: CreditMemoRecord; changed: boolean }> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const current = await deps.memos.get(memoId);
    if (!current) throw new MemoNotFoundError(`credit memo ${memoId} does not exist`);
    const patch = change(current);
    if (!patch) return { memo: current, changed: false };
    const at = deps.clock.now().toISOString();
    const next: CreditMemoRecord = { ...current, ...patch, revision: current.revision + 1, updatedAt: at };
    if (!(await deps.memos.update(next, current.revision))) continue;
    await deps.audit.record({
      id: `creditMemo:${memoId}:r${String(next.revision).padStart(6, '0')}`,
      at,
      actor: how.actor ?? WORKFLOW_ACTOR,
      action: how.action,
      entity: { type: 'CreditMemo', id: memoId },
      reason: how.reason(next).slice(0, 2000),
      before: { state: current.state },
      after: { state: next.state, ...(next.totals ? { total: next.totals.total } : {}) },
      module: 'creditMemos',
    });
    if (how.event) {
      await deps.events.publish([
        { source: EVENT_SOURCE.creditMemos, detailType: how.event, detail: memoEventDetail(next) },
      ]);
    }
    return { memo: next, changed: true };
  }
  throw new MemoStateError(`credit memo ${memoId} changed concurrently; try again`);
}
