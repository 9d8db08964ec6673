/**
 * One contract: the committed API types are what `npm run gen:api` makes from the document
 * GET /api/openapi.json serves, and the typed client (lambdas/api/client/shorts-client.ts) calls the
 * real local server with them: every metric the Ops page charts is answered, errors carry the
 * server's own message.
 */
import './quiet-logs.js';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { ApiError, apiError, createShortsClient, unwrap, type MetricName } from '../../lambdas/api/client/shorts-client.js';
import { API_TYPES_FILE, generateApiTypes } from '../../scripts/gen-api.js';
import { OPS_METRICS } from '../../frontend/src/api/client.js';
import { ApiClient } from './api-client.js';

describe('the generated API types', () => {
  it('are up to date with the route table and its schemas (run npm run gen:api)', { timeout: 60_000 }, async () => {
    const committed = await readFile(API_TYPES_FILE, 'utf8');
    expect(committed === (await generateApiTypes()), `${API_TYPES_FILE} differs from a fresh generation: run npm run gen:api`).toBe(true);
  });

  it('type the metric names, so a name the API does not know fails tsc', () => {
    // @ts-expect-error -- the names the Ops page once asked for, which the API refuses
    const wrong: MetricName[] = ['jobs', 'successRate', 'stepDurations'];
    expect(wrong).toHaveLength(3);
  });
});

describe('errors', () => {
  it("keep the API's message, code and field, and API Gateway's own message", () => {
    const ours = apiError(400, { error: { code: 'invalid_request', message: 'prompt: too short', fields: [{ field: 'prompt', message: 'too short' }] } });
    expect(ours).toMatchObject({ status: 400, message: 'prompt: too short', code: 'invalid_request', field: 'prompt' });
    expect(apiError(429, { message: 'Too Many Requests' })).toMatchObject({ status: 429, message: 'Too Many Requests', code: undefined });
    // Shapes the server never sends are not read: the status decides the sentence.
    expect(apiError(400, { error: 'Bad thing' }, 'Bad Request').message).toBe('Bad Request');
    expect(apiError(502, '<html>Bad Gateway</html>').message).toBe('The server had a problem. Try again in a moment.');
  });
});

describe('the typed client against the local server', () => {
  let server: DevServer;

  beforeAll(async () => {
    server = await startDevServer({ port: 0, inMemory: true, quiet: true, maxRunningPipelines: 0, startingCredits: 3 });
  });

  afterAll(async () => {
    await server?.stop();
  });

  const signIn = async (userId: string, admin = false) => {
    const { token } = await ApiClient.signIn(server.url, userId, admin);
    return createShortsClient({ baseUrl: server.url, token: () => token });
  };

  it('orders a video and reads it back, typed end to end', async () => {
    const client = await signIn('typed-ada');
    const created = await unwrap(client.POST('/api/videos', { body: { prompt: 'Why the sea is salty', seconds: 10 } }));
    expect(created).toMatchObject({ status: 'QUEUED', credits: 1, replayed: false });
    const video = await unwrap(client.GET('/api/videos/{id}', { params: { path: { id: created.id } } }));
    expect(video.steps.map((s) => s.name)).toEqual(['script', 'parse', 'images', 'voice', 'music', 'captions', 'duration', 'render', 'finalize']);
    const list = await unwrap(client.GET('/api/videos', { params: { query: { limit: 5 } } }));
    expect(list.videos.map((v) => v.id)).toEqual([created.id]);
    const credits = await unwrap(client.GET('/api/credits'));
    expect(credits.balance).toBe(2);
  });

  it('answers every metric the Ops page charts', async () => {
    const client = await signIn('typed-operator', true);
    const to = new Date();
    const from = new Date(to.getTime() - 86_400_000);
    for (const metric of OPS_METRICS) {
      const series = await unwrap(client.GET('/api/metrics', { params: { query: { metric, from: from.toISOString(), to: to.toISOString(), period: 3600 } } }));
      expect(series.metric).toBe(metric);
      expect(series.points).toHaveLength(24);
    }
  });

  it("throws the server's message as an ApiError", async () => {
    const client = await signIn('typed-bob');
    const missing = await unwrap(client.GET('/api/videos/{id}', { params: { path: { id: '00000000-0000-4000-8000-000000000000' } } })).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
    const forbidden = await unwrap(client.GET('/api/health')).catch((e: unknown) => e);
    expect(forbidden).toMatchObject({ status: 403, message: 'This operator endpoint needs the admin role.' });
    const nobody = await unwrap(createShortsClient({ baseUrl: server.url }).GET('/api/me')).catch((e: unknown) => e);
    expect(nobody).toMatchObject({ status: 401 });
    const unreachable = await unwrap(createShortsClient({ baseUrl: 'http://127.0.0.1:9' }).GET('/api/me')).catch((e: unknown) => e);
    expect(unreachable).toMatchObject({ status: 0, message: 'Cannot reach the server. Check your connection and try again.' });
  });
});
