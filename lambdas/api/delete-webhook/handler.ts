import { NotFound } from '../../core/errors.js';
import { EndpointIdSchema } from '../../core/webhooks/model.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { json, pathParam, userRoute } from '../http.js';

const deps = fromEnvironment();
const store = deps.webhookStore();

/** DELETE /api/webhooks/{id}: the endpoint; its pending deliveries fail at their next attempt, its log expires. */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const id = pathParam(event, 'id', EndpointIdSchema, 'webhook');
  if (!(await store.deleteEndpoint(caller.userId, id))) throw new NotFound('No such webhook of yours.');
  return json(200, { id, deleted: true });
});
