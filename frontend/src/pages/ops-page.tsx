/**
 * Ops (admins): health, the queue, metrics charts and active alerts, from the monitoring
 * endpoints (docs/ops.md), through the typed client: a metric name the API does not know fails
 * the type check. Nothing here is ever made up.
 */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { OPS_METRICS } from '../api/client.js';
import { keys, useApi } from '../api/hooks.js';
import type { MetricSeries } from '../api/types.js';
import { LineChart } from '../components/charts.js';
import { Icon } from '../components/icons.js';
import { useIsAdmin } from '../components/shell.js';
import { EmptyState, ErrorState, NotAvailable, PageHeader, Skeleton, isNotAvailable } from '../components/ui.js';
import { formatDateTime, formatDuration, humanizeName } from '../lib/format.js';

const RANGES = [
  { id: '24h', label: '24 hours', ms: 86_400_000, period: 3600 },
  { id: '7d', label: '7 days', ms: 7 * 86_400_000, period: 6 * 3600 },
] as const;

export function OpsPage() {
  const admin = useIsAdmin();
  const [rangeId, setRangeId] = useState<(typeof RANGES)[number]['id']>('24h');
  const range = RANGES.find((r) => r.id === rangeId) ?? RANGES[0];
  if (!admin) {
    return (
      <div className="page">
        <EmptyState icon="activity" title="Ops is for administrators">
          Your account does not have the admin role.
        </EmptyState>
      </div>
    );
  }
  return (
    <div className="page page-ops">
      <PageHeader
        title="Operations"
        subtitle="Health, queue, throughput and alerts. Refreshes every 15 seconds."
        actions={
          <div className="segmented segmented-sm" role="radiogroup" aria-label="Time range">
            {RANGES.map((r) => (
              <label key={r.id} className="segment">
                <input type="radio" name="range" value={r.id} checked={rangeId === r.id} onChange={() => setRangeId(r.id)} />
                <span>{r.label}</span>
              </label>
            ))}
          </div>
        }
      />
      <div className="ops-grid">
        <HealthCard />
        <QueueCard />
        <AlertsCard />
      </div>
      <div className="ops-charts">
        <MetricCard title="Jobs over time" metrics={['jobs_created', 'jobs_succeeded', 'jobs_failed']} range={range} />
        <MetricCard title="Success rate" metrics={['success_rate']} range={range} max={100} />
        <MetricCard title="Step durations" metrics={['step_duration_p50', 'step_duration_p95']} range={range} wide />
      </div>
    </div>
  );
}

function useOps<T>(what: string, fn: () => Promise<T>) {
  return useQuery({ queryKey: keys.ops(what), queryFn: fn, refetchInterval: 15_000, retry: false });
}

function OpsCard({ title, icon, children, wide = false }: { title: string; icon: Parameters<typeof Icon>[0]['name']; children: React.ReactNode; wide?: boolean }) {
  return (
    <section className={`card ops-card ${wide ? 'span-2' : ''}`} aria-label={title}>
      <h2 className="card-title card-title-icon">
        <Icon name={icon} size={18} /> {title}
      </h2>
      {children}
    </section>
  );
}

function Loading() {
  return (
    <div className="stack-sm" aria-busy="true">
      <Skeleton width="60%" height={16} />
      <Skeleton width="80%" height={14} />
      <Skeleton width="40%" height={14} />
    </div>
  );
}

function QueryState<T>({ query, what, children }: { query: { data: T | undefined; isPending: boolean; error: unknown; refetch: () => unknown }; what: string; children: (data: T) => React.ReactNode }) {
  if (query.isPending) return <Loading />;
  if (query.error || query.data === undefined) {
    return isNotAvailable(query.error) ? <NotAvailable compact what={what} /> : <ErrorState compact title={`${what} unavailable`} error={query.error} onRetry={() => void query.refetch()} />;
  }
  return <>{children(query.data)}</>;
}

const tone = (ok: boolean) => (ok ? 'success' : 'danger');

function HealthCard() {
  const api = useApi();
  const health = useOps('health', () => api.health());
  return (
    <OpsCard title="Health" icon="activity">
      <QueryState query={health} what="Health">
        {(report) => (
          <>
            <p className={`health-overall tone-${tone(report.ok)}`} data-testid="health-overall">
              <span className="status-dot" aria-hidden /> {report.ok ? 'Healthy' : `Failing: ${report.failed.map(humanizeName).join(', ')}`}
            </p>
            <ul className="kv-list">
              {report.checks.map((check) => (
                <li key={check.name} data-check={check.name}>
                  <span>{humanizeName(check.name)}</span>
                  <span className={`status-chip tone-${tone(check.ok)}`} title={check.error ?? check.detail ?? check.target}>
                    <span className="status-dot" aria-hidden />
                    {check.ok ? 'ok' : 'failing'}
                    <span className="muted"> · {check.ok ? `${check.latencyMs} ms` : (check.error ?? 'no answer')}</span>
                  </span>
                </li>
              ))}
            </ul>
          </>
        )}
      </QueryState>
    </OpsCard>
  );
}

function QueueCard() {
  const api = useApi();
  const queue = useOps('queue', () => api.queueStatus());
  return (
    <OpsCard title="Queue" icon="clock">
      <QueryState query={queue} what="Queue status">
        {(q) => {
          const stats: { id: string; label: string; value: string }[] = [
            { id: 'queued', label: 'Queued', value: String(q.queued) },
            { id: 'running', label: q.maxRunning !== undefined ? `Running (of ${q.maxRunning})` : 'Running', value: String(q.running) },
            { id: 'dead-lettered', label: 'Dead-lettered', value: q.deadLettered === null ? '—' : String(q.deadLettered) },
            { id: 'oldest-wait', label: 'Oldest wait', value: q.oldestQueuedAgeSeconds === null ? '—' : formatDuration(q.oldestQueuedAgeSeconds * 1000) },
          ];
          return (
            <>
              <div className="stat-grid">
                {stats.map((s) => (
                  <div key={s.id} className="stat">
                    <span className="stat-value" data-testid={`queue-${s.id}`}>
                      {s.value}
                    </span>
                    <span className="stat-label">{s.label}</span>
                  </div>
                ))}
              </div>
              {q.queueError ? <p className="small tone-danger-text">The queue could not be read: {q.queueError}</p> : null}
            </>
          );
        }}
      </QueryState>
    </OpsCard>
  );
}

function AlertsCard() {
  const api = useApi();
  const alerts = useOps('alerts', () => api.alerts());
  return (
    <OpsCard title="Active alerts" icon="alert">
      <QueryState query={alerts} what="Alerts">
        {(report) =>
          report.alerts.length === 0 ? (
            <p className="all-clear">
              <Icon name="check" size={18} /> No active alerts
            </p>
          ) : (
            <ul className="alert-list">
              {report.alerts.map((a) => (
                <li key={a.id} className={`alert-item tone-${a.severity === 'critical' ? 'danger' : 'warning'}`} data-severity={a.severity}>
                  <Icon name="alert" size={16} />
                  <div>
                    <strong>{a.title}</strong>
                    <p className="small muted">{a.reason}</p>
                    <p className="small muted">Since {formatDateTime(a.since)}</p>
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
    </OpsCard>
  );
}

/** The metrics the Ops page charts: the typed client refuses any other name. */
type OpsMetric = (typeof OPS_METRICS)[number];

/**
 * A chart of one or more metrics over the range. Each metric is one request: the page asks for
 * six in all, within GET /api/metrics' burst of ten (routes.ts OPS_THROTTLE).
 */
function MetricCard({ title, metrics, range, max, wide = false }: { title: string; metrics: OpsMetric[]; range: (typeof RANGES)[number]; max?: number; wide?: boolean }) {
  const api = useApi();
  const query = useQuery({
    queryKey: [...keys.ops('metrics'), ...metrics, range.id],
    queryFn: (): Promise<MetricSeries[]> => {
      const to = new Date();
      const from = new Date(to.getTime() - range.ms);
      return Promise.all(metrics.map((metric) => api.metrics(metric, from, to, range.period)));
    },
    refetchInterval: 60_000,
    retry: false,
  });
  return (
    <OpsCard title={title} icon="activity" wide={wide}>
      <QueryState query={query} what={title}>
        {(series) => (series.every((s) => s.points.length === 0) ? <p className="muted">No data in this range yet.</p> : <LineChart series={series} label={title} {...(max !== undefined ? { max } : {})} />)}
      </QueryState>
    </OpsCard>
  );
}
