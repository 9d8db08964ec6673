/** The pure pieces: percentiles, metric series from job records, and the alert rules. */
import { describe, expect, it } from 'vitest';
import { pendingSteps, type Job, type JobStatus } from '../../lambdas/core/job.js';
import { DEFAULT_THRESHOLDS, evaluateAlerts } from '../../lambdas/core/ops/alerts.js';
import { runHealthChecks } from '../../lambdas/core/ops/health.js';
import { computeSeries, seriesRequestProblems } from '../../lambdas/core/ops/metrics.js';
import { percentile } from '../../lambdas/core/ops/percentiles.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function job(id: string, status: JobStatus, o: { created: number; started?: number; finished?: number; usd?: number; scriptMs?: number; error?: string }): Job {
  const steps = pendingSteps();
  if (o.scriptMs !== undefined) steps.script = { status: 'succeeded', durationMs: o.scriptMs };
  return {
    jobId: id,
    userId: 'u',
    status,
    request: { prompt: 'p', seconds: 10 } as Job['request'],
    createdAt: at(o.created),
    updatedAt: at(o.finished ?? o.started ?? o.created),
    ...(o.started !== undefined ? { startedAt: at(o.started) } : {}),
    ...(o.finished !== undefined ? { finishedAt: at(o.finished) } : {}),
    steps,
    cost: o.usd ? { script: { usd: o.usd, units: {} } } : {},
    ...(o.error ? { error: { step: 'script', name: 'ProviderRejected', message: o.error } } : {}),
  };
}

describe('percentile', () => {
  it('interpolates between ranks and has none for an empty sample', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([5], 95)).toBe(5);
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 95)).toBeCloseTo(95.5);
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe('metric series', () => {
  const jobs = [
    job('a', 'SUCCEEDED', { created: 0, started: 1, finished: 3, usd: 0.02, scriptMs: 1000 }),
    job('b', 'SUCCEEDED', { created: 0, started: 1, finished: 5, usd: 0.03, scriptMs: 3000 }),
    job('c', 'FAILED', { created: 61, started: 61, finished: 62, error: 'boom' }),
    job('d', 'QUEUED', { created: 70 }),
  ];
  const window = { from: new Date(T0), to: new Date(T0 + 2 * 3600_000), periodSeconds: 3600 };

  it('counts, rates, percentiles and cost per period', () => {
    expect(computeSeries(jobs, { ...window, metric: 'jobs_created' }).points.map((p) => p.value)).toEqual([2, 2]);
    expect(computeSeries(jobs, { ...window, metric: 'jobs_failed' }).points.map((p) => p.value)).toEqual([0, 1]);
    expect(computeSeries(jobs, { ...window, metric: 'error_rate' }).points.map((p) => p.value)).toEqual([0, 1]);
    expect(computeSeries(jobs, { ...window, metric: 'success_rate' }).points.map((p) => p.value)).toEqual([1, 0]);
    expect(computeSeries(jobs, { ...window, metric: 'job_duration_p50' }).points.map((p) => p.value)).toEqual([180_000, null]);
    expect(computeSeries(jobs, { ...window, metric: 'step_duration_p50', step: 'script' }).points[0]!.value).toBe(2000);
    const cost = computeSeries(jobs, { ...window, metric: 'cost_usd' });
    expect(cost.unit).toBe('usd');
    expect(cost.points[0]!.value).toBeCloseTo(0.05);
  });

  it('refuses empty ranges and too many points', () => {
    expect(seriesRequestProblems({ from: new Date(T0), to: new Date(T0), periodSeconds: 60 }).map((p) => p.field)).toContain('to');
    expect(seriesRequestProblems({ from: new Date(T0), to: new Date(T0 + 30 * 86400_000), periodSeconds: 60 }).map((p) => p.field)).toContain('period');
    expect(seriesRequestProblems({ ...window })).toEqual([]);
  });
});

describe('alert rules', () => {
  const now = new Date(T0 + 60 * 60_000);
  const base = { now, thresholds: DEFAULT_THRESHOLDS, finished: [], running: [], queued: [] };

  it('raises a critical failure-rate alert naming the commonest error, and a warning below half', () => {
    const failing = [55, 56, 57].map((m, i) => job(`f${i}`, 'FAILED', { created: m - 1, started: m - 1, finished: m, error: 'Groq answered 401' }));
    const [alert] = evaluateAlerts({ ...base, finished: failing });
    expect(alert).toMatchObject({ id: 'failure-rate', severity: 'critical', since: at(55) });
    expect(alert!.reason).toContain('Groq answered 401');
    const mixed = [...failing, ...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => job(`s${i}`, 'SUCCEEDED', { created: 50, started: 50, finished: 58 }))];
    expect(evaluateAlerts({ ...base, finished: mixed })[0]).toMatchObject({ id: 'failure-rate', severity: 'warning' });
    // Outside the window, or too few jobs to judge: nothing.
    expect(evaluateAlerts({ ...base, finished: [job('old', 'FAILED', { created: 1, finished: 2 })] })).toEqual([]);
    expect(evaluateAlerts({ ...base, finished: failing.slice(0, 1) })).toEqual([]);
  });

  it('reports dead letters, stuck and long-waiting jobs, slow videos, failing checks and CloudWatch alarms', () => {
    const ref = (jobId: string, status: JobStatus, updated: number) => ({ jobId, userId: 'u', status, updatedAt: at(updated), createdAt: at(updated) });
    const slow = [1, 2].map((i) => job(`slow${i}`, 'SUCCEEDED', { created: 40, started: 40, finished: 59 }));
    const alerts = evaluateAlerts({
      ...base,
      finished: slow,
      running: [ref('stuck', 'RUNNING', 30), ref('fresh', 'RUNNING', 59)],
      queued: [ref('waiting', 'QUEUED', 0)],
      deadLetters: 2,
      health: { ok: false, checkedAt: now.toISOString(), failed: ['dynamodb'], checks: [{ name: 'dynamodb', target: 't', ok: false, latencyMs: 3, error: 'ECONNREFUSED' }] },
      cloudAlarms: [{ name: 'AiShorts-ExecutionsFailed', reason: 'Threshold crossed', since: at(50) }],
    });
    expect(alerts.map((a) => [a.id, a.severity])).toEqual([
      ['cloudwatch:AiShorts-ExecutionsFailed', 'critical'],
      ['dead-letters', 'critical'],
      ['health:dynamodb', 'critical'],
      ['queue-backlog', 'warning'],
      ['stuck-jobs', 'warning'],
      ['p95-duration', 'warning'],
    ]);
    expect(alerts.find((a) => a.id === 'stuck-jobs')!.details).toEqual({ jobIds: ['stuck'] });
  });
});

describe('health checks', () => {
  it('reports each probe with its latency and names the failed ones', async () => {
    let tick = 0;
    const report = await runHealthChecks(
      [
        { name: 'a', target: 'x', check: async () => 'fine' },
        { name: 'b', target: 'y', check: () => Promise.reject(new Error('down')) },
        { name: 'c', target: 'z', check: () => new Promise<void>(() => undefined) },
      ],
      { now: () => new Date(T0), elapsed: () => (tick += 5), timeoutMs: 20 },
    );
    expect(report.ok).toBe(false);
    expect(report.failed).toEqual(['b', 'c']);
    expect(report.checks[0]).toMatchObject({ ok: true, detail: 'fine' });
    expect(report.checks[2]!.error).toContain('ProbeTimedOut');
  });
});
