import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { TaskCallbacks } from '../use-cases/credit-memos/ports.ts';

/**
 * SendTaskSuccess / SendTaskFailure. A token the service no longer knows (the task timed out,
 * was already answered, or the run is gone) answers `gone`: the decision is already stored, and a
 * resumed run picks it up from the record. The token itself never reaches a log or an error.
 */
export class StepFunctionsCallbacks implements TaskCallbacks {
  constructor(private readonly client: SFNClient) {}

  async succeed(taskToken: string, output: Record<string, unknown>): Promise<'sent' | 'gone'> {
    return this.#send(() =>
      this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })),
    );
  }

  async fail(taskToken: string, error: string, cause: string): Promise<'sent' | 'gone'> {
    return this.#send(() =>
      this.client.send(new SendTaskFailureCommand({ taskToken, error, cause: cause.slice(0, 32_000) })),
    );
  }

  async #send(call: () => Promise<unknown>): Promise<'sent' | 'gone'> {
    try {
      await call();
      return 'sent';
    } catch (error) {
      if (error instanceof TaskDoesNotExist || error instanceof TaskTimedOut || error instanceof InvalidToken)
        return 'gone';
      throw error;
    }
  }
}
