/**
 * A local CloudWatch answering DescribeAlarms over a given list of alarms (the stack's), behind
 * the local IAM. Metric writes (PutMetricData) are accepted and dropped: locally the metrics
 * are read back from the job records.
 */
import { z } from 'zod';
import type { Authorizer } from '../iam/authorizer.js';
import { ServiceError, startJsonService, type JsonService } from '../iam/json-service.js';
import type { Principals } from '../iam/principals.js';
import type { ServiceContext } from '../iam/services/context.js';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface LocalAlarm {
  name: string;
  arn: string;
  state: AlarmState;
  /** Default `metric`. */
  type?: 'metric' | 'composite';
  reason?: string;
  description?: string;
  /** When the state last changed. Default: when the service started. */
  updatedAt?: Date;
}

export interface CloudWatchServiceOptions {
  /** The alarms, or a function giving their current states. */
  alarms: readonly LocalAlarm[] | (() => readonly LocalAlarm[]);
  principals: Principals;
  authorizer: Authorizer;
  context: ServiceContext;
  port?: number;
}

const DescribeAlarmsInput = z.object({
  AlarmNames: z.array(z.string().min(1).max(255)).max(100).optional(),
  AlarmNamePrefix: z.string().min(1).max(255).optional(),
  AlarmTypes: z.array(z.enum(['MetricAlarm', 'CompositeAlarm'])).optional(),
  StateValue: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']).optional(),
  MaxRecords: z.number().int().min(1).max(100).optional(),
  NextToken: z.string().optional(),
});

/** Starts the service on 127.0.0.1 (AWS JSON 1.0, query compatible, `GraniteServiceVersion20100801.<Op>`). */
export async function startCloudWatchService(options: CloudWatchServiceOptions): Promise<JsonService> {
  const started = new Date();
  const alarms = () => (typeof options.alarms === 'function' ? options.alarms() : options.alarms);
  return startJsonService({
    service: 'cloudwatch',
    targetPrefix: 'GraniteServiceVersion20100801',
    principals: options.principals,
    authorizer: options.authorizer,
    context: options.context,
    ...(options.port === undefined ? {} : { port: options.port }),
    operations: {
      DescribeAlarms: async (body: unknown) => {
        const parsed = DescribeAlarmsInput.safeParse(body);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new ServiceError('InvalidParameterValueException', `${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'invalid'}`, 400, 'InvalidParameterValue');
        }
        const input = parsed.data;
        if (input.AlarmNames?.length && input.AlarmNamePrefix) {
          throw new ServiceError('InvalidParameterCombinationException', 'AlarmNames and AlarmNamePrefix cannot be specified together.', 400, 'InvalidParameterCombination');
        }
        // Without AlarmTypes, DescribeAlarms returns metric alarms only.
        const types = new Set(input.AlarmTypes?.length ? input.AlarmTypes : ['MetricAlarm']);
        const matching = alarms().filter(
          (alarm) =>
            (!input.AlarmNames?.length || input.AlarmNames.includes(alarm.name)) &&
            (!input.AlarmNamePrefix || alarm.name.startsWith(input.AlarmNamePrefix)) &&
            (!input.StateValue || alarm.state === input.StateValue),
        );
        const describe = (alarm: LocalAlarm) => ({
          AlarmName: alarm.name,
          AlarmArn: alarm.arn,
          StateValue: alarm.state,
          StateReason: alarm.reason ?? `local alarm ${alarm.name} is ${alarm.state}`,
          StateUpdatedTimestamp: alarm.updatedAt ?? started,
          ...(alarm.description ? { AlarmDescription: alarm.description } : {}),
        });
        return {
          MetricAlarms: types.has('MetricAlarm') ? matching.filter((a) => (a.type ?? 'metric') === 'metric').map(describe) : [],
          CompositeAlarms: types.has('CompositeAlarm') ? matching.filter((a) => a.type === 'composite').map(describe) : [],
        };
      },
      PutMetricData: async () => ({}),
    },
  });
}
