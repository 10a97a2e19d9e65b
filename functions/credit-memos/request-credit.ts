import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { POLICIES } from '#shared/domain/authorization.ts';
import { withObservability } from '#shared/observability.ts';
import { makeRequestCredit } from '#shared/use-cases/credit-memos/intake.ts';
import { authorized, errorResponse, json, jsonBodyOf } from '../console-api/http.ts';
import { creditMemoDependencies } from './dependencies.ts';

const { deps } = creditMemoDependencies();
const requestCredit = makeRequestCredit({
  statuses: deps.returnStatuses,
  events: deps.events,
  now: () => deps.clock.now(),
});

/**
 * POST /api/credit-requests — a return (`{"type":"return","return":{…}}`), a debit note
 * (`{"type":"debit-note","debitNote":{…}}`) or a return's new status
 * (`{"type":"return-status","vendorCode","returnReference","status"}`). 202 once the event is on
 * the bus; 400 naming every bad field.
 */
export async function requestCreditHandler(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const body = jsonBodyOf(event, 'expected a JSON object with a "type"');
    return json(202, await requestCredit(body));
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.operate, requestCreditHandler));
