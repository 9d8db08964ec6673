/**
 * The operator views behind /api/health, /api/metrics, /api/queue/status and /api/alerts,
 * written against ports only: the same code reads DynamoDB/SQS/CloudWatch in AWS and the
 * emulators locally.
 */
import type { Job, JobStatus, StepName } from '../job.js';
import { jobProgress } from '../job.js';
import type { JobIndex, JobRef } from '../ports.js';
import { evaluateAlerts, type Alert, type AlertThresholds, type CloudAlarm } from './alerts.js';
import { runHealthChecks, type HealthProbe, type HealthReport } from './health.js';
import { computeSeries, type MetricName, type Series } from './metrics.js';

/** Messages in the jobs queue and its dead-letter queue. */
export interface QueueDepths {
  /** Visible, waiting for the dispatcher. */
  visible: number;
  /** Received and not yet deleted (being dispatched). */
  inFlight: number;
  /** Sent back with a delay (every pipeline was busy). */
  delayed: number;
  deadLetters: number;
}

export interface QueueDepthReader {
  depths(): Promise<QueueDepths>;
}

/** CloudWatch alarms in the ALARM state (AWS only). */
export interface AlarmReader {
  inAlarm(): Promise<CloudAlarm[]>;
}

export interface OpsDeps {
  index: JobIndex;
  getJob(jobId: string): Promise<Job | undefined>;
  queue?: QueueDepthReader;
  probes: readonly HealthProbe[];
  alarms?: AlarmReader;
  now: () => Date;
  /** A monotonic clock in ms, for latencies. */
  elapsed: () => number;
  thresholds: AlertThresholds;
  probeTimeoutMs: number;
  /** At most this many job records are read for one answer. */
  maxJobs: number;
}

async function mapLimited<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await run(items[i]!);
      }
    }),
  );
  return out;
}

/** Full records of the jobs in `statuses` updated since `after` (newest kept when over the cap). */
export async function loadJobs(deps: OpsDeps, statuses: readonly JobStatus[], after: Date): Promise<Job[]> {
  const refs = (await Promise.all(statuses.map((s) => deps.index.listByStatus(s, { updatedAfter: after })))).flat();
  refs.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  const jobs = await mapLimited(refs.slice(0, deps.maxJobs), 16, (r) => deps.getJob(r.jobId));
  return jobs.filter((j): j is Job => j !== undefined);
}

export function health(deps: OpsDeps): Promise<HealthReport> {
  return runHealthChecks(deps.probes, { now: deps.now, elapsed: deps.elapsed, timeoutMs: deps.probeTimeoutMs });
}

export async function metricSeries(
  deps: OpsDeps,
  request: { metric: MetricName; from: Date; to: Date; periodSeconds: number; step?: StepName },
): Promise<Series> {
  const jobs = await loadJobs(deps, ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'], request.from);
  return computeSeries(jobs, request);
}

export interface RecentJob {
  jobId: string;
  userId: string;
  status: JobStatus;
  currentStep?: string;
  createdAt: string;
  updatedAt: string;
  progress?: number;
  error?: string;
}

export interface QueueStatus {
  checkedAt: string;
  queued: number;
  running: number;
  /** Messages in the dead-letter queue; null when the queue could not be read. */
  deadLettered: number | null;
  /** The queue's own view (null when it could not be read). */
  messages: Omit<QueueDepths, 'deadLetters'> | null;
  queueError?: string;
  /** Age of the oldest QUEUED job in seconds, null when none waits. */
  oldestQueuedAgeSeconds: number | null;
  oldestQueuedJobId: string | null;
  maxRunning?: number;
  recent: RecentJob[];
}

const RECENT = 20;

export async function queueStatus(deps: OpsDeps, options: { maxRunning?: number; recentHours?: number } = {}): Promise<QueueStatus> {
  const now = deps.now();
  const [queued, running, depths] = await Promise.all([
    deps.index.listByStatus('QUEUED'),
    deps.index.listByStatus('RUNNING'),
    deps.queue ? deps.queue.depths().then((d) => ({ d }), (error: unknown) => ({ error: error as Error })) : Promise.resolve(undefined),
  ]);
  const oldest = queued.reduce<JobRef | undefined>((o, r) => (!o || r.createdAt < o.createdAt ? r : o), undefined);
  const since = new Date(now.getTime() - (options.recentHours ?? 24) * 3600_000);
  const finished = (await Promise.all((['SUCCEEDED', 'FAILED'] as const).map((s) => deps.index.listByStatus(s, { updatedAfter: since })))).flat();
  const refs = [...running, ...queued, ...finished].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).slice(0, RECENT);
  const recent = await mapLimited(refs, 8, async (ref): Promise<RecentJob> => {
    const job = await deps.getJob(ref.jobId);
    const base = { jobId: ref.jobId, userId: ref.userId, status: job?.status ?? ref.status, createdAt: ref.createdAt, updatedAt: job?.updatedAt ?? ref.updatedAt };
    if (!job) return base;
    return {
      ...base,
      ...(job.currentStep ? { currentStep: job.currentStep } : {}),
      progress: jobProgress(job),
      ...(job.error ? { error: `${job.error.step ? `${job.error.step}: ` : ''}${job.error.name}: ${job.error.message}` } : {}),
    };
  });
  const oldestAt = oldest ? Date.parse(oldest.createdAt) : undefined;
  return {
    checkedAt: now.toISOString(),
    queued: queued.length,
    running: running.length,
    deadLettered: depths && 'd' in depths ? depths.d.deadLetters : null,
    messages: depths && 'd' in depths ? { visible: depths.d.visible, inFlight: depths.d.inFlight, delayed: depths.d.delayed } : null,
    ...(depths && 'error' in depths ? { queueError: `${depths.error.name}: ${depths.error.message}` } : {}),
    ...(!depths ? { queueError: 'no queue configured' } : {}),
    oldestQueuedAgeSeconds: oldestAt !== undefined ? Math.max(0, Math.round((now.getTime() - oldestAt) / 1000)) : null,
    oldestQueuedJobId: oldest?.jobId ?? null,
    ...(options.maxRunning !== undefined ? { maxRunning: options.maxRunning } : {}),
    recent,
  };
}

export interface AlertsView {
  checkedAt: string;
  alerts: Alert[];
  thresholds: AlertThresholds;
  /** Sources that could not be read (the alerts from them are missing). */
  errors: string[];
  health: HealthReport;
}

/** Evaluates every rule; a source that cannot be read is reported, not fatal (the health alert names it). */
export async function activeAlerts(deps: OpsDeps): Promise<AlertsView> {
  const now = deps.now();
  const errors: string[] = [];
  const soft = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      errors.push(`${what}: ${(error as Error).name}: ${(error as Error).message}`);
      return undefined;
    }
  };
  const windowStart = new Date(now.getTime() - deps.thresholds.windowMinutes * 60_000);
  const [report, finished, running, queued, depths, cloudAlarms] = await Promise.all([
    health(deps),
    soft('job records', () => loadJobs(deps, ['SUCCEEDED', 'FAILED'], windowStart)),
    soft('running jobs', () => deps.index.listByStatus('RUNNING')),
    soft('queued jobs', () => deps.index.listByStatus('QUEUED')),
    deps.queue ? soft('queue', () => deps.queue!.depths()) : Promise.resolve(undefined),
    deps.alarms ? soft('CloudWatch alarms', () => deps.alarms!.inAlarm()) : Promise.resolve(undefined),
  ]);
  const alerts = evaluateAlerts({
    now,
    thresholds: deps.thresholds,
    finished: finished ?? [],
    running: running ?? [],
    queued: queued ?? [],
    ...(depths ? { deadLetters: depths.deadLetters } : {}),
    health: report,
    ...(cloudAlarms ? { cloudAlarms } : {}),
  });
  return { checkedAt: now.toISOString(), alerts, thresholds: deps.thresholds, errors, health: report };
}
