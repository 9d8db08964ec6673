/**
 * The webhook routes (docs/api.md "Webhooks") for the Webhooks page, through the typed client
 * generated from /api/openapi.json.
 */
import { unwrap, type Schemas } from '../../../lambdas/api/client/shorts-client.js';
import type { Api } from './client.js';

export type WebhookEndpoint = Schemas['WebhookEndpoint'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type DeliveryAttempt = WebhookDelivery['attempts'][number];
export type WebhookEvent = WebhookEndpoint['events'][number];
export const WEBHOOK_EVENTS: readonly WebhookEvent[] = ['video.succeeded', 'video.failed'];

/** The pseudo-endpoint whose log holds deliveries to videos' own webhookUrl. */
export const VIDEO_URL_ENDPOINT = 'video-url';

const at = (id: string) => ({ params: { path: { id } } });

export const webhooksApi = {
  list: (api: Api) => unwrap(api.client.GET('/api/webhooks')),
  create: (api: Api, body: { url: string; events: WebhookEvent[] }) => unwrap(api.client.POST('/api/webhooks', { body })),
  remove: (api: Api, id: string) => unwrap(api.client.DELETE('/api/webhooks/{id}', at(id))),
  rotate: (api: Api, id: string) => unwrap(api.client.POST('/api/webhooks/{id}/rotate', at(id))),
  deliveries: (api: Api, id: string) => unwrap(api.client.GET('/api/webhooks/{id}/deliveries', at(id))),
  resend: (api: Api, id: string, deliveryId: string) =>
    unwrap(api.client.POST('/api/webhooks/{id}/deliveries/{deliveryId}/resend', { params: { path: { id, deliveryId } } })),
  signingSecret: (api: Api) => unwrap(api.client.POST('/api/webhook-secret')),
};
