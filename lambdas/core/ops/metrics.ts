/**
 * Time series computed from job records: what `GET /api/metrics` answers, locally and in AWS
 * alike (CloudWatch has the same figures from the Lambdas' EMF metrics; this reads the truth the
 * job table keeps). Pure: the caller loads the jobs of the window.
 */
import { STEPS, type Job, type StepName } from '../job.js';
import { percentile } from './percentiles.js';
import { finishedAt, jobCost, jobRunMs, stepDurations } from './job-facts.js';

export const METRIC_NAMES = [
  'jobs_created',
  'jobs_succeeded',
  'jobs_failed',
  'success_rate',
  'error_rate',
  'job_duration_p50',
  'job_duration_p95',
  'step_duration_p50',
  'step_duration_p95',
  'cost_usd',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export const METRIC_UNITS: Record<MetricName, 'count' | 'ratio' | 'ms' | 'usd'> = {
  jobs_created: 'count',
  jobs_succeeded: 'count',
  jobs_failed: 'count',
  success_rate: 'ratio',
  error_rate: 'ratio',
  job_duration_p50: 'ms',
  job_duration_p95: 'ms',
  step_duration_p50: 'ms',
  step_duration_p95: 'ms',
  cost_usd: 'usd',
};

export function isMetricName(name: string): name is MetricName {
  return (METRIC_NAMES as readonly string[]).includes(name);
}

export function isStepName(name: string): name is StepName {
  return (STEPS as readonly string[]).includes(name);
}

export interface SeriesRequest {
  metric: MetricName;
  from: Date;
  to: Date;
  periodSeconds: number;
  /** Step metrics only: one step; all steps pooled when omitted. */
  step?: StepName;
}

export interface SeriesPoint {
  /** Start of the period (ISO). */
  at: string;
  /** `null` when the period has nothing to measure (a rate or percentile of no jobs). */
  value: number | null;
  /** Jobs (or step runs) the value was computed from. */
  samples: number;
}

export interface Series {
  metric: MetricName;
  unit: (typeof METRIC_UNITS)[MetricName];
  from: string;
  to: string;
  periodSeconds: number;
  step?: StepName;
  points: SeriesPoint[];
}

/** At most this many points in one answer; a longer range needs a longer period. */
export const MAX_POINTS = 1440;

/** Problems with a request, one sentence each; empty when it is fine. */
export function seriesRequestProblems(r: { from: Date; to: Date; periodSeconds: number }): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (!(r.to.getTime() > r.from.getTime())) problems.push({ field: 'to', message: 'to must be after from' });
  if (!Number.isInteger(r.periodSeconds) || r.periodSeconds < 60) problems.push({ field: 'period', message: 'period must be a whole number of seconds, at least 60' });
  else if ((r.to.getTime() - r.from.getTime()) / (r.periodSeconds * 1000) > MAX_POINTS) {
    problems.push({ field: 'period', message: `the range holds more than ${MAX_POINTS} periods; choose a longer period` });
  }
  return problems;
}

/**
 * The series for one metric. Counts and cost are sums per period; rates are of the jobs that
 * finished in the period; durations are percentiles of the jobs (or step runs) that finished in it.
 * Jobs are placed by creation (`jobs_created`) or by when they finished (everything else).
 */
export function computeSeries(jobs: readonly Job[], request: SeriesRequest): Series {
  const { metric, from, to, periodSeconds, step } = request;
  const start = from.getTime();
  const periodMs = periodSeconds * 1000;
  const count = Math.ceil((to.getTime() - start) / periodMs);
  const buckets: Job[][] = Array.from({ length: count }, () => []);
  const place = (at: number | undefined, job: Job) => {
    if (at === undefined || !Number.isFinite(at) || at < start || at >= to.getTime()) return;
    buckets[Math.floor((at - start) / periodMs)]!.push(job);
  };
  for (const job of jobs) place(metric === 'jobs_created' ? Date.parse(job.createdAt) : finishedAt(job), job);

  const points = buckets.map((bucket, i): SeriesPoint => {
    const at = new Date(start + i * periodMs).toISOString();
    const succeeded = bucket.filter((j) => j.status === 'SUCCEEDED').length;
    const failed = bucket.filter((j) => j.status === 'FAILED').length;
    const finished = succeeded + failed;
    switch (metric) {
      case 'jobs_created':
        return { at, value: bucket.length, samples: bucket.length };
      case 'jobs_succeeded':
        return { at, value: succeeded, samples: finished };
      case 'jobs_failed':
        return { at, value: failed, samples: finished };
      case 'success_rate':
        return { at, value: finished ? succeeded / finished : null, samples: finished };
      case 'error_rate':
        return { at, value: finished ? failed / finished : null, samples: finished };
      case 'job_duration_p50':
      case 'job_duration_p95': {
        // Successful runs only: a failure's duration says when it gave up, not how long videos take.
        const values = bucket.filter((j) => j.status === 'SUCCEEDED').flatMap((j) => jobRunMs(j) ?? []);
        return { at, value: percentile(values, metric === 'job_duration_p50' ? 50 : 95) ?? null, samples: values.length };
      }
      case 'step_duration_p50':
      case 'step_duration_p95': {
        const values = bucket.flatMap((j) => {
          const d = stepDurations(j);
          return step ? (d[step] ?? []) : Object.values(d);
        });
        return { at, value: percentile(values, metric === 'step_duration_p50' ? 50 : 95) ?? null, samples: values.length };
      }
      case 'cost_usd': {
        const usd = bucket.reduce((sum, j) => sum + jobCost(j), 0);
        return { at, value: Math.round(usd * 10000) / 10000, samples: bucket.length };
      }
    }
  });
  return {
    metric,
    unit: METRIC_UNITS[metric],
    from: from.toISOString(),
    to: to.toISOString(),
    periodSeconds,
    ...(step && metric.startsWith('step_') ? { step } : {}),
    points,
  };
}
