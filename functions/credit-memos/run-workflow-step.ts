import * as z from 'zod';
import { withObservability } from '#shared/observability.ts';
import { makeCreditMemoWorkflow, workflowStartSchema } from '#shared/use-cases/credit-memos/workflow.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { creditMemoDependencies } from './dependencies.ts';

const { deps } = creditMemoDependencies();
const workflow = makeCreditMemoWorkflow(deps);

const memo = z.object({ memoId: z.string().min(1) });
const withToken = memo.extend({ taskToken: z.string().min(1) });

/** One Task state of state-machines/credit-memo.asl.json: `step` names it, `input` is its input. */
export const workflowStepSchema = z.discriminatedUnion('step', [
  z.object({ step: z.literal('claim'), input: workflowStartSchema }),
  z.object({ step: z.literal('resume'), input: memo.extend({ executionArn: z.string().optional() }) }),
  z.object({ step: z.literal('checkReceipt'), input: memo }),
  z.object({ step: z.literal('prepare'), input: memo }),
  z.object({ step: z.literal('requestApproval'), input: withToken }),
  z.object({ step: z.literal('submit'), input: memo }),
  z.object({ step: z.literal('awaitFiling'), input: withToken }),
  z.object({ step: z.literal('checkTransaction'), input: memo }),
  z.object({
    step: z.literal('recordFailure'),
    input: memo.extend({
      error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
    }),
  }),
  z.object({ step: z.literal('approvalTimedOut'), input: memo }),
]);

/**
 * The credit-memo workflow's tasks (one function, one use case per step). Errors are thrown:
 * their class names are the ASL's Retry / Catch contract. Nothing secret is returned, so the
 * execution history holds ids and flags only (the task tokens go in, never out).
 */
export async function runWorkflowStep(event: unknown): Promise<unknown> {
  const task = parseOrThrow(workflowStepSchema, event, 'workflow step');
  switch (task.step) {
    case 'claim':
      return workflow.claim(task.input);
    case 'resume':
      return workflow.resume(task.input.memoId, task.input.executionArn);
    case 'checkReceipt':
      return workflow.checkReceipt(task.input);
    case 'prepare':
      return workflow.prepare(task.input);
    case 'requestApproval':
      return workflow.requestApproval(task.input);
    case 'submit':
      return workflow.submit(task.input);
    case 'awaitFiling':
      return workflow.awaitFiling(task.input);
    case 'checkTransaction':
      return workflow.checkTransaction(task.input);
    case 'recordFailure':
      return workflow.recordFailure(task.input);
    case 'approvalTimedOut':
      return workflow.approvalTimedOut(task.input);
  }
}

export const handler = withObservability(runWorkflowStep);
