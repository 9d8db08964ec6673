/** Small SVG charts for the ops page: no chart library, scale with their container. */
import { useEffect, useId, useRef, useState } from 'react';
import type { MetricSeries } from '../api/types.js';

const COLORS = ['#8b5cf6', '#34d399', '#f87171', '#60a5fa', '#fbbf24', '#ec4899'];

/** The drawing's width before the chart is measured, and its height (the CSS height of `.chart svg`). */
const DEFAULT_W = 640;
const H = 220;
const PAD = { top: 12, right: 12, bottom: 28, left: 44 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const n = v / p;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * p;
}

function formatTick(value: number, unit?: string): string {
  if (unit === 'percent') return `${Math.round(value)}%`;
  if (unit === 'ms') return value >= 1000 ? `${(value / 1000).toFixed(value >= 10_000 ? 0 : 1)} s` : `${Math.round(value)} ms`;
  return Math.abs(value) >= 1000 ? `${(value / 1000).toFixed(1)}k` : String(Math.round(value * 10) / 10);
}

function timeLabel(t: string, spanMs: number): string {
  const d = new Date(t);
  return spanMs > 2 * 86_400_000
    ? d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })
    : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

export function Legend({ items }: { items: { label: string; color: string }[] }) {
  return (
    <ul className="legend">
      {items.map((i) => (
        <li key={i.label}>
          <span className="legend-swatch" style={{ background: i.color }} aria-hidden />
          {i.label}
        </li>
      ))}
    </ul>
  );
}

/**
 * The element's width in CSS pixels, kept up to date: the chart is drawn at its real size, so
 * its text and dots are never stretched (a fixed viewBox scaled with preserveAspectRatio="none"
 * stretched the labels of wide charts).
 */
function useWidth<T extends Element>(): [React.RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(DEFAULT_W);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setWidth(Math.max(160, Math.round(element.getBoundingClientRect().width)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

/** One or more series over time, as lines, with a table alternative for screen readers. */
export function LineChart({ series, label, max: fixedMax }: { series: MetricSeries[]; label: string; max?: number }) {
  const gradientId = useId();
  const [figure, W] = useWidth<HTMLElement>();
  const all = series.flatMap((s) => s.points);
  const times = [...new Set(all.map((p) => p.t))].sort();
  const t0 = Date.parse(times[0] ?? '');
  const t1 = Date.parse(times[times.length - 1] ?? '');
  const span = Math.max(1, t1 - t0);
  const max = fixedMax ?? niceMax(Math.max(0, ...all.map((p) => p.value)));
  const unit = series[0]?.unit;
  // A single point sits in the middle, not against the axis.
  const x = (t: string) => PAD.left + (times.length <= 1 ? 0.5 : (Date.parse(t) - t0) / span) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const xTicks = times.length <= 1 ? times : [times[0]!, times[Math.floor(times.length / 2)]!, times[times.length - 1]!];
  return (
    <figure className="chart" ref={figure}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        <defs>
          <linearGradient id={gradientId} x1="0" y1="0" x2="0" y2="1">
            <stop offset="0" stopColor={COLORS[0]} stopOpacity="0.35" />
            <stop offset="1" stopColor={COLORS[0]} stopOpacity="0" />
          </linearGradient>
        </defs>
        {ticks.map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} className="chart-grid" />
            <text x={PAD.left - 8} y={y(v) + 4} textAnchor="end" className="chart-tick">
              {formatTick(v, unit)}
            </text>
          </g>
        ))}
        {xTicks.map((t, i) => (
          <text key={t} x={x(t)} y={H - 8} textAnchor={xTicks.length === 1 ? 'middle' : i === 0 ? 'start' : i === xTicks.length - 1 ? 'end' : 'middle'} className="chart-tick">
            {timeLabel(t, span)}
          </text>
        ))}
        {series.map((s, i) => {
          if (s.points.length === 0) return null;
          const d = s.points.map((p, j) => `${j ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.value).toFixed(1)}`).join('');
          const color = COLORS[i % COLORS.length];
          return (
            <g key={s.id} data-series={s.id}>
              {i === 0 && series.length === 1 && s.points.length > 1 ? (
                <path d={`${d}L${x(s.points[s.points.length - 1]!.t)},${y(0)}L${x(s.points[0]!.t)},${y(0)}Z`} fill={`url(#${gradientId})`} />
              ) : null}
              <path d={d} fill="none" stroke={color} strokeWidth={2.2} vectorEffect="non-scaling-stroke" strokeLinejoin="round" />
              {/* A dot per point: a zero-length stroke with round caps stays round however the SVG is stretched. */}
              {s.points.map((p) => (
                <path
                  key={p.t}
                  className="chart-point"
                  d={`M${x(p.t).toFixed(1)},${y(p.value).toFixed(1)}h0`}
                  stroke={color}
                  strokeWidth={s.points.length === 1 ? 8 : 5}
                  strokeLinecap="round"
                  vectorEffect="non-scaling-stroke"
                />
              ))}
            </g>
          );
        })}
      </svg>
      {series.length > 1 ? <Legend items={series.map((s, i) => ({ label: s.label, color: COLORS[i % COLORS.length]! }))} /> : null}
      <table className="visually-hidden">
        <caption>{label}</caption>
        <thead>
          <tr>
            <th>Time</th>
            {series.map((s) => (
              <th key={s.id}>{s.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {times.map((t) => (
            <tr key={t}>
              <td>{new Date(t).toLocaleString()}</td>
              {series.map((s) => (
                <td key={s.id} data-series={s.id}>
                  {s.points.find((p) => p.t === t)?.value ?? ''}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
