import { CloudWatchClient, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import type { CloudAlarm } from '../../core/ops/alerts.js';
import type { AlarmReader } from '../../core/ops/ops-service.js';

/** The stack's CloudWatch alarms (by name prefix) that are in the ALARM state. */
export class CloudWatchAlarmReader implements AlarmReader {
  constructor(private readonly deps: { client: CloudWatchClient; namePrefix: string }) {}

  async inAlarm(): Promise<CloudAlarm[]> {
    const alarms: CloudAlarm[] = [];
    const pages = paginateDescribeAlarms({ client: this.deps.client }, { StateValue: 'ALARM', AlarmNamePrefix: this.deps.namePrefix, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] });
    for await (const page of pages) {
      for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
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
