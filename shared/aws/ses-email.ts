import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { ApprovalLinkKeys } from '../domain/approvals/approval-link.ts';
import { signApprovalLink } from '../domain/approvals/approval-link.ts';
import type { SendResult } from '../domain/outbox.ts';
import { ValidationError } from '../errors.ts';
import { approvalEmailPayloadSchema, approverRef } from '../use-cases/credit-memos/notifications.ts';
import type { Approver } from '../use-cases/credit-memos/ports.ts';
import type { Sender } from '../use-cases/outbox/ports.ts';

/**
 * Approval emails through SES v2 (`SendEmail`), behind the outbox. The outbox's payload names
 * the approver by reference and carries no link; this sender resolves the address from the
 * configuration and signs the review link at send time with the key from Secrets Manager, so the
 * link exists only in the email itself — never in the outbox, its archive, a log or an event.
 * Locally `AWS_ENDPOINT_URL_SESV2` points at a sink that writes each email to a file.
 */
export function sesApprovalEmailSender(deps: {
  client: SESv2Client;
  from: string;
  approvers: readonly Approver[];
  linkKeys: () => Promise<ApprovalLinkKeys>;
}): Sender {
  return {
    async send(request): Promise<SendResult> {
      const payload = approvalEmailPayloadSchema.parse(JSON.parse(request.payload));
      const approver = deps.approvers.find((a) => approverRef(a.name) === payload.approverRef);
      if (!approver) {
        throw new ValidationError('the approver of this email is no longer configured');
      }
      const lines = [payload.text];
      if (payload.kind !== 'escalation') {
        const token = signApprovalLink(
          { approvalId: payload.approvalId, approver: approver.name, expiresAt: payload.expiresAt },
          await deps.linkKeys(),
        );
        lines.push(
          '',
          `Review and decide: ${payload.reviewBaseUrl}/${payload.approvalId}?t=${token}`,
          '',
          'The link opens a review page; nothing is decided until you press a button there.',
        );
      }
      const res = await deps.client.send(
        new SendEmailCommand({
          FromEmailAddress: deps.from,
          Destination: { ToAddresses: [approver.email] },
          Content: {
            Simple: {
              Subject: { Data: payload.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: lines.join('\n'), Charset: 'UTF-8' } },
            },
          },
        }),
      );
      return { messageId: res.MessageId ?? null };
    },
  };
}
