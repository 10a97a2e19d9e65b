import {
  APPROVAL_FAILURE,
  type ApprovalRecord,
  ApprovalRefusedError,
  approvalView,
  csrfNonce,
  safeEqual,
} from '../../domain/approvals/approval.ts';
import { type ApprovalLinkClaims, verifyApprovalLink } from '../../domain/approvals/approval-link.ts';
import type { AuditActor } from '../../domain/audit.ts';
import type { CreditMemoRecord } from '../../domain/credit-memos/credit-memo.ts';
import { DETAIL_TYPE } from '../../events.ts';
import { changeMemo } from './memo-changes.ts';
import { approverActor, requestApprovalMessages } from './notifications.ts';
import type { CreditMemoDeps } from './ports.ts';

/**
 * People's side of the workflow: the review page (GET shows, never decides), the decision (POST
 * from the page with its CSRF nonce, or a Slack button whose request signature was checked), the
 * reminders and the escalation, and the operator's confirmation that a Vendor Central memo was
 * filed. A decision is one conditional write pending → decided, made before the workflow is told.
 */

/** Who decides and from where, for the record. */
export interface DecisionContext {
  readonly sourceIp?: string | undefined;
  readonly userAgent?: string | undefined;
}

export function makeApprovalDesk(deps: CreditMemoDeps) {
  const now = () => deps.clock.now();

  async function approvalAndMemo(
    approvalId: string,
  ): Promise<{ approval: ApprovalRecord; memo: CreditMemoRecord }> {
    const approval = await deps.approvals.get(approvalId);
    if (!approval) throw new ApprovalRefusedError('not-found', 'this approval does not exist');
    const memo = await deps.memos.get(approval.memoId);
    if (!memo) throw new ApprovalRefusedError('not-found', 'the credit memo of this approval does not exist');
    return { approval, memo };
  }

  function checkApprover(approval: ApprovalRecord, name: string): void {
    const configured = deps.approvers.some((a) => a.name === name);
    if (!configured || !approval.approvers.includes(name)) {
      throw new ApprovalRefusedError('not-an-approver', 'you are not an approver of this credit memo');
    }
  }

  async function claimsOf(token: string, approvalId: string): Promise<ApprovalLinkClaims> {
    const claims = verifyApprovalLink(token, await deps.linkKeys(), now());
    if (claims.approvalId !== approvalId)
      throw new ApprovalRefusedError('forged', 'the link is for another approval');
    return claims;
  }

  /** The review page's content for a genuine link: shows, changes nothing (GET and HEAD). */
  async function review(approvalId: string, token: string) {
    const claims = await claimsOf(token, approvalId);
    const { approval, memo } = await approvalAndMemo(approvalId);
    checkApprover(approval, claims.approver);
    const keys = await deps.linkKeys();
    return {
      approval: approvalView(approval),
      memo: {
        memoId: memo.memoId,
        state: memo.state,
        lines: memo.lines ?? [],
        totals: memo.totals,
        referenceInvoiceNumber: memo.referenceInvoiceNumber,
        respondBy: memo.respondBy,
        request: memo.request,
      },
      approver: claims.approver,
      csrf: csrfNonce(keys.current, token),
    };
  }

  /** Records the decision (conditional) and only then tells the workflow. */
  async function decide(
    approvalId: string,
    approver: string,
    outcome: 'approved' | 'rejected',
    note: string,
    via: 'link' | 'slack' | 'console',
    context: DecisionContext,
    signedIn?: AuditActor,
  ): Promise<{ approvalId: string; state: 'approved' | 'rejected'; memoId: string }> {
    const { approval } = await approvalAndMemo(approvalId);
    checkApprover(approval, approver);
    const at = now().toISOString();
    if (approval.state === 'pending' && Date.parse(approval.expiresAt) <= now().getTime()) {
      throw new ApprovalRefusedError('expired', `this approval expired at ${approval.expiresAt}`);
    }
    const result = await deps.approvals.decide(
      approvalId,
      {
        state: outcome,
        decision: {
          by: approver,
          at,
          via,
          note: note.slice(0, 1000),
          ...(context.sourceIp ? { sourceIp: context.sourceIp } : {}),
          ...(context.userAgent ? { userAgent: context.userAgent.slice(0, 300) } : {}),
        },
      },
      at,
    );
    // Signed in to the console, the actor is the user the token names (rule: the signed-in user acts).
    const actor = signedIn ?? approverActor(approver);
    if (!result.ok) {
      const current = result.current;
      await deps.audit.record({
        id: `approval:${approvalId}:refused:${at}:${actor.id}`.replace(/[^A-Za-z0-9._:#=+@-]/g, '-'),
        at,
        actor,
        action: 'approval.refused',
        entity: { type: 'Approval', id: approvalId },
        reason: `a second decision (${outcome} via ${via}) was refused: already ${current?.state ?? 'gone'}`,
        module: 'creditMemos',
      });
      if (current?.state === 'expired')
        throw new ApprovalRefusedError('expired', 'this approval has expired');
      throw new ApprovalRefusedError(
        'already-decided',
        `already decided: ${current?.state ?? 'unknown'}${current?.decision ? ` by ${current.decision.by} at ${current.decision.at}` : ''}`,
      );
    }
    const record = result.record;
    // The archive keeps the approval record (who, when, from where) beside the memo's documents.
    await deps.archive.putDocument({
      key: `documents/creditMemos/approvals/dt=${at.slice(0, 10)}/${approvalId}.json`,
      body: `${JSON.stringify({
        approvalId,
        memoId: record.memoId,
        state: record.state,
        decidedBy: actor.id,
        decidedAt: at,
        via,
        note: record.decision?.note ?? '',
        // The IP and user agent stay in DynamoDB: network identifiers are personal data (rule 13).
        summary: record.summary,
      })}\n`,
      contentType: 'application/json',
    });
    await changeMemo(
      deps,
      record.memoId,
      (m) =>
        m.state === 'pending-approval'
          ? { state: outcome, decision: { by: actor.id, at, outcome, note: record.decision?.note ?? '' } }
          : undefined,
      {
        action: outcome === 'approved' ? 'creditMemo.approved' : 'creditMemo.rejected',
        reason: () => `${outcome} via ${via}${note ? `: ${note}` : ''}`,
        actor,
        event: outcome === 'approved' ? DETAIL_TYPE.creditMemoApproved : DETAIL_TYPE.creditMemoRejected,
      },
    );
    if (outcome === 'approved')
      await deps.callbacks.succeed(record.taskToken, { approvalId, approved: true });
    else await deps.callbacks.fail(record.taskToken, APPROVAL_FAILURE.rejected, `rejected via ${via}`);
    return { approvalId, state: outcome, memoId: record.memoId };
  }

  /** The review page's POST: the link token, the CSRF nonce from the form and from the cookie. */
  async function decideByLink(input: {
    approvalId: string;
    token: string;
    csrfForm: string | undefined;
    csrfCookie: string | undefined;
    outcome: 'approved' | 'rejected';
    note: string;
    context: DecisionContext;
  }) {
    const claims = await claimsOf(input.token, input.approvalId);
    const keys = await deps.linkKeys();
    const expected = csrfNonce(keys.current, input.token);
    if (
      !input.csrfForm ||
      !input.csrfCookie ||
      !safeEqual(input.csrfForm, expected) ||
      !safeEqual(input.csrfCookie, expected)
    ) {
      throw new ApprovalRefusedError(
        'csrf',
        'the decision did not come from the review page; open the link again',
      );
    }
    return decide(input.approvalId, claims.approver, input.outcome, input.note, 'link', input.context);
  }

  /** A Slack button (the request's signature already verified): the clicking user must be an approver. */
  async function decideBySlack(input: {
    slackUserId: string;
    approvalId: string;
    outcome: 'approved' | 'rejected';
  }) {
    const approver = deps.approvers.find((a) => a.slackUserId && a.slackUserId === input.slackUserId);
    if (!approver)
      throw new ApprovalRefusedError('not-an-approver', 'you are not an approver of this credit memo');
    return decide(input.approvalId, approver.name, input.outcome, '', 'slack', {});
  }

  /**
   * A decision from the console by a signed-in member of the `approver` group (the route's
   * policy): the user must also be one of this approval's configured approvers, matched by the
   * sign-in name (the approver's name or email). A bearer-token API call, so no CSRF nonce; the
   * audit names the signed-in user.
   */
  async function decideSignedIn(input: {
    approvalId: string;
    user: { id: string; name: string };
    outcome: 'approved' | 'rejected';
    note: string;
    context: DecisionContext;
  }) {
    const signIn = input.user.name.trim().toLowerCase();
    const approver = deps.approvers.find(
      (a) => a.name.toLowerCase() === signIn || a.email.toLowerCase() === signIn,
    );
    if (!approver) {
      throw new ApprovalRefusedError(
        'not-an-approver',
        `${input.user.name} is not a configured approver (sign in with an approver's name or email)`,
      );
    }
    return decide(input.approvalId, approver.name, input.outcome, input.note, 'console', input.context, {
      type: 'person',
      id: input.user.id,
      name: input.user.name,
    });
  }

  /**
   * Reminders at the configured fractions of each pending approval's time, and at its end the
   * escalation: the approval expires (conditional) and the workflow takes its timeout path.
   */
  async function remind(): Promise<{ reminded: number; expired: number }> {
    let reminded = 0;
    let expired = 0;
    let cursor: string | undefined;
    const at = now();
    do {
      const page = await deps.approvals.list({ state: 'pending', limit: 50, ...(cursor ? { cursor } : {}) });
      for (const approval of page.items) {
        const start = Date.parse(approval.createdAt);
        const end = Date.parse(approval.expiresAt);
        if (at.getTime() >= end) {
          const result = await deps.approvals.decide(
            approval.approvalId,
            {
              state: 'expired',
              decision: {
                by: 'system',
                at: at.toISOString(),
                via: 'expiry',
                note: 'no decision before the deadline',
              },
            },
            at.toISOString(),
          );
          if (!result.ok) continue;
          expired++;
          await deps.audit.record({
            id: `approval:${approval.approvalId}:expired`,
            at: at.toISOString(),
            actor: { type: 'system', id: 'credit-memo-reminders' },
            action: 'approval.expired',
            entity: { type: 'Approval', id: approval.approvalId },
            reason: `no decision by ${approval.expiresAt}; escalated`,
            module: 'creditMemos',
          });
          await requestApprovalMessages(deps, approval, 'escalation');
          await deps.callbacks.fail(
            approval.taskToken,
            APPROVAL_FAILURE.expired,
            `approval expired at ${approval.expiresAt}`,
          );
          continue;
        }
        const due = deps.settings.reminders.filter((f) => at.getTime() >= start + f * (end - start)).length;
        if (due > approval.remindersSent) {
          if (!(await deps.approvals.markNotified(approval.approvalId, due, false, approval.remindersSent)))
            continue;
          reminded++;
          await requestApprovalMessages(deps, approval, 'reminder', due);
          await deps.events.publish([
            {
              source: 'acorn.credit-memos',
              detailType: DETAIL_TYPE.creditMemoApprovalReminder,
              detail: {
                approvalId: approval.approvalId,
                memoId: approval.memoId,
                expiresAt: approval.expiresAt,
                reminder: due,
              },
            },
          ]);
        }
      }
      cursor = page.cursor;
    } while (cursor);
    return { reminded, expired };
  }

  /** The operator confirms a Vendor Central memo was filed; the workflow's filing task completes. */
  async function confirmFiling(input: { memoId: string; reference: string; operator: string }) {
    const { memo, changed } = await changeMemo(
      deps,
      input.memoId,
      (m) =>
        m.state === 'awaiting-filing' ? { state: 'filed', filedReference: input.reference } : undefined,
      {
        action: 'creditMemo.filed',
        reason: () => `filed in Vendor Central as ${input.reference}`,
        actor: { type: 'person', id: input.operator },
        event: DETAIL_TYPE.creditMemoFiled,
      },
    );
    if (!changed) {
      throw new ApprovalRefusedError(
        memo.state === 'filed' ? 'already-decided' : 'not-found',
        memo.state === 'filed'
          ? `already filed as ${memo.filedReference ?? '?'}`
          : `credit memo ${memo.memoId} is ${memo.state}, not awaiting filing`,
      );
    }
    const token = await deps.memos.filingToken(memo.memoId);
    if (token) await deps.callbacks.succeed(token, { memoId: memo.memoId, filed: true });
    return { memoId: memo.memoId, state: memo.state };
  }

  /**
   * Records a refused attempt (forged, tampered or expired link, CSRF, not an approver, a
   * replayed or second decision, a bad Slack signature) on the approval's audit trail.
   */
  async function refused(
    approvalId: string,
    reason: string,
    via: 'link' | 'slack' | 'page' | 'console',
  ): Promise<void> {
    const at = now().toISOString();
    await deps.audit.record({
      id: `approval:${approvalId.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 60)}:refused:${deps.randomId()}`,
      at,
      actor: { type: 'system', id: `approval-${via}` },
      action: 'approval.refused',
      entity: { type: 'Approval', id: approvalId.slice(0, 200) || 'unknown' },
      reason: reason.slice(0, 500),
      module: 'creditMemos',
    });
  }

  return { review, decideByLink, decideBySlack, decideSignedIn, remind, confirmFiling, refused };
}

export type ApprovalDesk = ReturnType<typeof makeApprovalDesk>;
