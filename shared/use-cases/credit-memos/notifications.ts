import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { ApprovalRecord } from '../../domain/approvals/approval.ts';
import type { CreditMemoDeps } from './ports.ts';

/**
 * The approval messages: an email to each configured approver and, when Slack is set up, one
 * channel message with Approve / Reject buttons — all through the outbox (module `creditMemos`).
 *
 * The outbox archives every payload for 18 months under Object Lock, so a payload carries no
 * secret and no personal data: the approver is named by a pseudonymous reference (resolved to the
 * address from the configuration by the sender), and the signed link is NOT in the payload — the
 * email sender signs it at send time from the approval id, the approver and the expiry. The
 * archive therefore never holds a usable link.
 */

/** A stable pseudonymous reference of an approver (hash of the configured name). */
export function approverRef(name: string): string {
  return createHash('sha256').update(`approver:${name}`).digest('hex').slice(0, 20);
}

/** The audit actor of an approver: pseudonymous id, display name kept in DynamoDB only. */
export function approverActor(name: string) {
  return { type: 'person' as const, id: `approver:${approverRef(name)}`, name };
}

export const approvalEmailPayloadSchema = z.strictObject({
  kind: z.enum(['request', 'reminder', 'escalation']),
  approverRef: z.string(),
  approvalId: z.string(),
  expiresAt: z.string(),
  reviewBaseUrl: z.string(),
  subject: z.string(),
  text: z.string(),
});
export type ApprovalEmailPayload = z.infer<typeof approvalEmailPayloadSchema>;

export const slackMessagePayloadSchema = z.strictObject({
  channel: z.string(),
  approvalId: z.string(),
  text: z.string(),
});
export type SlackMessagePayload = z.infer<typeof slackMessagePayloadSchema>;

function describe(record: ApprovalRecord): string {
  const s = record.summary;
  return `Credit memo ${record.memoId} (${s.vendorCode}, ${s.marketplace}, ${s.reference}): ${s.total} ${s.currency}`;
}

/** Sends the approval request (or a reminder / the escalation) to every approver. */
export async function requestApprovalMessages(
  deps: Pick<CreditMemoDeps, 'outbox' | 'approvers' | 'settings'>,
  record: ApprovalRecord,
  kind: ApprovalEmailPayload['kind'],
  round = 0,
): Promise<void> {
  const subject =
    kind === 'request'
      ? `Approve? ${describe(record)}`
      : kind === 'reminder'
        ? `Reminder: ${describe(record)} waits for your decision`
        : `Escalation: ${describe(record)} was not decided in time`;
  const text = [
    describe(record),
    record.summary.reasons.length > 0 ? `Why a person is asked: ${record.summary.reasons.join('; ')}` : '',
    kind === 'escalation'
      ? 'The approval expired; the memo was not filed. An operator can resume it.'
      : `Decide before ${record.expiresAt}.`,
  ]
    .filter(Boolean)
    .join('\n');
  const keys: string[] = [];
  for (const approver of deps.approvers) {
    const ref = approverRef(approver.name);
    const key = `approval:${record.approvalId}:${kind}${round ? `-${round}` : ''}:email:${ref}`;
    const payload: ApprovalEmailPayload = {
      kind,
      approverRef: ref,
      approvalId: record.approvalId,
      expiresAt: record.expiresAt,
      reviewBaseUrl: deps.settings.reviewBaseUrl,
      subject,
      text,
    };
    await deps.outbox.enqueue({
      key,
      module: 'creditMemos',
      operation: 'sendEmail',
      target: 'ses',
      subject: { type: 'Approval', id: record.approvalId },
      payload,
      actor: { type: 'system', id: 'credit-memo-workflow' },
    });
    keys.push(key);
  }
  if (deps.settings.slackChannel && kind !== 'escalation') {
    const key = `approval:${record.approvalId}:${kind}${round ? `-${round}` : ''}:slack`;
    const payload: SlackMessagePayload = {
      channel: deps.settings.slackChannel,
      approvalId: record.approvalId,
      text: `${subject}\n${text}`,
    };
    await deps.outbox.enqueue({
      key,
      module: 'creditMemos',
      operation: 'postSlackMessage',
      target: 'slack',
      subject: { type: 'Approval', id: record.approvalId },
      payload,
      actor: { type: 'system', id: 'credit-memo-workflow' },
    });
    keys.push(key);
  }
  for (const key of keys) await deps.outbox.dispatch(key);
}
