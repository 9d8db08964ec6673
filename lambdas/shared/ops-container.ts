/**
 * The composition root of the operator endpoints (docs/ops.md): health probes, queue depths
 * and CloudWatch alarms picked from the environment. Probes get their own clients with a short
 * timeout and no retries, so a dependency that is down answers "failed" quickly.
 */
import { performance } from 'node:perf_hooks';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CloudWatchAlarmReader } from '../adapters/aws/cloudwatch-alarms.js';
import {
  dynamoTableProbe,
  renderFunctionProbe,
  s3BucketProbe,
  sqsQueueProbe,
  stateMachineProbe,
} from '../adapters/aws/health-probes.js';
import { SqsQueueDepths } from '../adapters/aws/sqs-queue-depths.js';
import { chromiumProbe } from '../adapters/offline/chromium-probe.js';
import { DEFAULT_RENDER_METHOD } from '../core/render-method.js';
import { DEFAULT_THRESHOLDS, type AlertThresholds } from '../core/ops/alerts.js';
import type { HealthProbe } from '../core/ops/health.js';
import type { OpsDeps } from '../core/ops/ops-service.js';
import { jobIndex } from './api-container.js';
import { jobStore, providerFor } from './container.js';
import { ENV, numberEnv, optionalEnv } from './env.js';

/** A probe answers within this, or fails. */
export const PROBE_TIMEOUT_MS = 3000;

function once<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

const probeClientConfig = () => ({
  maxAttempts: 1,
  requestHandler: { connectionTimeout: 1000, requestTimeout: PROBE_TIMEOUT_MS },
});

const clients = once(() => ({
  dynamo: new DynamoDBClient(probeClientConfig()),
  s3: new S3Client(probeClientConfig()),
  sqs: new SQSClient(probeClientConfig()),
  sfn: new SFNClient(probeClientConfig()),
}));

const lambdaClient = once(() => {
  const region = process.env[ENV.REMOTION_REGION];
  return new LambdaClient({ ...probeClientConfig(), ...(region ? { region } : {}) });
});

let localStateMachineProbe: HealthProbe | undefined;

/** The local runtime's state-machine runner probe (the one piece not reachable through an SDK). */
export function provideStateMachineProbe(probe: HealthProbe | undefined): void {
  localStateMachineProbe = probe;
}

const missing = (name: string, variable: string): HealthProbe => ({
  name,
  target: '(not configured)',
  check: () => Promise.reject(new Error(`${variable} is not set`)),
});

/** One probe per dependency; an unconfigured one fails, naming the variable. */
export function healthProbes(): HealthProbe[] {
  const c = clients();
  const table = process.env[ENV.JOBS_TABLE];
  const bucket = process.env[ENV.ASSETS_BUCKET];
  const queueUrl = process.env[ENV.JOBS_QUEUE_URL];
  const machine = process.env[ENV.STATE_MACHINE_ARN];
  const render = (): HealthProbe => {
    if (providerFor(ENV.RENDER) === 'lambda') {
      const fn = process.env[ENV.REMOTION_FUNCTION_NAME];
      if (!fn) return missing('render', ENV.REMOTION_FUNCTION_NAME);
      return renderFunctionProbe(lambdaClient(), fn);
    }
    const method = optionalEnv(ENV.RENDER_METHOD, DEFAULT_RENDER_METHOD);
    return chromiumProbe(
      optionalEnv(ENV.CHROMIUM_PATH, '/usr/bin/chromium'),
      method === 'layered' ? optionalEnv(ENV.FFMPEG_PATH, '/usr/bin/ffmpeg') : undefined,
    );
  };
  return [
    table ? dynamoTableProbe(c.dynamo, table) : missing('dynamodb', ENV.JOBS_TABLE),
    bucket ? s3BucketProbe(c.s3, bucket) : missing('s3', ENV.ASSETS_BUCKET),
    queueUrl ? sqsQueueProbe(c.sqs, queueUrl) : missing('queue', ENV.JOBS_QUEUE_URL),
    localStateMachineProbe ?? (machine ? stateMachineProbe(c.sfn, machine) : missing('stateMachine', ENV.STATE_MACHINE_ARN)),
    render(),
  ];
}

/** Alert thresholds: the defaults, each overridable by its env var. */
export function alertThresholds(): AlertThresholds {
  const d = DEFAULT_THRESHOLDS;
  return {
    windowMinutes: numberEnv(ENV.ALERT_WINDOW_MINUTES, d.windowMinutes),
    failureRateCritical: numberEnv(ENV.ALERT_FAILURE_RATE_CRITICAL_PERCENT, d.failureRateCritical * 100) / 100,
    failureRateWarning: numberEnv(ENV.ALERT_FAILURE_RATE_WARNING_PERCENT, d.failureRateWarning * 100) / 100,
    minFinishedJobs: numberEnv(ENV.ALERT_MIN_FINISHED_JOBS, d.minFinishedJobs),
    stuckMinutes: numberEnv(ENV.ALERT_STUCK_MINUTES, d.stuckMinutes),
    p95DurationSeconds: numberEnv(ENV.ALERT_P95_DURATION_SECONDS, d.p95DurationSeconds),
    queuedMinutes: numberEnv(ENV.ALERT_QUEUED_MINUTES, d.queuedMinutes),
  };
}

const queueDepths = once(() => {
  const queueUrl = process.env[ENV.JOBS_QUEUE_URL];
  if (!queueUrl) return undefined;
  const dlqUrl = process.env[ENV.JOBS_DLQ_URL];
  return new SqsQueueDepths({ client: clients().sqs, queueUrl, ...(dlqUrl ? { dlqUrl } : {}) });
});

const alarmReader = once(() => {
  const prefix = process.env[ENV.ALARM_NAME_PREFIX];
  return prefix ? new CloudWatchAlarmReader({ client: new CloudWatchClient({}), namePrefix: prefix }) : undefined;
});

/** Everything the operator views need, wired from the environment. */
export function opsDeps(): OpsDeps {
  const store = jobStore();
  const queue = queueDepths();
  const alarms = alarmReader();
  return {
    index: jobIndex(),
    getJob: (jobId) => store.get(jobId),
    probes: healthProbes(),
    ...(queue ? { queue } : {}),
    ...(alarms ? { alarms } : {}),
    now: () => new Date(),
    elapsed: () => performance.now(),
    thresholds: alertThresholds(),
    probeTimeoutMs: PROBE_TIMEOUT_MS,
    maxJobs: 2000,
  };
}
