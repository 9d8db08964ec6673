/**
 * Completion webhooks for a real video (offline providers, 10 s, rendered locally): a receiver on
 * 127.0.0.1 registered with POST /api/webhooks gets `video.succeeded` with a presigned URL of the
 * MP4, its signature verified with the returned secret by the `standardwebhooks` package; the
 * video's own `webhookUrl` gets it too, signed with the user's signing secret.
 */
import './quiet-logs.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { ApiClient } from './api-client.js';
import { deliveries, Receiver, register, until, verified } from './webhook-receiver.js';

describe('a real video', () => {
  let server: DevServer;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await new Receiver().start();
    server = await startDevServer({ port: 0, inMemory: true, quiet: true, maxRunningPipelines: 1 });
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    await receiver?.stop();
  });

  it('sends video.succeeded, signed with the endpoint secret, to a receiver on 127.0.0.1, and to the video own webhookUrl', { timeout: 420_000 }, async () => {
    const user = await ApiClient.signIn(server.url, 'hook-user');
    const endpoint = await register(user, `${receiver.url}/registered`);
    const listed = await user.call('GET', '/api/webhooks');
    expect(listed.body.endpoints).toEqual([{ id: endpoint.id, url: `${receiver.url}/registered`, events: ['video.succeeded', 'video.failed'], createdAt: expect.any(String) }]);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');

    const created = await user.createVideo({ prompt: 'How bees dance', seconds: 10, aspect: '1:1', webhookUrl: `${receiver.url}/one-off` });
    expect(created.status).toBe(202);
    const [delivery] = await until('the delivery', () => receiver.at('/registered').length > 0 && receiver.at('/registered'), 240_000);
    const payload = verified(endpoint.secret, delivery!);
    expect(payload).toMatchObject({ type: 'video.succeeded', data: { id: created.body.id, status: 'SUCCEEDED', title: expect.any(String), url: expect.stringMatching(/^http/) } });
    expect(delivery!.headers['webhook-id']).toBe(`msg_${created.body.id}.0.succeeded`);
    // The URL is the MP4, fetchable as is.
    const mp4 = await fetch(payload.data.url);
    expect(mp4.status).toBe(200);
    expect(Buffer.from(await mp4.arrayBuffer()).subarray(4, 8).toString()).toBe('ftyp');

    // The one-off target: signed with the user's signing secret, not the endpoint's.
    const [oneOff] = await until('the one-off delivery', () => receiver.at('/one-off').length > 0 && receiver.at('/one-off'));
    const { secret } = (await user.call('POST', '/api/webhook-secret')).body;
    expect(secret).not.toBe(endpoint.secret);
    expect(verified(secret, oneOff!)).toMatchObject({ type: 'video.succeeded', data: { id: created.body.id } });
    expect(() => verified(endpoint.secret, oneOff!)).toThrow();

    const log = await until('the log', async () => {
      const list = await deliveries(user, endpoint.id);
      return list[0]?.state === 'succeeded' ? list : undefined;
    });
    expect(log).toEqual([
      expect.objectContaining({ event: 'video.succeeded', videoId: created.body.id, webhookId: `msg_${created.body.id}.0.succeeded`, attempts: [expect.objectContaining({ status: 200 })] }),
    ]);
  });
});

