import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { ApprovalRefusedError } from '#shared/domain/approvals/approval.ts';
import { POLICIES, type Principal } from '#shared/domain/authorization.ts';
import { withObservability } from '#shared/observability.ts';
import { makeApprovalDesk } from '#shared/use-cases/credit-memos/approvals.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { authorized, errorResponse, json, jsonBodyOf } from '../console-api/http.ts';
import { creditMemoDependencies } from './dependencies.ts';

const { deps } = creditMemoDependencies();
const desk = makeApprovalDesk(deps);

const bodySchema = z.strictObject({ vendorCentralReference: z.string().min(1).max(200) });

/**
 * POST /api/credit-memos/{memoId}/filing `{"vendorCentralReference":"…"}` — the operator
 * confirms a Vendor Central credit memo was filed; the workflow's filing task completes. 409 when
 * it was already confirmed.
 */
export async function confirmFiling(
  event: APIGatewayProxyEventV2,
  principal: Principal,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const raw = jsonBodyOf(event, 'expected {"vendorCentralReference":"…"}');
    const body = parseOrThrow(bodySchema, raw, 'filing confirmation');
    const result = await desk.confirmFiling({
      memoId: event.pathParameters?.memoId ?? '',
      reference: body.vendorCentralReference,
      operator: principal.id,
    });
    return json(200, result);
  } catch (error) {
    if (error instanceof ApprovalRefusedError) {
      return json(error.reason === 'already-decided' ? 409 : 404, {
        error: error.reason,
        message: error.message,
      });
    }
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.operate, confirmFiling));
