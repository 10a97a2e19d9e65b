import { Stack, Validations } from 'aws-cdk-lib';
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

/**
 * Acknowledges the `AwsSolutions-IAM5[Resource::…]` finding of one wildcard resource (an object
 * ARN pattern such as `<bucket ARN>/documents/*`) in a policy of `scope`.
 *
 * The finding names the resource as cdk-nag flattens it, and a reference to another stack
 * renders as `Fn::ImportValue` only once the app is prepared for synthesis, so the id is
 * computed then (in a validation, which runs after preparation and before cdk-nag), not when the
 * grant is made.
 */
export function acknowledgeNagWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  let acknowledged = false;
  scope.node.addValidation({
    validate: () => {
      if (!acknowledged) {
        acknowledged = true;
        const flattened = flattenCfnReference(Stack.of(scope).resolve(resource));
        acknowledgeNag(scope, `AwsSolutions-IAM5[Resource::${flattened}]`, reason);
      }
      return [];
    },
  });
}

/**
 * A resolved CloudFormation value as cdk-nag names it in a finding (cdk-nag's
 * `flattenCfnReference`, which it does not export): `Fn::Join` joined, `Fn::GetAtt` as
 * `<Logical.Attr>`, `Ref` as `<Logical>`, `Fn::ImportValue` as the export name.
 */
function flattenCfnReference(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/}/g, '>');
  const node = value as Record<string, unknown>;
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(flattenCfnReference).join(delimiter);
  }
  if (node['Fn::Sub']) return flattenCfnReference(node['Fn::Sub']);
  if (node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenCfnReference(resource)}.${flattenCfnReference(attribute)}>`;
  }
  if (node['Fn::ImportValue']) return flattenCfnReference(node['Fn::ImportValue']);
  if (node.Ref) return `<${flattenCfnReference(node.Ref)}>`;
  return JSON.stringify(value);
}
