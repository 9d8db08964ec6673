/**
 * The operations construct (lib/cloud/observability.ts) in the real stack: a dashboard with
 * every section, alarms for execution failures, each Lambda's errors and throttles, dead letters,
 * API 5xx, p95 duration and swept jobs — all named with the prefix /api/alerts reads and all
 * notifying one encrypted SNS topic — and every log group with a retention. Plus the construct
 * alone, without a queue or an API (both optional).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { DefinitionBody, Pass, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC, METRICS_NAMESPACE } from '../../lambdas/core/ops/metric-names.js';
import { STEP_FUNCTIONS } from '../../lambdas/steps/registry.js';
import { alarmNamePrefix } from '../../lib/cloud/api.js';
import { Observability } from '../../lib/cloud/observability.js';
import { synthesize, type Synthesized } from './synth.js';

let synth: Synthesized;
let template: Template;
let prefix: string;

beforeAll(() => {
  synth = synthesize();
  template = synth.template;
  prefix = alarmNamePrefix(synth.stack);
}, 120_000);

type Resource = { Type: string; Properties: Record<string, any> };
const resources = (type: string): [string, Resource][] => Object.entries(template.findResources(type)) as [string, Resource][];
const alarmsByName = (): Record<string, Record<string, any>> => Object.fromEntries(resources('AWS::CloudWatch::Alarm').map(([, r]) => [String(r.Properties.AlarmName), r.Properties]));
const topicId = () => resources('AWS::SNS::Topic').find(([id]) => id.startsWith('Observability'))![0];

describe('alarms', () => {
  it('cover executions, p95 duration, swept jobs, dead letters and API 5xx, named for /api/alerts', () => {
    const alarms = alarmsByName();
    for (const name of ['ExecutionsFailed', 'JobDurationP95', 'StuckJobs', 'DeadLetters', 'Api5xx']) expect(Object.keys(alarms)).toContain(`${prefix}${name}`);
    expect(alarms[`${prefix}JobDurationP95`]).toMatchObject({ Namespace: METRICS_NAMESPACE, MetricName: METRIC.jobDuration, ExtendedStatistic: 'p95', Threshold: 600_000 });
    expect(alarms[`${prefix}StuckJobs`]).toMatchObject({ MetricName: METRIC.jobsFailedBySweeper, Threshold: 1 });
    expect(alarms[`${prefix}Api5xx`]).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: '5xx' });
    const dlq = alarms[`${prefix}DeadLetters`]!;
    expect(dlq).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
    expect(JSON.stringify(dlq.Dimensions)).toMatch(/DeadLetter|Dlq/i);
    const failed = alarms[`${prefix}ExecutionsFailed`]!;
    expect(failed.Metrics.map((m: any) => m.MetricStat?.Metric.MetricName).filter(Boolean).sort()).toEqual(['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
  });

  it('watch every step function, the queue workers and every API route for errors and throttles', () => {
    const alarms = alarmsByName();
    const names = Object.keys(alarms);
    for (const id of [...STEP_FUNCTIONS.map((s) => s.id), 'DispatchJobs', 'SweepJobs']) {
      expect(names).toContain(`${prefix}${id}Errors`);
      expect(names).toContain(`${prefix}${id}Throttles`);
    }
    // Route functions share alarms, five to one (10 metrics, CloudWatch's most in a math alarm).
    const grouped = names.filter((n) => n.startsWith(`${prefix}ApiFunctions`));
    const watched = new Map<string, string[]>();
    for (const name of grouped) {
      const metrics = alarms[name]!.Metrics as any[];
      expect(metrics.filter((m) => m.MetricStat).length, name).toBeLessThanOrEqual(10);
      const expression = metrics.find((m) => m.ReturnData !== false && m.Expression)!.Expression as string;
      for (const m of metrics.filter((q) => q.MetricStat)) {
        expect(expression, name).toContain(m.Id);
        const fn = JSON.stringify(m.MetricStat.Metric.Dimensions);
        const list = watched.get(fn) ?? [];
        list.push(m.MetricStat.Metric.MetricName);
        watched.set(fn, list);
      }
    }
    expect(watched.size).toBe(Object.keys(synth.stack.api.functions).length);
    for (const [fn, metrics] of watched) expect(metrics.sort(), fn).toEqual(['Errors', 'Throttles']);
  });

  it('every alarm notifies the encrypted topic on ALARM and OK', () => {
    const topic = topicId();
    for (const [name, alarm] of Object.entries(alarmsByName())) {
      expect(alarm.AlarmActions, name).toEqual([{ Ref: topic }]);
      expect(alarm.OKActions, name).toEqual([{ Ref: topic }]);
      expect(alarm.TreatMissingData, name).toBe('notBreaching');
    }
    expect(template.toJSON().Resources[topic].Properties.KmsMasterKeyId).toBeDefined();
    template.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) } });
  });
});

describe('dashboard', () => {
  it('has the pipeline, API, Lambdas, queue, render and cost sections over the custom metrics', () => {
    const [[, dashboard]] = resources('AWS::CloudWatch::Dashboard') as [[string, Resource]];
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const section of ['# ai-shorts — pipeline', '# API', '# Lambdas', '# Queue', '# Render and cost']) expect(body).toContain(section);
    for (const metric of Object.values(METRIC)) expect(body, metric).toContain(metric);
    expect(body).toContain('AWS/States');
    expect(body).toContain('ApproximateAgeOfOldestMessage');
  });
});

describe('logs and nag', () => {
  it('every log group has a retention', () => {
    for (const [id, group] of resources('AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays, id).toBeGreaterThan(0);
  });

  it('cdk-nag finds nothing in the observability construct', () => {
    const errors = Annotations.fromStack(synth.stack).findError('/*/Observability/*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect(errors.map((e) => e.id)).toEqual([]);
  });
});

describe('without a queue or an API', () => {
  it('still builds the pipeline and Lambda alarms and the dashboard', () => {
    const stack = new Stack(new App(), 'Bare');
    const stateMachine = new StateMachine(stack, 'Machine', { definitionBody: DefinitionBody.fromChainable(new Pass(stack, 'Nothing')) });
    const fn = new LambdaFunction(stack, 'Fn', { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code: Code.fromInline('export const handler = async () => 1;') });
    new Observability(stack, 'Observability', { stateMachine, functions: { Step: fn } });
    const names = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties.AlarmName);
    expect(names.sort()).toEqual(['Bare-ExecutionsFailed', 'Bare-JobDurationP95', 'Bare-StepErrors', 'Bare-StepThrottles', 'Bare-StuckJobs']);
  });
});
