import { MAX_ENDPOINTS_PER_USER } from '../../core/webhooks/model.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { json, userRoute } from '../http.js';
import { endpointView } from '../webhook-schemas.js';

const deps = fromEnvironment();
const store = deps.webhookStore();

/** GET /api/webhooks: the caller's endpoints, without their secrets. */
export const handler = userRoute(deps, async ({ caller }) => {
  const endpoints = await store.listEndpoints(caller.userId);
  return json(200, { endpoints: endpoints.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(endpointView), max: MAX_ENDPOINTS_PER_USER });
});
