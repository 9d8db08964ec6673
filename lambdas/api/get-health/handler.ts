import { health } from '../../core/ops/ops-service.js';
import { opsDeps } from '../../shared/ops-container.js';
import { adminRoute, json } from '../http.js';

/** GET /api/health: every dependency probed, with latency; 200 when all pass, else 503 naming the failed. */
export const handler = adminRoute(async () => {
  const report = await health(opsDeps());
  return json(report.ok ? 200 : 503, report);
});
