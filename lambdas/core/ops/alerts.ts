/**
 * The alert rules: the same in AWS and locally, evaluated on demand from the job records, the
 * queue's depths and the health checks (and, in AWS, joined by the CloudWatch alarms in ALARM).
 * No state is kept: an alert is active while its condition holds, and `since` is derived from
 * the data (the first failure in the window, when the oldest stuck job went quiet, …).
 */
import type { Job } from '../job.js';
import type { JobRef } from '../ports.js';
import type { HealthReport } from './health.js';
import { failureReason, finishedAt, jobRunMs } from './job-facts.js';
import { percentile } from './percentiles.js';

export type Severity = 'critical' | 'warning';

export interface Alert {
  /** Stable per condition: `failure-rate`, `dead-letters`, `stuck-jobs`, `p95-duration`, `health:dynamodb`, `cloudwatch:{name}`. */
  id: string;
  severity: Severity;
  title: string;
  /** Why, in a sentence an operator can act on. */
  reason: string;
  /** ISO time the condition began (as far as the data tells). */
  since: string;
  source: 'rules' | 'cloudwatch';
  /** The figures behind it. */
  details?: Record<string, unknown>;
}

export interface AlertThresholds {
  /** The window the rate and p95 rules look at. */
  windowMinutes: number;
  /** Error rate (0..1) at or above which the failure-rate alert is critical / a warning. */
  failureRateCritical: number;
  failureRateWarning: number;
  /** Finished jobs needed in the window before a rate means anything. */
  minFinishedJobs: number;
  /** A RUNNING job with no update for this long is stuck (the sweeper stops it later, at STUCK_JOB_MINUTES). */
  stuckMinutes: number;
  /** p95 run time of successful jobs in the window above this is a warning. */
  p95DurationSeconds: number;
  /** The oldest queued job waiting longer than this is a warning. */
  queuedMinutes: number;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = {
  windowMinutes: 15,
  failureRateCritical: 0.5,
  failureRateWarning: 0.2,
  minFinishedJobs: 2,
  stuckMinutes: 15,
  p95DurationSeconds: 600,
  queuedMinutes: 30,
};

/** A CloudWatch alarm in the ALARM state. */
export interface CloudAlarm {
  name: string;
  reason: string;
  since: string;
  description?: string;
}

export interface AlertInputs {
  now: Date;
  thresholds: AlertThresholds;
  /** Jobs that finished (SUCCEEDED or FAILED) in the window, full records. */
  finished: readonly Job[];
  running: readonly JobRef[];
  queued: readonly JobRef[];
  /** Messages in the dead-letter queue; undefined when it could not be read. */
  deadLetters?: number;
  health?: HealthReport;
  cloudAlarms?: readonly CloudAlarm[];
}

const minutes = (ms: number) => Math.round(ms / 60_000);
const iso = (ms: number) => new Date(ms).toISOString();

/** Every active alert, critical first, then oldest first. */
export function evaluateAlerts(input: AlertInputs): Alert[] {
  const { now, thresholds: t } = input;
  const nowMs = now.getTime();
  const windowStart = nowMs - t.windowMinutes * 60_000;
  const alerts: Alert[] = [];

  const finished = input.finished.filter((j) => (finishedAt(j) ?? 0) >= windowStart);
  const failed = finished.filter((j) => j.status === 'FAILED');
  if (finished.length >= t.minFinishedJobs && failed.length) {
    const rate = failed.length / finished.length;
    const severity: Severity | undefined = rate >= t.failureRateCritical ? 'critical' : rate >= t.failureRateWarning ? 'warning' : undefined;
    if (severity) {
      const reasons = new Map<string, number>();
      for (const job of failed) reasons.set(failureReason(job), (reasons.get(failureReason(job)) ?? 0) + 1);
      const [topReason, topCount] = [...reasons].sort((a, b) => b[1] - a[1])[0]!;
      alerts.push({
        id: 'failure-rate',
        severity,
        title: 'Jobs are failing',
        reason:
          `${failed.length} of ${finished.length} jobs finished in the last ${t.windowMinutes} min failed ` +
          `(${Math.round(rate * 100)}%, threshold ${Math.round((severity === 'critical' ? t.failureRateCritical : t.failureRateWarning) * 100)}%); ` +
          `most common (${topCount}×): ${topReason}`,
        since: iso(Math.min(...failed.map((j) => finishedAt(j)!))),
        source: 'rules',
        details: { failed: failed.length, finished: finished.length, errorRate: rate, topReason, failedJobIds: failed.slice(0, 10).map((j) => j.jobId) },
      });
    }
  }

  if (input.deadLetters !== undefined && input.deadLetters > 0) {
    alerts.push({
      id: 'dead-letters',
      severity: 'critical',
      title: 'Dead-letter queue is not empty',
      reason: `${input.deadLetters} job message(s) could not be dispatched after repeated tries and sit in the dead-letter queue; the sweeper re-queues their jobs, but the cause (the state machine refusing starts?) needs a look.`,
      since: now.toISOString(),
      source: 'rules',
      details: { deadLetters: input.deadLetters },
    });
  }

  const stuckBefore = nowMs - t.stuckMinutes * 60_000;
  const stuck = input.running.filter((r) => Date.parse(r.updatedAt) < stuckBefore);
  if (stuck.length) {
    const oldest = Math.min(...stuck.map((r) => Date.parse(r.updatedAt)));
    alerts.push({
      id: 'stuck-jobs',
      severity: 'warning',
      title: 'Jobs are stuck',
      reason: `${stuck.length} running job(s) have made no progress for more than ${t.stuckMinutes} min (the longest for ${minutes(nowMs - oldest)} min).`,
      since: iso(oldest + t.stuckMinutes * 60_000),
      source: 'rules',
      details: { jobIds: stuck.slice(0, 10).map((r) => r.jobId) },
    });
  }

  const waitingBefore = nowMs - t.queuedMinutes * 60_000;
  const waiting = input.queued.filter((r) => Date.parse(r.createdAt) < waitingBefore);
  if (waiting.length) {
    const oldest = Math.min(...waiting.map((r) => Date.parse(r.createdAt)));
    alerts.push({
      id: 'queue-backlog',
      severity: 'warning',
      title: 'Jobs are waiting long',
      reason: `${waiting.length} job(s) have waited more than ${t.queuedMinutes} min for a pipeline (the oldest ${minutes(nowMs - oldest)} min); is dispatching paused (MAX_RUNNING_PIPELINES) or the pipeline slow?`,
      since: iso(oldest + t.queuedMinutes * 60_000),
      source: 'rules',
      details: { jobIds: waiting.slice(0, 10).map((r) => r.jobId) },
    });
  }

  const runs = finished.filter((j) => j.status === 'SUCCEEDED').flatMap((j) => jobRunMs(j) ?? []);
  const p95 = percentile(runs, 95);
  if (p95 !== undefined && runs.length >= t.minFinishedJobs && p95 > t.p95DurationSeconds * 1000) {
    alerts.push({
      id: 'p95-duration',
      severity: 'warning',
      title: 'Videos take long',
      reason: `p95 run time of the ${runs.length} videos finished in the last ${t.windowMinutes} min is ${Math.round(p95 / 1000)} s (threshold ${t.p95DurationSeconds} s).`,
      since: iso(windowStart),
      source: 'rules',
      details: { p95Ms: p95, samples: runs.length },
    });
  }

  for (const check of input.health?.checks ?? []) {
    if (check.ok) continue;
    alerts.push({
      id: `health:${check.name}`,
      severity: 'critical',
      title: `${check.name} is failing its health check`,
      reason: `${check.name} (${check.target}): ${check.error ?? 'failed'}`,
      since: input.health!.checkedAt,
      source: 'rules',
    });
  }

  for (const alarm of input.cloudAlarms ?? []) {
    alerts.push({
      id: `cloudwatch:${alarm.name}`,
      severity: 'critical',
      title: alarm.description || alarm.name,
      reason: alarm.reason,
      since: alarm.since,
      source: 'cloudwatch',
    });
  }

  const rank = (a: Alert) => (a.severity === 'critical' ? 0 : 1);
  return alerts.sort((a, b) => rank(a) - rank(b) || a.since.localeCompare(b.since));
}
