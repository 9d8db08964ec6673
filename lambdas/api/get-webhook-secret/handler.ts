import { newWebhookSecret } from '../../core/webhooks/model.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { json, userRoute } from '../http.js';

const deps = fromEnvironment();
const store = deps.webhookStore();

/** POST /api/webhook-secret: the secret that signs deliveries to videos' own `webhookUrl` (made on first use). */
export const handler = userRoute(deps, async ({ caller }) => {
  return json(200, { secret: await store.userSigningSecret(caller.userId, newWebhookSecret) });
});
