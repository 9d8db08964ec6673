import { NotFound } from '../../core/errors.js';
import { DeliveryEndpointIdSchema, VIDEO_URL_ENDPOINT } from '../../core/webhooks/model.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { json, pathParam, userRoute } from '../http.js';
import { deliveryView } from '../webhook-schemas.js';

const deps = fromEnvironment();
const store = deps.webhookStore();

/** How many deliveries the log shows, newest first. */
const LOG_LENGTH = 50;

/** GET /api/webhooks/{id}/deliveries: an endpoint's (or `video-url`: videos' own URLs') recent deliveries with their attempts. */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const id = pathParam(event, 'id', DeliveryEndpointIdSchema, 'webhook');
  if (id !== VIDEO_URL_ENDPOINT && !(await store.getEndpoint(caller.userId, id))) throw new NotFound('No such webhook of yours.');
  const deliveries = await store.listDeliveries(caller.userId, id, LOG_LENGTH);
  return json(200, { deliveries: deliveries.map(deliveryView) });
});
