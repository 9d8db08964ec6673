import { CloudWatchClient, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import type { CloudAlarm } from '../../core/ops/alerts.js';
import type { AlarmReader } from '../../core/ops/ops-service.js';

/**
 * The stack's CloudWatch alarms (by name prefix) that are in the ALARM state. Metric alarms only:
 * the stack declares no composite alarm, and CloudWatch answers for composite alarms only to a
 * caller allowed cloudwatch:DescribeAlarms on `*` — wider than this function's `alarm:{prefix}*`
 * (asking for them was refused: the local runtime's IAM check found it).
 */
export class CloudWatchAlarmReader implements AlarmReader {
  constructor(private readonly deps: { client: CloudWatchClient; namePrefix: string }) {}

  async inAlarm(): Promise<CloudAlarm[]> {
    const alarms: CloudAlarm[] = [];
    const pages = paginateDescribeAlarms({ client: this.deps.client }, { StateValue: 'ALARM', AlarmNamePrefix: this.deps.namePrefix, AlarmTypes: ['MetricAlarm'] });
    for await (const page of pages) {
      for (const alarm of page.MetricAlarms ?? []) {
        alarms.push({
          name: alarm.AlarmName ?? 'unnamed alarm',
          reason: alarm.StateReason ?? 'in ALARM',
          since: (alarm.StateUpdatedTimestamp ?? new Date()).toISOString(),
          ...(alarm.AlarmDescription ? { description: alarm.AlarmDescription } : {}),
        });
      }
    }
    return alarms;
  }
}
