import { logger, withObservability } from '#shared/observability.ts';
import { makeApprovalDesk } from '#shared/use-cases/credit-memos/approvals.ts';
import { creditMemoDependencies } from './dependencies.ts';

const { deps } = creditMemoDependencies();
const desk = makeApprovalDesk(deps);

/** Scheduled: reminders before each pending approval's deadline, expiry and escalation at it. */
export async function remindApprovals(): Promise<{ reminded: number; expired: number }> {
  const result = await desk.remind();
  logger.info('Approvals checked', result);
  return result;
}

export const handler = withObservability(remindApprovals);
