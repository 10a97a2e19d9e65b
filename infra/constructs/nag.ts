import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Name of the cdk-nag plugin whose findings we acknowledge (its rule ids start with `AwsSolutions-`). */
export const NAG_PLUGIN = 'AwsSolutions';

/**
 * Acknowledges one cdk-nag AwsSolutions finding on `scope` and everything under it.
 *
 * `finding` is the rule id with its granular finding when the rule reports one, exactly as cdk-nag
 * prints it: `AwsSolutions-IAM5[Resource::*]`, `AwsSolutions-SQS3`. Call it next to the resource
 * the finding concerns and list it in docs/cdk-nag.md (a test checks both).
 */
export function acknowledgeNag(scope: IConstruct, finding: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${NAG_PLUGIN}::${finding}`, reason });
}
