import { queueStatus } from '../../core/ops/ops-service.js';
import { maxRunningPipelines } from '../../shared/api-config.js';
import { opsDeps } from '../../shared/ops-container.js';
import { adminRoute, json } from '../http.js';

/** GET /api/queue/status: queued, running, dead-lettered, the oldest wait and the latest jobs. */
export const handler = adminRoute(async () => json(200, await queueStatus(opsDeps(), { maxRunning: maxRunningPipelines() })));
