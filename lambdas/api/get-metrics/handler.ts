import { METRIC_NAMES, seriesRequestProblems } from '../../core/ops/metrics.js';
import { metricSeries } from '../../core/ops/ops-service.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { adminRoute, fieldErrors, HttpError, json } from '../http.js';
import { MetricsQuery } from '../ops-schemas.js';

const deps = fromEnvironment();
const ops = deps.opsDeps();
const DAY_MS = 24 * 3600_000;

/** GET /api/metrics?metric&from&to&period[&step]: a time series computed from the job records. */
export const handler = adminRoute(deps, async ({ event }) => {
  const parsed = MetricsQuery.safeParse(event.queryStringParameters ?? {});
  const fields = parsed.success ? [] : fieldErrors(parsed.error, 'query');
  const q = parsed.success ? parsed.data : undefined;
  const to = q?.to ? new Date(q.to) : new Date();
  const from = q?.from ? new Date(q.from) : new Date(to.getTime() - DAY_MS);
  const periodSeconds = q?.period ?? 3600;
  if (q) fields.push(...seriesRequestProblems({ from, to, periodSeconds }));
  if (fields.length || !q) {
    throw new HttpError(400, 'invalid_request', fields.map((f) => (f.message.startsWith(f.field) ? f.message : `${f.field}: ${f.message}`)).join('; '), {
      fields,
      metrics: METRIC_NAMES,
    });
  }
  return json(200, await metricSeries(ops, { metric: q.metric, from, to, periodSeconds, ...(q.step ? { step: q.step } : {}) }));
});
