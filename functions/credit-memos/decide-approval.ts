import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { ApprovalRefusedError } from '#shared/domain/approvals/approval.ts';
import { POLICIES, type Principal } from '#shared/domain/authorization.ts';
import { logger, withObservability } from '#shared/observability.ts';
import { makeApprovalDesk } from '#shared/use-cases/credit-memos/approvals.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { authorized, errorResponse, json, jsonBodyOf } from '../console-api/http.ts';
import { creditMemoDependencies } from './dependencies.ts';

const { deps } = creditMemoDependencies();
const desk = makeApprovalDesk(deps);

const bodySchema = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  note: z.string().max(1000).optional(),
});

const STATUS: Record<ApprovalRefusedError['reason'], number> = {
  'not-found': 404,
  'already-decided': 409,
  expired: 409,
  'not-an-approver': 403,
  forged: 403,
  csrf: 403,
};

/**
 * POST /api/approvals/{approvalId}/decision `{"decision":"approve"|"reject","note"?}` — a signed-in
 * approver decides from the console (the same conditional decision as the emailed link's page,
 * made before the workflow is told). 403 for a user who is not one of the approval's approvers,
 * 409 when it was already decided or expired, 404 for an unknown approval.
 */
export async function decideApproval(
  event: APIGatewayProxyEventV2,
  principal: Principal,
): Promise<APIGatewayProxyStructuredResultV2> {
  const approvalId = event.pathParameters?.approvalId ?? '';
  try {
    const body = parseOrThrow(
      bodySchema,
      jsonBodyOf(event, 'expected {"decision":"approve"|"reject","note":"…"}'),
      'approval decision',
    );
    const result = await desk.decideSignedIn({
      approvalId,
      user: { id: principal.id, name: principal.name },
      outcome: body.decision === 'approve' ? 'approved' : 'rejected',
      note: body.note ?? '',
      context: {
        sourceIp: event.requestContext.http.sourceIp,
        userAgent: event.requestContext.http.userAgent,
      },
    });
    return json(200, result);
  } catch (error) {
    if (error instanceof ApprovalRefusedError) {
      logger.warn('Refused a console approval decision', { approvalId, reason: error.reason });
      await desk.refused(approvalId, `${error.reason}: ${error.message}`, 'console');
      return json(STATUS[error.reason], { error: error.reason, message: error.message });
    }
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.approve, decideApproval));
