import { JobStateConflict, NotFound } from '../../core/errors.js';
import { DeliveryEndpointIdSchema, DeliveryIdSchema } from '../../core/webhooks/model.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { json, pathParam, userRoute } from '../http.js';
import { deliveryView } from '../webhook-schemas.js';

const deps = fromEnvironment();
const store = deps.webhookStore();
const queue = deps.webhookQueue();

/** POST /api/webhooks/{id}/deliveries/{deliveryId}/resend: one more attempt of the same payload and webhook-id, now (202). */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const endpointId = pathParam(event, 'id', DeliveryEndpointIdSchema, 'webhook');
  const deliveryId = pathParam(event, 'deliveryId', DeliveryIdSchema, 'delivery');
  const found = await store.getDelivery(caller.userId, endpointId, deliveryId);
  if (!found) throw new NotFound('No such delivery of yours.');
  if (found.state === 'pending') throw new JobStateConflict('The delivery is still being tried; send it again once it has succeeded or failed.');
  const reopened = await store.reopen(caller.userId, endpointId, deliveryId, systemClock.now().toISOString());
  if (!reopened) throw new JobStateConflict('The delivery is being sent again already.');
  await queue.send({ kind: 'attempt', userId: caller.userId, endpointId, deliveryId, version: reopened.version });
  return json(202, deliveryView(reopened));
});
