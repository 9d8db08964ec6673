/**
 * Completion webhooks through the real local server, queue, pipeline and deliverer, with videos
 * that fail at their images (no render): a receiver on 127.0.0.1 registered with POST
 * /api/webhooks gets `video.failed`, verified with the `standardwebhooks` package as a receiver
 * would; retries follow a schedule shortened to seconds (WEBHOOK_RETRY_SECONDS, a deployment
 * setting); a job end is delivered once; resend, rotation, the cap; SSRF targets and hostile
 * bodies are refused with a 400 naming the field. test/api/webhooks-video.test.ts has the real video.
 */
import './quiet-logs.js';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderRejected } from '../../lambdas/core/errors.js';
import { stepDeps, stepHandler } from '../../lambdas/shared/step-handler.js';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { withEveryRouteThrottle } from '../support/route-throttle.js';
import { ApiClient } from './api-client.js';
import { deliveries, Receiver, register, until, verified } from './webhook-receiver.js';

describe('failures, retries, resend and SSRF', () => {
  let server: DevServer;
  let receiver: Receiver;
  let user: ApiClient;

  beforeAll(async () => {
    receiver = await new Receiver().start();
    server = await startDevServer({
      port: 0,
      inMemory: true,
      quiet: true,
      maxRunningPipelines: 2,
      // The SSRF and hostile-input cases send requests back to back: their subject is the answers, not the throttle.
      alterTemplate: withEveryRouteThrottle({ rate: 1000, burst: 1000 }),
      // The schedule in seconds: attempts at once, 1 s and 1 s later, then failed.
      settings: { ...process.env, WEBHOOK_RETRY_SECONDS: '1,1' },
      runner: {
        handlers: {
          // Every video fails at its images (a provider refusing the prompt), so no render runs.
          'Generate Image': async (input, ctx) =>
            stepHandler(await stepDeps(ctx.dependencies()), { step: 'images' }, async () => {
              throw new ProviderRejected('Replicate refused the prompt: it violates the content policy (422).');
            })(input),
        },
        retryIntervalOverrides: { 'Generate Image': 10, 'Fail Job': 10 },
      },
    });
    user = await ApiClient.signIn(server.url, 'retry-user');
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    await receiver?.stop();
  });

  /** Orders a video that fails; returns its id. */
  async function failingVideo(client: ApiClient, extra: Record<string, unknown> = {}): Promise<string> {
    const created = await client.createVideo({ prompt: 'A quick tour of Saturn', seconds: 10, aspect: '1:1', ...extra });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    return created.body.id;
  }

  it('sends video.failed with the error, verified with the secret', async () => {
    const client = await ApiClient.signIn(server.url, 'fail-user');
    const endpoint = await register(client, `${receiver.url}/failed`, ['video.failed']);
    const id = await failingVideo(client);
    const [delivery] = await until('video.failed', () => receiver.at('/failed').length > 0 && receiver.at('/failed'));
    expect(verified(endpoint.secret, delivery!)).toMatchObject({
      type: 'video.failed',
      timestamp: expect.any(String),
      data: { id, status: 'FAILED', error: { name: expect.any(String), message: expect.stringContaining('content policy') } },
    });
  });

  it('retries a receiver that answers 500 twice, then 200: three attempts, logged', async () => {
    const client = await ApiClient.signIn(server.url, 'flaky-user');
    receiver.answer('/flaky', 500, 500);
    const endpoint = await register(client, `${receiver.url}/flaky`);
    const id = await failingVideo(client);
    const log = await until('the third attempt', async () => {
      const list = await deliveries(client, endpoint.id);
      return list[0]?.state === 'succeeded' ? list : undefined;
    });
    expect(log[0].attempts.map((a: any) => a.status)).toEqual([500, 500, 200]);
    expect(log[0]).toMatchObject({ videoId: id, event: 'video.failed' });
    const received = receiver.at('/flaky');
    expect(received).toHaveLength(3);
    // The same message each time: one webhook-id, one body; each attempt signed at its own time.
    expect(new Set(received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
    for (const r of received) verified(endpoint.secret, r);
  });

  it('marks a delivery failed after the schedule, sends it again on request, and never delivers a job end twice', async () => {
    const client = await ApiClient.signIn(server.url, 'down-user');
    receiver.answer('/down', 500, 500, 500);
    const endpoint = await register(client, `${receiver.url}/down`);
    const id = await failingVideo(client);
    const [failed] = await until('the delivery to fail', async () => {
      const list = await deliveries(client, endpoint.id);
      return list[0]?.state === 'failed' ? list : undefined;
    });
    expect(failed.attempts.map((a: any) => a.status)).toEqual([500, 500, 500]);
    expect(failed.nextAttemptAt).toBeUndefined();

    // The same job end again (Fail Job run twice, the sweeper after it): no new delivery.
    const sqs = new SQSClient(server.runtime.adminClientConfig('sqs'));
    for (let i = 0; i < 2; i++) {
      await sqs.send(new SendMessageCommand({ QueueUrl: server.runtime.contract.queues.webhooks.url, MessageBody: JSON.stringify({ kind: 'event', type: 'video.failed', jobId: id }) }));
    }
    sqs.destroy();
    await new Promise((r) => setTimeout(r, 3000));
    expect(receiver.at('/down')).toHaveLength(3);
    expect(await deliveries(client, endpoint.id)).toHaveLength(1);

    // Send again: one more attempt, the same payload and webhook-id (the receiver is up now).
    const resent = await client.call('POST', `/api/webhooks/${endpoint.id}/deliveries/${failed.id}/resend`);
    expect(resent.status, JSON.stringify(resent.body)).toBe(202);
    const [done] = await until('the resend', async () => {
      const list = await deliveries(client, endpoint.id);
      return list[0]?.state === 'succeeded' ? list : undefined;
    });
    expect(done.attempts.map((a: any) => a.status)).toEqual([500, 500, 500, 200]);
    const received = receiver.at('/down');
    expect(received).toHaveLength(4);
    expect(received[3]!.body).toBe(received[0]!.body);
    expect(received[3]!.headers['webhook-id']).toBe(received[0]!.headers['webhook-id']);
    verified(endpoint.secret, received[3]!);
  });

  it('rotates a secret: the new one verifies, and the old one still does for a while', async () => {
    const client = await ApiClient.signIn(server.url, 'rotate-user');
    const endpoint = await register(client, `${receiver.url}/rotated`);
    const rotated = await client.call('POST', `/api/webhooks/${endpoint.id}/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    await failingVideo(client);
    const [delivery] = await until('the delivery', () => receiver.at('/rotated').length > 0 && receiver.at('/rotated'));
    verified(rotated.body.secret, delivery!);
    verified(endpoint.secret, delivery!);
    expect(String(delivery!.headers['webhook-signature']).split(' ')).toHaveLength(2);
  });

  it('deletes endpoints, caps them per user, and keeps them per user', async () => {
    const client = await ApiClient.signIn(server.url, 'many-user');
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await register(client, `${receiver.url}/n${i}`)).id);
    const over = await client.call('POST', '/api/webhooks', { url: `${receiver.url}/n10` });
    expect(over.status).toBe(409);
    const other = await ApiClient.signIn(server.url, 'someone-else');
    expect((await other.call('DELETE', `/api/webhooks/${ids[0]}`)).status).toBe(404);
    expect((await other.call('GET', `/api/webhooks/${ids[0]}/deliveries`)).status).toBe(404);
    expect((await other.call('POST', `/api/webhooks/${ids[0]}/rotate`)).status).toBe(404);
    expect((await client.call('DELETE', `/api/webhooks/${ids[0]}`)).status).toBe(200);
    expect((await client.call('DELETE', `/api/webhooks/${ids[0]}`)).status).toBe(404);
    expect((await client.call('GET', '/api/webhooks')).body.endpoints).toHaveLength(9);
  });

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'https://169.254.169.254/',
    'https://10.0.0.1/hook',
    'https://[::ffff:a9fe:a9fe]/',
    'https://2852039166/', // 169.254.169.254 in decimal
    'http://192.168.1.1/',
    'ftp://example.com/',
  ])('refuses %s as a webhook target with a 400 naming the field', async (url) => {
    const answer = await user.call('POST', '/api/webhooks', { url });
    expect(answer.status, JSON.stringify(answer.body)).toBe(400);
    expect(answer.body.error.fields[0].field).toBe('url');
    const video = await user.createVideo({ prompt: 'A quick tour of Saturn', seconds: 10, aspect: '1:1', webhookUrl: url });
    expect(video.status).toBe(400);
    expect(video.body.error.fields[0].field).toBe('webhookUrl');
  });

  it('answers hostile bodies and ids with a 4xx naming the field', async () => {
    for (const [body, field] of [
      [{}, 'url'],
      [{ url: 42 }, 'url'],
      [{ url: 'x'.repeat(5000) }, 'url'],
      [{ url: `${receiver.url}/x`, events: ['video.exploded'] }, 'events.0'],
      [{ url: `${receiver.url}/x`, events: 'video.failed' }, 'events'],
      [{ url: `${receiver.url}/x`, extra: 1 }, 'extra'],
    ] as const) {
      const answer = await user.call('POST', '/api/webhooks', body);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(answer.body.error.fields[0].field).toBe(field);
    }
    expect((await user.call('DELETE', '/api/webhooks/../../etc')).status).toBe(404);
    expect((await user.call('GET', `/api/webhooks/wh_${'a'.repeat(500)}/deliveries`)).status).toBe(404);
    expect((await user.call('POST', '/api/webhooks/video-url/deliveries/nope/resend')).status).toBe(404);
  });
});
