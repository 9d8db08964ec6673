/**
 * Completion webhooks (docs/api.md "Webhooks"), by the Standard Webhooks specification: the
 * events, the endpoint and delivery records, secrets and the retry schedule.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';

/** The events a video sends when its job ends. */
export const WEBHOOK_EVENTS = ['video.succeeded', 'video.failed'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** Endpoints one user may register. */
export const MAX_ENDPOINTS_PER_USER = 10;

/** After a rotation the previous secret signs too (a second signature in the header) for this long. */
export const PREVIOUS_SECRET_SECONDS = 24 * 3600;

/** A delivery attempt waits at most this long for the receiver's answer. */
export const ATTEMPT_TIMEOUT_MS = 10_000;

/** How long the presigned MP4 URL in a `video.succeeded` payload is valid. */
export const PAYLOAD_URL_SECONDS = 24 * 3600;

/** Delivery records are kept this long (DynamoDB TTL). */
export const DELIVERY_RETENTION_SECONDS = 30 * 24 * 3600;

/**
 * Standard Webhooks' schedule: after the first attempt (at once), retries 5 s, 5 min, 30 min,
 * 2 h, 5 h, 10 h and 10 h after the previous one; then the delivery is marked failed.
 */
export const DEFAULT_RETRY_SECONDS: readonly number[] = [5, 300, 1800, 7200, 18000, 36000, 36000];

/** The pseudo-endpoint that holds one-off deliveries to a video's own `webhookUrl`. */
export const VIDEO_URL_ENDPOINT = 'video-url';

/** `whsec_` + base64 of 32 random bytes: the Standard Webhooks secret format. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** An endpoint id: `wh_` + 20 URL-safe characters. */
export function newEndpointId(): string {
  return `wh_${randomBytes(15).toString('base64url')}`;
}

export const EndpointIdSchema = z.string().regex(/^wh_[A-Za-z0-9_-]{20}$/, 'webhook ids look like wh_…');
/** An endpoint id in a delivery-log path: a registered endpoint, or the one-off deliveries to videos' own URLs. */
export const DeliveryEndpointIdSchema = z.union([EndpointIdSchema, z.literal(VIDEO_URL_ENDPOINT)]);
/** `{jobId}.{attempt}.{succeeded|failed}`: one delivery per endpoint per end of a job's attempt. */
export const DeliveryIdSchema = z.string().regex(/^[0-9a-f-]{36}\.\d{1,6}\.(succeeded|failed)$/, 'delivery ids look like {video id}.{attempt}.{outcome}');

/** A registered endpoint. */
export interface WebhookEndpoint {
  userId: string;
  endpointId: string;
  url: string;
  events: WebhookEventType[];
  secret: string;
  /** The secret before the last rotation, still signing until `previousSecretUntil`. */
  previousSecret?: string;
  previousSecretUntil?: string;
  createdAt: string;
}

export type DeliveryState = 'pending' | 'succeeded' | 'failed';

/** One try at delivering: when, the receiver's status code, or what went wrong. */
export interface DeliveryAttempt {
  at: string;
  status?: number;
  error?: string;
  manual?: boolean;
}

/** One event for one endpoint: the same payload and webhook-id on every attempt. */
export interface WebhookDelivery {
  userId: string;
  endpointId: string;
  deliveryId: string;
  webhookId: string;
  event: WebhookEventType;
  jobId: string;
  /** The exact body sent (signed as is). */
  payload: string;
  /** A one-off delivery's target (the video's webhookUrl); endpoints' are read at each attempt. */
  url?: string;
  state: DeliveryState;
  attempts: DeliveryAttempt[];
  /** Scheduled attempts made (resends not counted). */
  scheduled: number;
  nextAttemptAt?: string;
  /** A resend's delivery: one attempt, no schedule after it. */
  manual?: boolean;
  /** Bumped by each claim and resend: a message for an older version is stale. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The body of `video.succeeded` / `video.failed`. */
export interface WebhookPayload {
  type: WebhookEventType;
  timestamp: string;
  data: {
    id: string;
    status: 'SUCCEEDED' | 'FAILED';
    title?: string;
    url?: string;
    error?: { name: string; message: string };
  };
}

/** The delivery id of an event: one per job attempt and outcome, so a repeated job end is the same delivery. */
export function deliveryIdOf(jobId: string, attempt: number, type: WebhookEventType): string {
  return `${jobId}.${attempt}.${type === 'video.succeeded' ? 'succeeded' : 'failed'}`;
}

/** The Standard Webhooks headers of one attempt: every secret signs (a rotation's old and new secret). */
export function signedHeaders(webhookId: string, payload: string, secrets: readonly string[], at: Date): Record<string, string> {
  const signatures = secrets.map((secret) => new Webhook(secret).sign(webhookId, at, payload));
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}

/** The secrets that sign for an endpoint now: its own, and the previous one during the rotation window. */
export function signingSecrets(endpoint: Pick<WebhookEndpoint, 'secret' | 'previousSecret' | 'previousSecretUntil'>, now: Date): string[] {
  const previous = endpoint.previousSecret && endpoint.previousSecretUntil && Date.parse(endpoint.previousSecretUntil) > now.getTime() ? [endpoint.previousSecret] : [];
  return [endpoint.secret, ...previous];
}

/** Parses WEBHOOK_RETRY_SECONDS (`5,300,…`): the waits between scheduled attempts. */
export function parseRetrySchedule(raw: string | undefined): number[] {
  if (!raw) return [...DEFAULT_RETRY_SECONDS];
  return raw.split(',').map((part) => {
    const value = Number(part.trim());
    if (!Number.isInteger(value) || value < 0) throw new Error(`WEBHOOK_RETRY_SECONDS must be comma-separated whole seconds, got "${raw}".`);
    return value;
  });
}
