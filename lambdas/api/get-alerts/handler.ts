import { activeAlerts } from '../../core/ops/ops-service.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { adminRoute, json } from '../http.js';

const deps = fromEnvironment();
const ops = deps.opsDeps({ probes: true, queue: true, alarms: true });

/** GET /api/alerts: the active alerts (rules over the job records, queue and health; CloudWatch alarms in AWS). */
export const handler = adminRoute(deps, async () => json(200, await activeAlerts(ops)));
