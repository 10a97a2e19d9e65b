import * as z from 'zod';
import type { SendResult } from '../domain/outbox.ts';
import { slackMessagePayloadSchema } from '../use-cases/credit-memos/notifications.ts';
import type { Sender } from '../use-cases/outbox/ports.ts';

/** Slack's Web API base URL; locally a sink (`SLACK_API_URL`). */
export const SLACK_API_URL = 'https://slack.com/api';

const slackAnswerSchema = z.looseObject({
  ok: z.boolean(),
  error: z.string().optional(),
  ts: z.string().optional(),
});

/** Slack refused the message (`ok: false`): not retried. */
class SlackRefusedError extends Error {
  readonly retryable = false;
  constructor(readonly code: string) {
    super(`Slack refused the message: ${code}`);
    this.name = 'SlackRefusedError';
  }
}

/** Slack is busy (429, 5xx): the outbox retries. */
class SlackUnavailableError extends Error {
  readonly retryable = true;
  constructor(readonly status: number) {
    super(`Slack answered ${status}`);
    this.name = 'SlackUnavailableError';
  }
}

/**
 * Approval messages in Slack (`chat.postMessage`) with Approve / Reject buttons, behind the
 * outbox. A button's value is the opaque approval id only (never a token or a link); the click
 * comes back to the interactivity endpoint, which checks Slack's signature and the clicking user.
 */
export function slackApprovalSender(deps: {
  botToken: () => Promise<string>;
  baseUrl?: string;
  fetch?: typeof fetch;
}): Sender {
  const doFetch = deps.fetch ?? fetch;
  return {
    async send(request): Promise<SendResult> {
      const payload = slackMessagePayloadSchema.parse(JSON.parse(request.payload));
      const body = {
        channel: payload.channel,
        text: payload.text,
        unfurl_links: false,
        unfurl_media: false,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: payload.text } },
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                style: 'primary',
                text: { type: 'plain_text', text: 'Approve' },
                action_id: 'approve',
                value: payload.approvalId,
              },
              {
                type: 'button',
                style: 'danger',
                text: { type: 'plain_text', text: 'Reject' },
                action_id: 'reject',
                value: payload.approvalId,
              },
            ],
          },
        ],
      };
      const res = await doFetch(`${deps.baseUrl ?? SLACK_API_URL}/chat.postMessage`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          authorization: `Bearer ${await deps.botToken()}`,
        },
        body: JSON.stringify(body),
      });
      if (res.status === 429 || res.status >= 500) throw new SlackUnavailableError(res.status);
      const answer = slackAnswerSchema.parse(await res.json());
      if (answer.ok !== true) throw new SlackRefusedError(answer.error ?? 'unknown');
      return { ts: answer.ts ?? null };
    },
  };
}
