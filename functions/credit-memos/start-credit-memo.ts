import { createHash } from 'node:crypto';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { requireEnv } from '#shared/config/runtime.ts';
import { DETAIL_TYPE } from '#shared/events.ts';
import { logger, withObservability } from '#shared/observability.ts';
import { parseOrThrow } from '#shared/validation.ts';

const sfn = new SFNClient({});
const stateMachineArn = requireEnv('STATE_MACHINE_ARN');

const busEventSchema = z.looseObject({
  id: z.string().min(1),
  'detail-type': z.enum([DETAIL_TYPE.returnReceived, DETAIL_TYPE.creditRequested]),
  detail: z.looseObject({ vendorCode: z.string().optional() }),
});

/**
 * Bus rule (ReturnReceived, CreditRequested) → one workflow execution per event, named after the
 * event (a redelivered event starts nothing new). Which events make a memo is the workflow's
 * claim: a second event for the same return or debit note ends there, quietly.
 */
export async function startCreditMemo(event: unknown): Promise<{ executionArn?: string; started: boolean }> {
  const parsed = parseOrThrow(busEventSchema, event, 'credit memo event');
  const digest = createHash('sha256').update(parsed.id).digest('hex').slice(0, 40);
  const name = `${parsed['detail-type'] === DETAIL_TYPE.returnReceived ? 'return' : 'debit'}-${digest}`;
  try {
    const res = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name,
        input: JSON.stringify({ detailType: parsed['detail-type'], detail: parsed.detail }),
      }),
    );
    logger.info('Credit memo workflow started', { name, executionArn: res.executionArn });
    return { ...(res.executionArn ? { executionArn: res.executionArn } : {}), started: true };
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists) return { started: false };
    throw error;
  }
}

export const handler = withObservability(startCreditMemo);
