import { MAX_ENDPOINTS_PER_USER, newEndpointId, newWebhookSecret, WEBHOOK_EVENTS } from '../../core/webhooks/model.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { HttpError, json, parseBody, userRoute } from '../http.js';
import { checkRequestedTarget } from '../webhook-target.js';
import { CreateWebhookBody, endpointView } from '../webhook-schemas.js';

const deps = fromEnvironment();
const store = deps.webhookStore();
const policy = deps.webhookPolicy();

/** POST /api/webhooks: registers an endpoint (its address checked) and shows its secret once (201). */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const body = parseBody(event, CreateWebhookBody);
  await checkRequestedTarget(body.url, 'url', policy);
  const endpoint = {
    userId: caller.userId,
    endpointId: newEndpointId(),
    url: body.url,
    events: body.events ? [...new Set(body.events)] : [...WEBHOOK_EVENTS],
    secret: newWebhookSecret(),
    createdAt: systemClock.now().toISOString(),
  };
  if (!(await store.addEndpoint(endpoint, MAX_ENDPOINTS_PER_USER))) {
    throw new HttpError(409, 'too_many_webhooks', `You have ${MAX_ENDPOINTS_PER_USER} webhook endpoints, the most allowed; delete one first.`);
  }
  return json(201, { ...endpointView(endpoint), secret: endpoint.secret }, { location: `/api/webhooks/${endpoint.endpointId}` });
});
