/**
 * The webhook routes (docs/api.md "Webhooks") for the Webhooks page, over the shared `Api.request`
 * (kept in this file until the typed client generated from /api/openapi.json replaces it).
 */
import type { Api } from './client.js';

export type WebhookEvent = 'video.succeeded' | 'video.failed';
export const WEBHOOK_EVENTS: readonly WebhookEvent[] = ['video.succeeded', 'video.failed'];

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: WebhookEvent[];
  createdAt: string;
}

export interface DeliveryAttempt {
  at: string;
  status?: number;
  error?: string;
  manual?: boolean;
}

export interface WebhookDelivery {
  id: string;
  event: WebhookEvent;
  webhookId: string;
  videoId: string;
  state: 'pending' | 'succeeded' | 'failed';
  attempts: DeliveryAttempt[];
  nextAttemptAt?: string;
  createdAt: string;
}

/** The pseudo-endpoint whose log holds deliveries to videos' own webhookUrl. */
export const VIDEO_URL_ENDPOINT = 'video-url';

const path = (id: string) => `/api/webhooks/${encodeURIComponent(id)}`;

export const webhooksApi = {
  list: (api: Api) => api.request<{ endpoints: WebhookEndpoint[]; max: number }>('GET', '/api/webhooks'),
  create: (api: Api, body: { url: string; events: WebhookEvent[] }) => api.request<WebhookEndpoint & { secret: string }>('POST', '/api/webhooks', { body }),
  remove: (api: Api, id: string) => api.request<{ id: string; deleted: true }>('DELETE', path(id)),
  rotate: (api: Api, id: string) => api.request<{ secret: string; previousSecretValidUntil?: string }>('POST', `${path(id)}/rotate`),
  deliveries: (api: Api, id: string) => api.request<{ deliveries: WebhookDelivery[] }>('GET', `${path(id)}/deliveries`),
  resend: (api: Api, id: string, deliveryId: string) =>
    api.request<WebhookDelivery>('POST', `${path(id)}/deliveries/${encodeURIComponent(deliveryId)}/resend`),
  signingSecret: (api: Api) => api.request<{ secret: string }>('POST', '/api/webhook-secret'),
};
