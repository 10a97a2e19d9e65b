import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  ApprovalRefusedError,
  slackActionPayloadSchema,
  verifySlackSignature,
} from '#shared/domain/approvals/approval.ts';
import { logger, withObservability } from '#shared/observability.ts';
import { makeApprovalDesk } from '#shared/use-cases/credit-memos/approvals.ts';
import { json } from '../console-api/http.ts';
import { creditMemoDependencies } from './dependencies.ts';

const { deps, slackSecret } = creditMemoDependencies();
const desk = makeApprovalDesk(deps);

/**
 * Slack's interactivity Request URL: Approve / Reject buttons. The request's signature (v0 HMAC
 * of `v0:timestamp:rawBody` with the app's signing secret, five-minute window) is checked on the
 * raw bytes before anything is parsed; the clicking user must be a configured approver. Slack
 * shows the answer text to the user (200 with an ephemeral text); refusals are audited.
 */
export async function slackInteractivity(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const rawBody = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  if (!slackSecret) return json(404, { error: 'NotFound', message: 'Slack is not configured' });
  const verified = verifySlackSignature({
    signingSecret: (await slackSecret.get()).signingSecret,
    timestamp: event.headers?.['x-slack-request-timestamp'],
    signature: event.headers?.['x-slack-signature'],
    rawBody,
    now: deps.clock.now(),
  });
  if (!verified.ok) {
    await desk.refused('slack-request', `Slack request refused: ${verified.reason}`, 'slack');
    logger.warn('Slack request refused', { reason: verified.reason });
    return json(401, { error: 'Unauthorized', message: `request signature ${verified.reason}` });
  }
  let payload: unknown;
  try {
    payload = JSON.parse(new URLSearchParams(rawBody).get('payload') ?? '');
  } catch {
    return json(400, { error: 'BadRequest', message: 'no payload' });
  }
  const parsed = slackActionPayloadSchema.safeParse(payload);
  if (!parsed.success)
    return json(200, { response_type: 'ephemeral', text: 'Nothing to do for this action.' });
  const action = parsed.data.actions[0]!;
  try {
    const result = await desk.decideBySlack({
      slackUserId: parsed.data.user.id,
      approvalId: action.value,
      outcome: action.action_id === 'approve' ? 'approved' : 'rejected',
    });
    return json(200, {
      response_type: 'ephemeral',
      replace_original: false,
      text: `Credit memo ${result.memoId} ${result.state}.`,
    });
  } catch (error) {
    if (!(error instanceof ApprovalRefusedError)) throw error;
    await desk.refused(action.value, `a Slack decision was refused: ${error.message}`, 'slack');
    return json(200, { response_type: 'ephemeral', replace_original: false, text: error.message });
  }
}

export const handler = withObservability(slackInteractivity);
