import { queueStatus } from '../../core/ops/ops-service.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { ENV } from '../../shared/env.js';
import { adminRoute, json } from '../http.js';

const deps = fromEnvironment();
const ops = deps.opsDeps({ queue: true });

/** GET /api/queue/status: queued, running, dead-lettered, the oldest wait and the latest jobs. */
export const handler = adminRoute(deps, async () => json(200, await queueStatus(ops, { maxRunning: deps.config[ENV.MAX_RUNNING_PIPELINES] })));
