/**
 * CloudWatch calls → the IAM authorizations they need.
 *
 * DescribeAlarms takes the `alarm` resource type (Service Authorization Reference), so a
 * policy may scope it to `arn:aws:cloudwatch:REGION:ACCOUNT:alarm:PREFIX*`. How AWS applies
 * such a scope is documented only in part; modelled here:
 * - AlarmNames: each named alarm's ARN must be allowed.
 * - Otherwise the call may return any alarm its AlarmNamePrefix (or no prefix: all alarms)
 *   matches, so the policy must allow every one: the pattern `alarm:PREFIX*`, which
 *   `alarm:PREFIX*` or any broader grant covers and a narrower one (a longer prefix, a list of
 *   names) does not. A listing without names needing `alarm:*` is what users report
 *   (mattclay/aws-terminator#63 review: "DescribeAlarms has to be able to operate on
 *   alarm:* to retrieve names").
 * - CompositeAlarm in AlarmTypes: "To retrieve information about composite alarms, your
 *   cloudwatch:DescribeAlarms permission must have a * scope. You can't return information about
 *   composite alarms if your cloudwatch:DescribeAlarms permission has a narrower scope"
 *   (CloudWatch permissions reference; DescribeAlarms API reference). Users with a narrower
 *   scope report AccessDenied (cdklabs/cdk-enterprise-iac#202), so it needs `alarm:*` here.
 * PutMetricData, GetMetricData and the other metric calls take `*`.
 */
import type { AuthorizationRequest } from '../authorizer.js';
import { arrayField, partitionOf, stringField, type ServiceContext } from './context.js';

/** The authorizations a CloudWatch call needs. */
export function cloudWatchRequests(operation: string, input: Record<string, unknown>, ctx: ServiceContext): AuthorizationRequest[] {
  const action = `cloudwatch:${operation}`;
  const alarmArn = (name: string) => `arn:${partitionOf(ctx)}:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:${name}`;
  switch (operation) {
    case 'DescribeAlarms': {
      const names = arrayField(input, 'AlarmNames').filter((n): n is string => typeof n === 'string');
      const requests: AuthorizationRequest[] =
        names.length > 0 ? names.map((name) => ({ action, resource: alarmArn(name) })) : [{ action, resource: alarmArn(`${stringField(input, 'AlarmNamePrefix') ?? ''}*`) }];
      if (arrayField(input, 'AlarmTypes').includes('CompositeAlarm')) requests.push({ action, resource: alarmArn('*') });
      return [...new Map(requests.map((r) => [r.resource, r])).values()];
    }
    case 'DescribeAlarmHistory':
    case 'DeleteAlarms':
    case 'EnableAlarmActions':
    case 'DisableAlarmActions':
    case 'SetAlarmState':
    case 'PutMetricAlarm':
    case 'PutCompositeAlarm': {
      const names = [...arrayField(input, 'AlarmNames'), input.AlarmName].filter((n): n is string => typeof n === 'string');
      return names.length > 0 ? names.map((name) => ({ action, resource: alarmArn(name) })) : [{ action, resource: alarmArn('*') }];
    }
    default:
      // PutMetricData, GetMetricData, GetMetricStatistics, ListMetrics…
      return [{ action, resource: '*' }];
  }
}
