import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';

// Fixture: the tasks of approval.asl.json.
const sfn = new SFNClient({});

export async function check(input: { amount: number }) {
  if (input.amount < 0) {
    const error = new Error('negative amount');
    error.name = 'ValidationError';
    throw error;
  }
  return { checked: true, amount: input.amount };
}

/** Receives the task token and approves right away, through the Step Functions API. */
export async function requestApproval(input: { taskToken: string; amount: number }) {
  await sfn.send(
    new SendTaskSuccessCommand({
      taskToken: input.taskToken,
      output: JSON.stringify({ approvedAmount: input.amount }),
    }),
  );
  return { sent: true };
}
