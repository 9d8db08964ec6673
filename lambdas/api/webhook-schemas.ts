/** The webhook routes' bodies and answers (docs/api.md "Webhooks"); beside schemas.ts as ops-schemas.ts is. */
import { z } from 'zod';
import { MAX_ENDPOINTS_PER_USER, WEBHOOK_EVENTS, type WebhookDelivery, type WebhookEndpoint } from '../core/webhooks/model.js';
import { MAX_URL_LENGTH } from '../core/webhooks/ssrf.js';

export const CreateWebhookBody = z
  .object({
    url: z.string({ error: 'url must be a string' }).min(1, 'url must not be empty').max(MAX_URL_LENGTH, `url must be at most ${MAX_URL_LENGTH} characters`),
    events: z
      .array(z.enum(WEBHOOK_EVENTS, { error: `events must be some of ${WEBHOOK_EVENTS.join(', ')}` }), { error: 'events must be a list' })
      .min(1, 'events must name at least one event')
      .max(WEBHOOK_EVENTS.length, `events has at most ${WEBHOOK_EVENTS.length} entries`)
      .optional()
      .describe('Default: every event.'),
  })
  .strict()
  .meta({ id: 'CreateWebhookRequest' });

export const WebhookEndpointView = z
  .object({ id: z.string(), url: z.string(), events: z.array(z.enum(WEBHOOK_EVENTS)), createdAt: z.string() })
  .meta({ id: 'WebhookEndpoint' });

export const CreatedWebhookView = WebhookEndpointView.extend({
  secret: z.string().describe('whsec_…: shown only now; verify deliveries with it.'),
}).meta({ id: 'CreatedWebhook' });

export const WebhookEndpointList = z
  .object({ endpoints: z.array(WebhookEndpointView), max: z.number().int().describe(`Endpoints a user may have (${MAX_ENDPOINTS_PER_USER}).`) })
  .meta({ id: 'WebhookEndpoints' });

export const WebhookSecretView = z
  .object({
    secret: z.string(),
    previousSecretValidUntil: z.string().optional().describe('After a rotation: the old secret also signs until then.'),
  })
  .meta({ id: 'WebhookSecret' });

export const DeletedWebhookView = z.object({ id: z.string(), deleted: z.literal(true) }).meta({ id: 'DeletedWebhook' });

export const WebhookDeliveryView = z
  .object({
    id: z.string(),
    event: z.enum(WEBHOOK_EVENTS),
    webhookId: z.string(),
    videoId: z.string(),
    state: z.enum(['pending', 'succeeded', 'failed']),
    attempts: z.array(z.object({ at: z.string(), status: z.number().int().optional(), error: z.string().optional(), manual: z.boolean().optional() })),
    nextAttemptAt: z.string().optional(),
    createdAt: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });

export const WebhookDeliveryList = z.object({ deliveries: z.array(WebhookDeliveryView) }).meta({ id: 'WebhookDeliveries' });

/** An endpoint as the API shows it: never its secret. */
export function endpointView(endpoint: WebhookEndpoint): z.infer<typeof WebhookEndpointView> {
  return { id: endpoint.endpointId, url: endpoint.url, events: endpoint.events, createdAt: endpoint.createdAt };
}

/** A delivery as the log shows it (not its payload: it holds a presigned URL). */
export function deliveryView(delivery: WebhookDelivery): z.infer<typeof WebhookDeliveryView> {
  return {
    id: delivery.deliveryId,
    event: delivery.event,
    webhookId: delivery.webhookId,
    videoId: delivery.jobId,
    state: delivery.state,
    attempts: delivery.attempts,
    ...(delivery.state === 'pending' && delivery.nextAttemptAt ? { nextAttemptAt: delivery.nextAttemptAt } : {}),
    createdAt: delivery.createdAt,
  };
}
