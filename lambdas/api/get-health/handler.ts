import { health } from '../../core/ops/ops-service.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { adminRoute, json } from '../http.js';

const deps = fromEnvironment();
const ops = deps.opsDeps({ probes: true });

/** GET /api/health: every dependency probed, with latency; 200 when all pass, else 503 naming the failed. */
export const handler = adminRoute(deps, async () => {
  const report = await health(ops);
  return json(report.ok ? 200 : 503, report);
});
