/**
 * Delivering webhooks: an event message (a job ended) becomes one delivery per subscribed
 * endpoint (and one to the video's own `webhookUrl`), each created once; each delivery is tried
 * now and then by the retry schedule, with the same body and webhook-id, until the receiver answers
 * 2xx or the schedule ends (then it is marked failed). The waits are carried by the queue itself
 * (a message re-sent with a delay, hopping by at most 15 minutes): no scheduler to run.
 */
import type { Job } from '../job.js';
import type { Clock } from '../ports.js';
import {
  DELIVERY_RETENTION_SECONDS,
  deliveryIdOf,
  PAYLOAD_URL_SECONDS,
  signedHeaders,
  signingSecrets,
  VIDEO_URL_ENDPOINT,
  type DeliveryAttempt,
  type WebhookDelivery,
  type WebhookEndpoint,
  type WebhookEventType,
  type WebhookPayload,
} from './model.js';
import { checkTarget, UnsafeWebhookTarget, type Resolver, type TargetPolicy, type CheckedTarget } from './ssrf.js';

/** A message on the webhooks queue. */
export type WebhookMessage =
  | { kind: 'event'; type: WebhookEventType; jobId: string }
  | { kind: 'attempt'; userId: string; endpointId: string; deliveryId: string; version: number };

/** Where endpoints, the per-user signing secret and deliveries are kept. */
export interface WebhookStore {
  listEndpoints(userId: string): Promise<WebhookEndpoint[]>;
  getEndpoint(userId: string, endpointId: string): Promise<WebhookEndpoint | undefined>;
  /** Adds an endpoint unless the user has `max` already (false then). */
  addEndpoint(endpoint: WebhookEndpoint, max: number): Promise<boolean>;
  deleteEndpoint(userId: string, endpointId: string): Promise<boolean>;
  /** Replaces the secret, keeping the old one as `previousSecret` until `previousUntil`. */
  rotateSecret(userId: string, endpointId: string, secret: string, previousUntil: string): Promise<boolean>;
  /** The user's signing secret for videos' own webhookUrl: read, or made and kept on first use. */
  userSigningSecret(userId: string, make: () => string): Promise<string>;
  /** Creates a delivery unless it exists (false then): a job end is delivered once. */
  createDelivery(delivery: WebhookDelivery, expiresAt: number): Promise<boolean>;
  getDelivery(userId: string, endpointId: string, deliveryId: string): Promise<WebhookDelivery | undefined>;
  /** An endpoint's deliveries, newest first. */
  listDeliveries(userId: string, endpointId: string, limit: number): Promise<WebhookDelivery[]>;
  /** Takes the delivery for one attempt: only if it is pending at `version` (then it is `version + 1`). */
  claim(delivery: WebhookDelivery): Promise<boolean>;
  /** Records an attempt's outcome on a claimed delivery. */
  recordAttempt(delivery: WebhookDelivery, patch: { attempt: DeliveryAttempt; state: WebhookDelivery['state']; scheduled: number; nextAttemptAt?: string; now: string }): Promise<void>;
  /** A resend: pending again for one manual attempt, at a new version (returned), unless it is pending already. */
  reopen(userId: string, endpointId: string, deliveryId: string, now: string): Promise<WebhookDelivery | undefined>;
}

/** Sends messages to the webhooks queue (at most 15 minutes' delay, as SQS allows). */
export interface WebhookQueue {
  send(message: WebhookMessage, delaySeconds?: number): Promise<void>;
}

/** Posts one attempt to a checked address; never follows redirects; gives up after the timeout. */
export type WebhookPoster = (target: CheckedTarget, headers: Record<string, string>, body: string) => Promise<{ status?: number; error?: string }>;

export interface DeliveryDeps {
  store: WebhookStore;
  queue: WebhookQueue;
  post: WebhookPoster;
  clock: Clock;
  /** The job's record (the event names only its id). */
  getJob(jobId: string): Promise<Job | undefined>;
  /** A presigned GET of the finished MP4. */
  presignVideo(key: string, seconds: number): Promise<string>;
  /** Waits between scheduled attempts (WEBHOOK_RETRY_SECONDS). */
  retrySeconds: readonly number[];
  policy: TargetPolicy;
  resolve?: Resolver;
  newSecret(): string;
}

/** SQS's longest delay. */
const MAX_DELAY_SECONDS = 900;

/** The payload of a job's end, or undefined when the job is not (any more) in that state. */
export async function payloadFor(job: Job, type: WebhookEventType, deps: Pick<DeliveryDeps, 'presignVideo'>, now: Date): Promise<WebhookPayload | undefined> {
  const status = type === 'video.succeeded' ? 'SUCCEEDED' : 'FAILED';
  if (job.status !== status) return undefined;
  const data: WebhookPayload['data'] = { id: job.jobId, status, ...(job.title ? { title: job.title } : {}) };
  if (status === 'SUCCEEDED' && job.outputKey) data.url = await deps.presignVideo(job.outputKey, PAYLOAD_URL_SECONDS);
  if (status === 'FAILED' && job.error) data.error = { name: job.error.name, message: job.error.message };
  return { type, timestamp: now.toISOString(), data };
}

/** A job ended: one delivery per subscribed endpoint and one to its webhookUrl, each created once and tried at once. */
export async function handleEvent(message: Extract<WebhookMessage, { kind: 'event' }>, deps: DeliveryDeps): Promise<{ created: number }> {
  const job = await deps.getJob(message.jobId);
  if (!job) return { created: 0 };
  const now = deps.clock.now();
  const payload = await payloadFor(job, message.type, deps, now);
  if (!payload) return { created: 0 };
  const body = JSON.stringify(payload);
  const deliveryId = deliveryIdOf(job.jobId, job.attempt ?? 0, message.type);
  const targets: { endpointId: string; url?: string }[] = (await deps.store.listEndpoints(job.userId))
    .filter((endpoint) => endpoint.events.includes(message.type))
    .map((endpoint) => ({ endpointId: endpoint.endpointId }));
  if (job.request.webhookUrl) targets.push({ endpointId: VIDEO_URL_ENDPOINT, url: job.request.webhookUrl });

  let created = 0;
  await Promise.all(
    targets.map(async ({ endpointId, url }) => {
      const delivery: WebhookDelivery = {
        userId: job.userId,
        endpointId,
        deliveryId,
        webhookId: `msg_${deliveryId}`,
        event: message.type,
        jobId: job.jobId,
        payload: body,
        ...(url ? { url } : {}),
        state: 'pending',
        attempts: [],
        scheduled: 0,
        nextAttemptAt: now.toISOString(),
        version: 0,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
      if (await deps.store.createDelivery(delivery, Math.floor(now.getTime() / 1000) + DELIVERY_RETENTION_SECONDS)) created++;
      // Also when it existed: a first try that crashed before its claim is made now (a claimed one is left alone).
      await handleAttempt({ kind: 'attempt', userId: job.userId, endpointId, deliveryId, version: 0 }, deps);
    }),
  );
  return { created };
}

/** The secrets and target of a delivery, or why it cannot be sent. */
async function targetOf(delivery: WebhookDelivery, deps: DeliveryDeps): Promise<{ url: string; secrets: string[] } | { error: string }> {
  const now = deps.clock.now();
  if (delivery.endpointId === VIDEO_URL_ENDPOINT) {
    if (!delivery.url) return { error: 'the delivery has no URL' };
    return { url: delivery.url, secrets: [await deps.store.userSigningSecret(delivery.userId, deps.newSecret)] };
  }
  const endpoint = await deps.store.getEndpoint(delivery.userId, delivery.endpointId);
  if (!endpoint) return { error: 'the endpoint was deleted' };
  return { url: endpoint.url, secrets: signingSecrets(endpoint, now) };
}

/**
 * One attempt of a delivery, if the message is current: a message for an older version, or for a
 * delivery no longer pending, is dropped; one that arrived before the delivery's time goes back
 * on the queue with the rest of the wait.
 */
export async function handleAttempt(message: Extract<WebhookMessage, { kind: 'attempt' }>, deps: DeliveryDeps): Promise<'sent' | 'failed' | 'retrying' | 'waiting' | 'stale'> {
  const delivery = await deps.store.getDelivery(message.userId, message.endpointId, message.deliveryId);
  if (!delivery || delivery.state !== 'pending' || delivery.version !== message.version) return 'stale';
  const wait = delivery.nextAttemptAt ? (Date.parse(delivery.nextAttemptAt) - deps.clock.now().getTime()) / 1000 : 0;
  if (wait > 1) {
    await deps.queue.send(message, Math.min(MAX_DELAY_SECONDS, Math.ceil(wait)));
    return 'waiting';
  }
  if (!(await deps.store.claim(delivery))) return 'stale';
  const claimed = { ...delivery, version: delivery.version + 1 };

  const at = deps.clock.now();
  const target = await targetOf(claimed, deps);
  let outcome: { status?: number; error?: string };
  if ('error' in target) outcome = { error: target.error };
  else {
    try {
      // Checked at every attempt, after resolution; the poster connects to the checked address.
      const checked = await checkTarget(target.url, deps.policy, deps.resolve);
      outcome = await deps.post(checked, signedHeaders(claimed.webhookId, claimed.payload, target.secrets, at), claimed.payload);
    } catch (error) {
      if (!(error instanceof UnsafeWebhookTarget)) throw error;
      outcome = { error: `refused: ${error.message}` };
    }
  }
  const ok = outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300;
  const attempt: DeliveryAttempt = { at: at.toISOString(), ...outcome, ...(claimed.manual ? { manual: true } : {}) };
  const scheduled = claimed.manual ? claimed.scheduled : claimed.scheduled + 1;
  const now = deps.clock.now();
  const waitSeconds = deps.retrySeconds[scheduled - 1];
  // A deleted endpoint is not tried again.
  const retry = !ok && !claimed.manual && waitSeconds !== undefined && !('error' in target);
  if (ok) {
    await deps.store.recordAttempt(claimed, { attempt, state: 'succeeded', scheduled, now: now.toISOString() });
    return 'sent';
  }
  if (!retry) {
    await deps.store.recordAttempt(claimed, { attempt, state: 'failed', scheduled, now: now.toISOString() });
    return 'failed';
  }
  const next = new Date(now.getTime() + waitSeconds * 1000).toISOString();
  await deps.store.recordAttempt(claimed, { attempt, state: 'pending', scheduled, nextAttemptAt: next, now: now.toISOString() });
  await deps.queue.send({ ...message, version: claimed.version }, Math.min(MAX_DELAY_SECONDS, waitSeconds));
  return 'retrying';
}

/** A message from the queue, checked (anything else throws, and ends in the DLQ). */
export function parseWebhookMessage(body: string): WebhookMessage {
  const value = JSON.parse(body) as Partial<Record<string, unknown>>;
  if (value.kind === 'event' && (value.type === 'video.succeeded' || value.type === 'video.failed') && typeof value.jobId === 'string') {
    return { kind: 'event', type: value.type, jobId: value.jobId };
  }
  if (
    value.kind === 'attempt' &&
    typeof value.userId === 'string' &&
    typeof value.endpointId === 'string' &&
    typeof value.deliveryId === 'string' &&
    typeof value.version === 'number'
  ) {
    return { kind: 'attempt', userId: value.userId, endpointId: value.endpointId, deliveryId: value.deliveryId, version: value.version };
  }
  throw new Error(`Not a webhook message: ${body.slice(0, 200)}`);
}
