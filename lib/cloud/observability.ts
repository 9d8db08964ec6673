/**
 * Monitoring in AWS (docs/ops.md): one CloudWatch dashboard — pipeline, API, Lambdas, queue,
 * render, cost — and the alarms that page an SNS topic: execution failures, Lambda errors and
 * throttles, dead letters, API 5xx, p95 job duration and jobs the sweeper had to fail. Alarm
 * names start with the stack's prefix, so GET /api/alerts lists the ones in ALARM.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { STEPS } from '../../lambdas/core/job.js';
import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE as SERVICE } from '../../lambdas/core/ops/metric-names.js';
import { alarmNamePrefix } from './api.js';

/** CloudWatch allows 10 metrics in an alarm's math expression: errors and throttles of 5 functions. */
const ROUTE_FUNCTIONS_PER_ALARM = 5;
const FIVE_MINUTES = Duration.minutes(5);

export interface ObservabilityThresholds {
  /** Failed, timed-out or aborted executions in 5 minutes. Default 1. */
  executionFailures: number;
  /** Errors of one Lambda in 5 minutes (steps retry transient errors, so a few are normal). Default 5. */
  lambdaErrors: number;
  /** API 5xx answers in 5 minutes. Default 5. */
  api5xx: number;
  /** p95 of successful jobs' run time over 15 minutes, seconds. Default 600. */
  p95DurationSeconds: number;
  /** Jobs the sweeper failed (stuck, lost, timed out) in 15 minutes. Default 1. */
  sweptJobs: number;
}

export const DEFAULT_OBSERVABILITY_THRESHOLDS: ObservabilityThresholds = {
  executionFailures: 1,
  lambdaErrors: 5,
  api5xx: 5,
  p95DurationSeconds: 600,
  sweptJobs: 1,
};

export interface ObservabilityProps {
  stateMachine: IStateMachine;
  /** The pipeline's step functions by id (STEP_FUNCTIONS), plus any other Lambda worth a panel. */
  functions: Record<string, IFunction>;
  /** The jobs queue and its dead-letter queue, when the stack has them. */
  queue?: IQueue;
  deadLetterQueue?: IQueue;
  /** The HTTP API and its route functions, when the stack has them. */
  api?: { httpApi: IHttpApi; functions?: Record<string, IFunction> };
  /** The Remotion render function, for the render panel. */
  renderFunctionName?: string;
  /** Subscribed to the alarm topic (confirm the e-mail once). */
  alarmEmail?: string;
  thresholds?: Partial<ObservabilityThresholds>;
  retainData?: boolean;
}

/** A custom metric written by the Lambdas through Powertools (lambdas/shared/dependencies.ts `observability`). */
function appMetric(metricName: string, statistic: string, extra: Record<string, string> = {}, period = FIVE_MINUTES): Metric {
  return new Metric({ namespace: METRICS_NAMESPACE, metricName, statistic, period, dimensionsMap: { service: SERVICE, ...extra } });
}

export class Observability extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const t = { ...DEFAULT_OBSERVABILITY_THRESHOLDS, ...props.thresholds };
    const prefix = alarmNamePrefix(this);
    const stackName = Stack.of(this).stackName;

    // CloudWatch publishes to an encrypted topic only with a customer key that lets it.
    const key = new Key(this, 'AlarmTopicKey', {
      enableKeyRotation: true,
      description: 'Encrypts the ai-shorts alarm topic',
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'AlarmTopic', { displayName: 'ai-shorts alarms', masterKey: key, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const notify = new SnsAction(this.topic);

    const alarm = (name: string, description: string, metric: IMetric, threshold: number, evaluationPeriods = 1): Alarm => {
      const a = new Alarm(this, name, {
        alarmName: `${prefix}${name}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(notify);
      a.addOkAction(notify);
      this.alarms.push(a);
      return a;
    };

    // --- Pipeline ---
    const sm = props.stateMachine;
    const executionFailures = new MathExpression({
      expression: 'failed + timedOut + aborted',
      usingMetrics: {
        failed: sm.metricFailed({ period: FIVE_MINUTES }),
        timedOut: sm.metricTimedOut({ period: FIVE_MINUTES }),
        aborted: sm.metricAborted({ period: FIVE_MINUTES }),
      },
      label: 'Failed + timed out + aborted',
      period: FIVE_MINUTES,
    });
    alarm('ExecutionsFailed', 'Pipeline executions failed, timed out or were aborted (jobs failed; see /api/alerts and the job errors).', executionFailures, t.executionFailures);
    const jobDurationP95 = appMetric(METRIC.jobDuration, 'p95', {}, Duration.minutes(15));
    alarm('JobDurationP95', `p95 run time of successful jobs is above ${t.p95DurationSeconds} s.`, jobDurationP95, t.p95DurationSeconds * 1000);
    alarm(
      'StuckJobs',
      'The sweeper failed jobs that were stuck, lost or timed out (no progress past STUCK_JOB_MINUTES or MAX_QUEUED_HOURS).',
      appMetric(METRIC.jobsFailedBySweeper, 'Sum', {}, Duration.minutes(15)),
      t.sweptJobs,
    );

    // --- Lambdas ---
    const allFunctions: [string, IFunction][] = [...Object.entries(props.functions), ...Object.entries(props.api?.functions ?? {})];
    // The pipeline's and the queue's functions: an errors and a throttles alarm each.
    for (const [fid, fn] of Object.entries(props.functions)) {
      alarm(`${fid}Errors`, `Lambda ${fid} threw ${t.lambdaErrors}+ errors in 5 minutes.`, fn.metricErrors({ period: FIVE_MINUTES }), t.lambdaErrors);
      alarm(`${fid}Throttles`, `Lambda ${fid} was throttled.`, fn.metricThrottles({ period: FIVE_MINUTES }), 1);
    }
    // The API's route functions, a few per alarm: two alarms per route would take a fifth of
    // CloudFormation's 500 resources a stack may hold. Each alarm's expression names every
    // function it watches, so its description and the dashboard still say which one failed.
    const routeFunctions = Object.entries(props.api?.functions ?? {});
    for (let g = 0; g * ROUTE_FUNCTIONS_PER_ALARM < routeFunctions.length; g++) {
      const group = routeFunctions.slice(g * ROUTE_FUNCTIONS_PER_ALARM, (g + 1) * ROUTE_FUNCTIONS_PER_ALARM);
      const usingMetrics: Record<string, IMetric> = {};
      group.forEach(([, fn], i) => {
        usingMetrics[`e${i}`] = fn.metricErrors({ period: FIVE_MINUTES });
        usingMetrics[`t${i}`] = fn.metricThrottles({ period: FIVE_MINUTES });
      });
      // Errors of the group's functions together reaching the threshold, or any throttle (a
      // throttle counts as the whole threshold), breaches it.
      const expression = `${group.map((_, i) => `e${i}`).join(' + ')} + (${group.map((_, i) => `t${i}`).join(' + ')}) * ${t.lambdaErrors}`;
      const names = group.map(([fid]) => fid);
      alarm(
        `ApiFunctions${g + 1}Failures`,
        `API functions ${names.join(', ')} threw ${t.lambdaErrors}+ errors in 5 minutes together, or one was throttled.`,
        new MathExpression({ expression, usingMetrics, label: `Errors or throttles: ${names.join(', ')}`, period: FIVE_MINUTES }),
        t.lambdaErrors,
      );
    }

    // --- Queue ---
    if (props.deadLetterQueue) {
      alarm(
        'DeadLetters',
        'Job messages are in the dead-letter queue: the dispatcher could not start them after repeated tries.',
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        1,
      );
    }

    // --- API ---
    if (props.api) {
      alarm('Api5xx', `The HTTP API answered ${t.api5xx}+ server errors in 5 minutes.`, props.api.httpApi.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }), t.api5xx);
    }

    // --- Dashboard ---
    const d = (this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${stackName}-operations`, defaultInterval: Duration.hours(6) }));
    const wide = { width: 12, height: 6 } as const;
    d.addWidgets(new TextWidget({ markdown: '# ai-shorts — pipeline\nExecutions, job outcomes and run times. Local twin: `GET /api/metrics`, `/api/alerts`.', width: 24, height: 2 }));
    d.addWidgets(
      new GraphWidget({
        title: 'Executions',
        left: [sm.metricStarted({ period: FIVE_MINUTES }), sm.metricSucceeded({ period: FIVE_MINUTES }), sm.metricFailed({ period: FIVE_MINUTES }), sm.metricTimedOut({ period: FIVE_MINUTES })],
        ...wide,
      }),
      new GraphWidget({
        title: 'Jobs: succeeded / failed / failed by the sweeper',
        left: [appMetric(METRIC.jobsSucceeded, 'Sum'), appMetric(METRIC.jobsFailed, 'Sum'), appMetric(METRIC.jobsFailedBySweeper, 'Sum')],
        ...wide,
      }),
    );
    d.addWidgets(
      new GraphWidget({
        title: 'Job run time (ms) p50 / p95',
        left: [appMetric(METRIC.jobDuration, 'p50'), appMetric(METRIC.jobDuration, 'p95')],
        leftAnnotations: [{ value: t.p95DurationSeconds * 1000, label: 'p95 alarm' }],
        ...wide,
      }),
      new GraphWidget({ title: 'Step duration p95 (ms)', left: STEPS.map((step) => appMetric(METRIC.stepDuration, 'p95', { step }).with({ label: step })), ...wide }),
    );
    d.addWidgets(
      new GraphWidget({
        title: 'Step failures and retries',
        left: STEPS.map((step) => appMetric(METRIC.stepFailures, 'Sum', { step }).with({ label: `${step} failures` })),
        right: STEPS.map((step) => appMetric(METRIC.stepRetries, 'Sum', { step }).with({ label: `${step} retries` })),
        ...wide,
      }),
      new GraphWidget({
        title: 'Provider latency p95 (ms): LLM, images, voice',
        left: (['script', 'images', 'voice'] as const).map((step) => appMetric(METRIC.providerLatency, 'p95', { step }).with({ label: step })),
        ...wide,
      }),
    );

    if (props.api) {
      const api = props.api.httpApi;
      d.addWidgets(new TextWidget({ markdown: '# API', width: 24, height: 1 }));
      d.addWidgets(
        new GraphWidget({ title: 'Requests, 4xx, 5xx', left: [api.metricCount({ period: FIVE_MINUTES }), api.metricClientError({ period: FIVE_MINUTES }), api.metricServerError({ period: FIVE_MINUTES })], ...wide }),
        new GraphWidget({ title: 'Latency p50 / p95 (ms)', left: [api.metricLatency({ period: FIVE_MINUTES, statistic: 'p50' }), api.metricLatency({ period: FIVE_MINUTES, statistic: 'p95' })], ...wide }),
      );
    }

    d.addWidgets(new TextWidget({ markdown: '# Lambdas', width: 24, height: 1 }));
    d.addWidgets(
      new GraphWidget({ title: 'Errors', left: allFunctions.map(([fid, fn]) => fn.metricErrors({ period: FIVE_MINUTES, label: fid })), ...wide }),
      new GraphWidget({ title: 'Throttles', left: allFunctions.map(([fid, fn]) => fn.metricThrottles({ period: FIVE_MINUTES, label: fid })), ...wide }),
    );
    d.addWidgets(
      new GraphWidget({ title: 'Duration p95 (ms)', left: allFunctions.map(([fid, fn]) => fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p95', label: fid })), ...wide }),
      new GraphWidget({ title: 'Concurrent executions', left: allFunctions.map(([fid, fn]) => fn.metric('ConcurrentExecutions', { period: FIVE_MINUTES, statistic: 'Maximum', label: fid })), ...wide }),
    );

    if (props.queue || props.deadLetterQueue) {
      d.addWidgets(new TextWidget({ markdown: '# Queue', width: 24, height: 1 }));
      const q = props.queue;
      const dlq = props.deadLetterQueue;
      d.addWidgets(
        new GraphWidget({
          title: 'Messages waiting / in flight / dead-lettered',
          left: [
            ...(q ? [q.metricApproximateNumberOfMessagesVisible({ label: 'waiting' }), q.metricApproximateNumberOfMessagesNotVisible({ label: 'in flight' })] : []),
            ...(dlq ? [dlq.metricApproximateNumberOfMessagesVisible({ label: 'dead-lettered' })] : []),
          ],
          ...wide,
        }),
        new GraphWidget({ title: 'Oldest message age (s)', left: q ? [q.metricApproximateAgeOfOldestMessage()] : [], ...wide }),
      );
    }

    d.addWidgets(new TextWidget({ markdown: '# Render and cost', width: 24, height: 1 }));
    const renderFn = props.renderFunctionName;
    d.addWidgets(
      new GraphWidget({
        title: 'Render: frames per second, render step p95 (ms)',
        left: [appMetric(METRIC.renderFps, 'Average')],
        right: [appMetric(METRIC.stepDuration, 'p95', { step: 'render' }).with({ label: 'render p95' })],
        ...wide,
      }),
      new GraphWidget({
        title: 'Remotion render function',
        left: renderFn
          ? [
              new Metric({ namespace: 'AWS/Lambda', metricName: 'Invocations', dimensionsMap: { FunctionName: renderFn }, statistic: 'Sum', period: FIVE_MINUTES }),
              new Metric({ namespace: 'AWS/Lambda', metricName: 'Errors', dimensionsMap: { FunctionName: renderFn }, statistic: 'Sum', period: FIVE_MINUTES }),
            ]
          : [],
        ...wide,
      }),
    );
    d.addWidgets(
      new GraphWidget({ title: 'Spend (USD) per 5 minutes', left: [appMetric(METRIC.jobCostUsd, 'Sum')], ...wide }),
      new SingleValueWidget({ title: 'Spend (USD) today', metrics: [appMetric(METRIC.jobCostUsd, 'Sum', {}, Duration.days(1))], ...wide }),
    );
  }
}
