import { activeAlerts } from '../../core/ops/ops-service.js';
import { opsDeps } from '../../shared/ops-container.js';
import { adminRoute, json } from '../http.js';

/** GET /api/alerts: the active alerts (rules over the job records, queue and health; CloudWatch alarms in AWS). */
export const handler = adminRoute(async () => json(200, await activeAlerts(opsDeps())));
