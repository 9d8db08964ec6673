/** Request and response shapes of the operator endpoints (docs/ops.md), for validation and the OpenAPI document. */
import { z } from 'zod';
import { STEPS } from '../core/job.js';
import { METRIC_NAMES } from '../core/ops/metrics.js';

export const MetricsQuery = z
  .object({
    metric: z.enum(METRIC_NAMES, { error: `metric must be one of: ${METRIC_NAMES.join(', ')}` }).meta({ description: 'The series to compute.' }),
    from: z.iso.datetime({ offset: true }).optional().meta({ description: 'Start (ISO 8601); default `to` minus 24 h.' }),
    to: z.iso.datetime({ offset: true }).optional().meta({ description: 'End (ISO 8601); default now.' }),
    period: z.coerce.number().int().optional().meta({ description: 'Seconds per point, at least 60; default 3600.' }),
    step: z.enum(STEPS).optional().meta({ description: 'Step metrics only: one step (default all steps pooled).' }),
  })
  .strict()
  .meta({ id: 'MetricsQuery' });

const HealthCheckView = z.object({
  name: z.string(),
  target: z.string(),
  ok: z.boolean(),
  latencyMs: z.number(),
  detail: z.string().optional(),
  error: z.string().optional(),
});

export const HealthView = z
  .object({ ok: z.boolean(), checkedAt: z.string(), checks: z.array(HealthCheckView), failed: z.array(z.string()) })
  .meta({ id: 'Health' });

export const SeriesView = z
  .object({
    metric: z.enum(METRIC_NAMES),
    unit: z.enum(['count', 'ratio', 'ms', 'usd']),
    from: z.string(),
    to: z.string(),
    periodSeconds: z.number(),
    step: z.enum(STEPS).optional(),
    points: z.array(z.object({ at: z.string(), value: z.number().nullable(), samples: z.number() })),
  })
  .meta({ id: 'MetricSeries' });

export const QueueStatusView = z
  .object({
    checkedAt: z.string(),
    queued: z.number(),
    running: z.number(),
    deadLettered: z.number().nullable(),
    messages: z.object({ visible: z.number(), inFlight: z.number(), delayed: z.number() }).nullable(),
    queueError: z.string().optional(),
    oldestQueuedAgeSeconds: z.number().nullable(),
    oldestQueuedJobId: z.string().nullable(),
    maxRunning: z.number().optional(),
    recent: z.array(
      z.object({
        jobId: z.string(),
        userId: z.string(),
        status: z.enum(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED']),
        currentStep: z.string().optional(),
        createdAt: z.string(),
        updatedAt: z.string(),
        progress: z.number().optional(),
        error: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'QueueStatus' });

export const AlertView = z.object({
  id: z.string(),
  severity: z.enum(['critical', 'warning']),
  title: z.string(),
  reason: z.string(),
  since: z.string(),
  source: z.enum(['rules', 'cloudwatch']),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const AlertsView = z
  .object({
    checkedAt: z.string(),
    alerts: z.array(AlertView),
    thresholds: z.record(z.string(), z.number()),
    errors: z.array(z.string()),
    health: HealthView,
  })
  .meta({ id: 'Alerts' });
