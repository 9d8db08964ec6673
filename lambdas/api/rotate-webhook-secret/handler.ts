import { NotFound } from '../../core/errors.js';
import { EndpointIdSchema, newWebhookSecret, PREVIOUS_SECRET_SECONDS } from '../../core/webhooks/model.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { json, pathParam, userRoute } from '../http.js';

const deps = fromEnvironment();
const store = deps.webhookStore();

/** POST /api/webhooks/{id}/rotate: a new secret (shown once); the old one also signs for 24 hours. */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const id = pathParam(event, 'id', EndpointIdSchema, 'webhook');
  const secret = newWebhookSecret();
  const until = new Date(systemClock.now().getTime() + PREVIOUS_SECRET_SECONDS * 1000).toISOString();
  if (!(await store.rotateSecret(caller.userId, id, secret, until))) throw new NotFound('No such webhook of yours.');
  return json(200, { secret, previousSecretValidUntil: until });
});
