/**
 * Ops (admins): health, the queue, metrics charts and active alerts, from the monitoring
 * endpoints. An endpoint the server does not have yet (404/501) says "not available yet";
 * nothing here is ever made up.
 */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { STEPS, STEP_LABELS, type StepName } from '../../../lambdas/core/job.js';
import { keys, useApi } from '../api/hooks.js';
import type { MetricSeries } from '../api/types.js';
import { BarChart, LineChart } from '../components/charts.js';
import { Icon } from '../components/icons.js';
import { useIsAdmin } from '../components/shell.js';
import { EmptyState, ErrorState, NotAvailable, PageHeader, Skeleton, isNotAvailable } from '../components/ui.js';
import { formatDateTime, humanizeName } from '../lib/format.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

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
        <MetricCard title="Jobs over time" metric="jobs" range={range} render={(s) => <LineChart series={s} label="Jobs over time" />} />
        <MetricCard
          title="Success rate"
          metric="successRate"
          range={range}
          render={(s) => <LineChart series={s.map((x) => ({ ...x, unit: x.unit ?? 'percent' }))} label="Success rate" max={100} />}
        />
        <MetricCard
          title="Step durations"
          metric="stepDurations"
          range={range}
          wholeWindow
          wide
          render={(s) => <StepDurations series={s} />}
        />
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

function QueryState({ query, what, children }: { query: { isPending: boolean; error: unknown; refetch: () => unknown }; what: string; children: () => React.ReactNode }) {
  if (query.isPending) return <Loading />;
  if (query.error) {
    return isNotAvailable(query.error) ? <NotAvailable compact what={what} /> : <ErrorState compact title={`${what} unavailable`} error={query.error} onRetry={() => void query.refetch()} />;
  }
  return <>{children()}</>;
}

const healthy = (v: unknown) => {
  const s = typeof v === 'string' ? v : isObject(v) ? (v.status ?? v.state ?? (v.ok === true ? 'ok' : v.ok === false ? 'down' : undefined)) : typeof v === 'boolean' ? (v ? 'ok' : 'down') : undefined;
  return typeof s === 'string' ? s.toLowerCase() : undefined;
};
const toneOf = (s: string | undefined) => (s === undefined ? 'neutral' : /^(ok|healthy|up|pass|green)$/.test(s) ? 'success' : /^(degraded|warn|warning)$/.test(s) ? 'warning' : 'danger');

function HealthCard() {
  const api = useApi();
  const health = useOps('health', () => api.health());
  return (
    <OpsCard title="Health" icon="activity">
      <QueryState query={health} what="Health">
        {() => {
          const body = isObject(health.data) ? health.data : {};
          const overall = healthy(body);
          const checksRaw = body.checks ?? body.components ?? body.dependencies;
          const checks: [string, unknown][] = Array.isArray(checksRaw)
            ? checksRaw.filter(isObject).map((c) => [String(c.name ?? c.id ?? '?'), c])
            : isObject(checksRaw)
              ? Object.entries(checksRaw)
              : [];
          return (
            <>
              <p className={`health-overall tone-${toneOf(overall)}`}>
                <span className="status-dot" aria-hidden /> {overall ? humanizeName(overall) : 'Unknown'}
              </p>
              {checks.length > 0 ? (
                <ul className="kv-list">
                  {checks.map(([name, value]) => {
                    const s = healthy(value);
                    const detail = isObject(value) ? (value.message ?? value.detail ?? (typeof value.latencyMs === 'number' ? `${value.latencyMs} ms` : undefined)) : undefined;
                    return (
                      <li key={name}>
                        <span>{humanizeName(name)}</span>
                        <span className={`status-chip tone-${toneOf(s)}`}>
                          <span className="status-dot" aria-hidden />
                          {s ?? '—'}
                          {typeof detail === 'string' ? <span className="muted"> · {detail}</span> : null}
                        </span>
                      </li>
                    );
                  })}
                </ul>
              ) : null}
            </>
          );
        }}
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
        {() => {
          const body = isObject(queue.data) ? queue.data : {};
          // Every number the endpoint reports, nested one level (e.g. {queue:{visible}, pipelines:{running}}).
          const stats: [string, number][] = [];
          for (const [k, v] of Object.entries(body)) {
            if (typeof v === 'number') stats.push([k, v]);
            else if (isObject(v)) for (const [k2, v2] of Object.entries(v)) if (typeof v2 === 'number') stats.push([`${k} ${k2}`, v2]);
          }
          return stats.length === 0 ? (
            <p className="muted">The queue reported no figures.</p>
          ) : (
            <div className="stat-grid">
              {stats.map(([k, v]) => (
                <div key={k} className="stat">
                  <span className="stat-value">{v}</span>
                  <span className="stat-label">{humanizeName(k.replace(/[._-]/g, ' '))}</span>
                </div>
              ))}
            </div>
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
        {() => {
          const body = alerts.data;
          const list = (Array.isArray(body) ? body : isObject(body) && Array.isArray(body.alerts) ? body.alerts : []).filter(isObject);
          const active = list.filter((a) => a.active !== false && a.state !== 'OK' && a.state !== 'ok');
          return active.length === 0 ? (
            <p className="all-clear">
              <Icon name="check" size={18} /> No active alerts
            </p>
          ) : (
            <ul className="alert-list">
              {active.map((a, i) => {
                const severity = String(a.severity ?? 'warning').toLowerCase();
                return (
                  <li key={String(a.id ?? a.name ?? i)} className={`alert-item tone-${severity === 'critical' || severity === 'error' ? 'danger' : 'warning'}`}>
                    <Icon name="alert" size={16} />
                    <div>
                      <strong>{String(a.name ?? a.title ?? 'Alert')}</strong>
                      {a.message || a.description ? <p className="small muted">{String(a.message ?? a.description)}</p> : null}
                      {typeof (a.since ?? a.firedAt) === 'string' ? <p className="small muted">Since {formatDateTime(String(a.since ?? a.firedAt))}</p> : null}
                    </div>
                  </li>
                );
              })}
            </ul>
          );
        }}
      </QueryState>
    </OpsCard>
  );
}

function MetricCard({
  title,
  metric,
  range,
  render,
  wholeWindow = false,
  wide = false,
}: {
  title: string;
  metric: string;
  range: (typeof RANGES)[number];
  render: (series: MetricSeries[]) => React.ReactNode;
  /** One figure over the whole range (period = range) instead of a series over time. */
  wholeWindow?: boolean;
  wide?: boolean;
}) {
  const api = useApi();
  const query = useQuery({
    queryKey: [...keys.ops('metrics'), metric, range.id],
    queryFn: () => {
      const to = new Date();
      const from = new Date(to.getTime() - range.ms);
      return api.metrics(metric, from, to, wholeWindow ? Math.round(range.ms / 1000) : range.period);
    },
    refetchInterval: 60_000,
    retry: false,
  });
  return (
    <OpsCard title={title} icon="activity" wide={wide}>
      <QueryState query={query} what={title}>
        {() => {
          const series = query.data ?? [];
          return series.every((s) => s.points.length === 0) ? <p className="muted">No data in this range yet.</p> : render(series);
        }}
      </QueryState>
    </OpsCard>
  );
}

function StepDurations({ series }: { series: MetricSeries[] }) {
  const stats = [...new Set(series.map((s) => s.stat).filter((s): s is string => Boolean(s)))].sort();
  const byStep = new Map<string, Record<string, number>>();
  for (const s of series) {
    if (!s.step || !s.stat) continue;
    const last = s.points[s.points.length - 1];
    if (!last) continue;
    byStep.set(s.step, { ...byStep.get(s.step), [s.stat]: last.value });
  }
  const rows = [...byStep.entries()]
    .sort(([a], [b]) => STEPS.indexOf(a as StepName) - STEPS.indexOf(b as StepName))
    .map(([step, values]) => ({ label: STEP_LABELS[step as StepName] ?? step, values }));
  if (rows.length === 0) return <p className="muted">No step durations in this range yet.</p>;
  return <BarChart rows={rows} stats={stats} unit="ms" label="Step durations" />;
}
