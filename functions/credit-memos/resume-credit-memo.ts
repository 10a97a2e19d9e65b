import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DynamoDbCreditMemoStore } from '#shared/aws/dynamodb-credit-memos.ts';
import { requireEnv } from '#shared/config/runtime.ts';
import { POLICIES } from '#shared/domain/authorization.ts';
import { CREDIT_MEMO_WORKING_STATES } from '#shared/domain/credit-memos/credit-memo.ts';
import { logger, withObservability } from '#shared/observability.ts';
import { authorized, errorResponse, json } from '../console-api/http.ts';

const sfn = new SFNClient({});
const stateMachineArn = requireEnv('STATE_MACHINE_ARN');
const memos = new DynamoDbCreditMemoStore({
  client: new DynamoDBClient({}),
  tableName: requireEnv('TABLE_NAME'),
});

/** States a run can continue from: the workflow's working states, and a failure an operator has looked at. */
const OPEN = new Set<string>([...CREDIT_MEMO_WORKING_STATES, 'failed']);

/**
 * POST /api/credit-memos/{memoId}/resume — continues a memo from its stored state in a new
 * workflow run: after a failure an operator has looked at, or when its run is gone (a restarted
 * `npm start`; Step Functions keeps runs, so in AWS only failed memos need it). A memo whose run is
 * still going gets 409; a pending approval keeps its id, so links already sent keep working.
 */
export async function resumeCreditMemo(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const memoId = event.pathParameters?.memoId ?? '';
    const memo = await memos.get(memoId);
    if (!memo) return json(404, { error: 'NotFound', message: `no credit memo ${memoId}` });
    if (!OPEN.has(memo.state))
      return json(409, { error: 'Final', message: `credit memo ${memoId} is ${memo.state}` });
    if (memo.executionArn) {
      try {
        const run = await sfn.send(new DescribeExecutionCommand({ executionArn: memo.executionArn }));
        if (run.status === 'RUNNING') {
          return json(409, {
            error: 'Running',
            message: `credit memo ${memoId} is still being worked on`,
            executionArn: memo.executionArn,
          });
        }
      } catch (error) {
        if (!(error instanceof ExecutionDoesNotExist)) throw error;
      }
    }
    // One resumed run per stored revision: a double click starts one.
    const name = `resume-${createHash('sha256').update(`${memoId}#${memo.revision}`).digest('hex').slice(0, 40)}`;
    try {
      const res = await sfn.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ resume: { memoId } }) }),
      );
      logger.info('Credit memo resumed', { memoId, state: memo.state, executionArn: res.executionArn });
      return json(202, { memoId, state: memo.state, executionArn: res.executionArn });
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists)
        return json(409, { error: 'Running', message: `credit memo ${memoId} was already resumed` });
      throw error;
    }
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.operate, resumeCreditMemo));
