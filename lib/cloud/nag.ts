import { Stack, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * How cdk-nag prints a resource's `Fn::GetAtt [id, Arn]` in a finding (`<LogicalId.Arn>`), for
 * suppressions that name exactly the resource they allow a wildcard under.
 */
export function nagArn(resource: IConstruct): string {
  const cfn = (resource.node.defaultChild ?? resource) as CfnElement;
  return `<${Stack.of(cfn).getLogicalId(cfn)}.Arn>`;
}
