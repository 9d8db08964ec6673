/**
 * The videos API through the real local server: sign-in, validation, ownership, deletion, the
 * OpenAPI document and the route table. No pipeline runs (MAX_RUNNING_PIPELINES=0); a finished
 * job is made by writing its record and file directly where a test needs one.
 */
import './quiet-logs.js';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../lambdas/api/routes.js';
import { previewKey, type PreviewPlan } from '../../lambdas/core/video-props.js';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { withRouteThrottle } from '../support/route-throttle.js';
import { ApiClient, ledgerSum } from './api-client.js';

const SHORT = { prompt: 'How bees dance', seconds: 10, aspect: '1:1' };
let server: DevServer;
let staticDir: string;

/** The operator's view of the stores (admin credentials). */
const jobStore = () => server.runtime.jobs;
const jobIndex = () => server.runtime.jobs;
const blobStore = () => server.runtime.blobs;
const creditStore = () => server.runtime.credits;

beforeAll(async () => {
  staticDir = await mkdtemp(path.join(tmpdir(), 'ai-shorts-dist-'));
  // Payments are not configured: no Stripe key in the settings.
  const { STRIPE_SECRET_KEY: _none, ...settings } = process.env;
  // The validation cases send orders back to back: above POST /api/videos' own throttle (test/local/edge.test.ts proves it).
  const alterTemplate = withRouteThrottle('POST /api/videos', { rate: 1000, burst: 1000 });
  server = await startDevServer({ port: 0, inMemory: true, quiet: true, maxRunningPipelines: 0, settings, staticDir: path.join(staticDir, 'dist'), alterTemplate });
});

afterAll(async () => {
  await server?.stop();
  await rm(staticDir, { recursive: true, force: true });
});

/** Marks a queued job finished, with an MP4 under its own prefix, as Finalize Job would. */
async function finish(jobId: string): Promise<string> {
  const outputKey = `videos/${jobId}/how-bees-dance.mp4`;
  await blobStore().put(outputKey, new TextEncoder().encode('not really an mp4'), 'video/mp4');
  await blobStore().put(`videos/${jobId}/thumbnail.jpg`, new Uint8Array([1, 2, 3]), 'image/jpeg');
  await blobStore().put('assets/images/first-scene.png', new Uint8Array([7, 7, 7]), 'image/png');
  const finished = { status: 'SUCCEEDED' as const, outputKey, thumbnailKey: 'assets/images/first-scene.png', finishedAt: new Date().toISOString() };
  expect(await jobIndex().transition(jobId, { status: 'QUEUED' }, { set: finished })).toBe(true);
  return outputKey;
}

describe('sign-in', () => {
  it('answers 401 without a token, with a bad one, and with one signed by another key', async () => {
    const anonymous = new ApiClient(server.url);
    const garbage = new ApiClient(server.url, 'not.a.token');
    const user = await ApiClient.signIn(server.url, 'someone');
    const [header, payload] = user.token!.split('.');
    const forged = new ApiClient(server.url, `${header}.${payload}.${Buffer.from('forged').toString('base64url')}`);

    for (const client of [anonymous, garbage, forged]) {
      for (const [method, path] of [
        ['GET', '/api/videos'],
        ['POST', '/api/videos'],
        ['GET', '/api/credits'],
        ['GET', '/api/videos/x'],
      ] as const) {
        const answer = await client.call(method, path, method === 'POST' ? SHORT : undefined);
        expect(answer.status, `${method} ${path}`).toBe(401);
        expect(answer.body.error.code).toBe('unauthorized');
      }
    }
    expect((await anonymous.call('GET', '/api/videos')).headers.get('www-authenticate')).toBe('Bearer');
  });

  it('issues local tokens shaped like Clerk session tokens, with the admin role on request', async () => {
    const answer = await new ApiClient(server.url).call('POST', '/api/dev/session', { userId: 'boss', admin: true });
    const claims = JSON.parse(Buffer.from(answer.body.token.split('.')[1], 'base64url').toString());
    expect(Object.keys(claims)).toEqual(expect.arrayContaining(['sub', 'sid', 'iss', 'azp', 'exp', 'iat', 'nbf']));
    expect(claims).toMatchObject({ sub: 'boss', metadata: { role: 'admin' } });

    const boss = new ApiClient(server.url, answer.body.token);
    const plain = await ApiClient.signIn(server.url, 'worker');
    expect((await boss.call('GET', '/api/me')).body).toMatchObject({ userId: 'boss', admin: true, balance: 3 });
    expect((await plain.call('GET', '/api/me')).body).toMatchObject({ userId: 'worker', admin: false, creditPriceCents: 100, currency: 'usd' });
  });

  it('keeps the local sign-in route out of the cloud route table', () => {
    expect(API_ROUTES.some((r) => r.path.startsWith('/api/dev'))).toBe(false);
  });
});

describe('validation', () => {
  it('answers 400 naming the field for malformed bodies', async () => {
    const user = await ApiClient.signIn(server.url, `validator-${randomUUID()}`);
    const cases: [unknown, string][] = [
      [undefined, 'body'],
      ['{"prompt": ', 'body'],
      ['[1,2]', 'body'],
      [{}, 'prompt'],
      [{ prompt: 'ab' }, 'prompt'],
      [{ prompt: 'A fine prompt', seconds: 'thirty' }, 'seconds'],
      [{ prompt: 'A fine prompt', seconds: 5 }, 'seconds'],
      [{ prompt: 'A fine prompt', seconds: 12.5 }, 'seconds'],
      [{ prompt: 'A fine prompt', aspect: '4:3' }, 'aspect'],
      [{ prompt: 'A fine prompt', captionStyle: 'comic' }, 'captionStyle'],
      [{ prompt: 'A fine prompt', captionstyle: 'bold' }, 'captionstyle'],
    ];
    for (const [body, field] of cases) {
      const answer = await user.call('POST', '/api/videos', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe('invalid_request');
      expect(answer.body.error.fields.map((f: { field: string }) => f.field), JSON.stringify(body)).toContain(field);
      expect(answer.body.error.message).toContain(field);
    }
    // Nothing was debited or recorded.
    expect((await user.credits()).balance).toBe(3);
    expect(await user.videos()).toEqual([]);
  });

  it('answers 400 for a bad page size or cursor, and for a cursor of someone else', async () => {
    const alice = await ApiClient.signIn(server.url, `pager-a-${randomUUID()}`);
    const bob = await ApiClient.signIn(server.url, `pager-b-${randomUUID()}`);
    await alice.createVideo(SHORT);
    await alice.createVideo(SHORT);
    const page = await alice.call('GET', '/api/videos?limit=1');
    expect(page.body.nextCursor).toBeTruthy();

    expect((await alice.call('GET', '/api/videos?limit=0')).status).toBe(400);
    expect((await alice.call('GET', '/api/videos?limit=abc')).body.error.fields[0].field).toBe('limit');
    expect((await alice.call('GET', '/api/videos?cursor=garbage')).status).toBe(400);
    const stolen = await bob.call('GET', `/api/videos?cursor=${encodeURIComponent(page.body.nextCursor)}`);
    expect(stolen.status).toBe(400);
    expect(stolen.body.error.fields[0].field).toBe('cursor');
  });

  it('answers 404 for unknown routes and 405 for a wrong method', async () => {
    const user = await ApiClient.signIn(server.url, 'router');
    expect((await user.call('GET', '/api/nothing')).status).toBe(404);
    const wrong = await user.call('PUT', '/api/videos');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toContain('POST');
  });
});

describe('ownership', () => {
  it("gives user B 404 on user A's video, its retry, its delete and its file", async () => {
    // Prepare: A has a finished video
    const a = await ApiClient.signIn(server.url, `owner-${randomUUID()}`);
    const b = await ApiClient.signIn(server.url, `other-${randomUUID()}`);
    const { body } = await a.createVideo(SHORT);
    await finish(body.id);

    // Act
    const answers = await Promise.all([
      b.call('GET', `/api/videos/${body.id}`),
      b.call('POST', `/api/videos/${body.id}/retry`),
      b.call('DELETE', `/api/videos/${body.id}`),
      b.call('GET', `/api/videos/${body.id}/file`),
    ]);

    // Assess: B learns nothing, and A's video is untouched
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('not_found');
    }
    expect(await b.videos()).toEqual([]);
    const mine = await a.call('GET', `/api/videos/${body.id}`);
    expect(mine.status).toBe(200);
    expect(mine.body.status).toBe('SUCCEEDED');
    expect(mine.body.videoUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.+X-Amz-Signature=/);
    // S3 answers with the signed response-content-disposition (the local S3 server ignores it, but checks the signature).
    expect(new URL(mine.body.downloadUrl).searchParams.get('response-content-disposition')).toMatch(/^attachment; filename="how-bees-dance\.mp4"/);
    expect((await fetch(mine.body.downloadUrl)).status).toBe(200);
    const [listed] = await a.videos();
    expect(new Uint8Array(await (await fetch(listed.thumbnailUrl)).arrayBuffer())).toEqual(new Uint8Array([7, 7, 7]));
    const file = await a.call('GET', `/api/videos/${body.id}/file`);
    expect(file.status).toBe(302);
    const mp4 = await fetch(file.headers.get('location')!);
    expect(await mp4.text()).toBe('not really an mp4');
  });
});

describe('a video', () => {
  it('shows status, steps, progress and cost', async () => {
    const user = await ApiClient.signIn(server.url, `viewer-${randomUUID()}`);
    const created = await user.createVideo(SHORT);
    expect(created.status).toBe(202);
    expect(created.headers.get('location')).toBe(`/api/videos/${created.body.id}`);

    const answer = await user.call('GET', `/api/videos/${created.body.id}`);

    expect(answer.body).toMatchObject({
      id: created.body.id,
      status: 'QUEUED',
      prompt: SHORT.prompt,
      seconds: 10,
      aspect: '1:1',
      progress: 0,
      credits: 1,
      attempt: 0,
      refunded: false,
      costUsd: 0,
    });
    expect(answer.body.steps.map((s: { name: string }) => s.name)).toEqual(['script', 'parse', 'images', 'voice', 'music', 'captions', 'duration', 'render', 'finalize']);
    expect(answer.body.videoUrl).toBeUndefined();
    expect((await user.call('GET', `/api/videos/${created.body.id}/file`)).status).toBe(409);
  });

  it('shows the language, music, caption place and size and voice speed it was ordered with; an old job reads as English, no music', async () => {
    const user = await ApiClient.signIn(server.url, `looks-${randomUUID()}`);
    const created = await user.createVideo({ ...SHORT, language: 'pt-br', music: 'calm', captionPosition: 'top', captionSize: 'large', voiceSpeed: 1.2 });
    expect(created.status).toBe(202);
    const answer = await user.call('GET', `/api/videos/${created.body.id}`);
    expect(answer.body).toMatchObject({ language: 'pt-BR', music: 'calm', captionPosition: 'top', captionSize: 'large', voiceSpeed: 1.2 });
    expect(answer.body.brand).toBeUndefined();
    const listed = await user.call('GET', '/api/videos');
    expect(listed.body.videos[0]).toMatchObject({ language: 'pt-BR', music: 'calm' });

    // A job stored before languages and music existed has neither in its request.
    const plain = await user.createVideo(SHORT);
    const job = await jobStore().get(plain.body.id);
    const { language: _language, music: _music, ...oldRequest } = job!.request;
    expect(await jobIndex().transition(plain.body.id, { status: 'QUEUED' }, { set: { request: oldRequest as NonNullable<typeof job>['request'] } })).toBe(true);
    const old = await user.call('GET', `/api/videos/${plain.body.id}`);
    expect(old.body).toMatchObject({ language: 'en', music: 'none' });
    expect(old.body.captionPosition).toBeUndefined();
  });

  it('previews from the plan Start Render keeps, from the render step on and after a retry', async () => {
    const user = await ApiClient.signIn(server.url, `previewer-${randomUUID()}`);
    const { body } = await user.createVideo(SHORT);
    expect((await user.call('GET', `/api/videos/${body.id}`)).body.preview).toBeUndefined();

    // As Start Render does: the render step is running, then the plan lands beside the video.
    await jobStore().updateStep(body.id, 'render', { status: 'running' });
    const plan: PreviewPlan = {
      title: 'How bees dance',
      width: 1080,
      height: 1080,
      fps: 30,
      durationInFrames: 300,
      crossfadeFrames: 15,
      scenes: [{ imageKey: 'assets/images/bee.png', startFrame: 0, durationInFrames: 300 }],
      audioKey: 'assets/audio/bee.mp3',
      captions: [],
      captionStyle: 'bold',
    };
    await blobStore().put(previewKey(body.id), new TextEncoder().encode(JSON.stringify(plan)), 'application/json');
    const running = (await user.call('GET', `/api/videos/${body.id}`)).body;
    expect(running.preview).toMatchObject({ title: 'How bees dance', durationInFrames: 300 });
    expect(running.preview.scenes[0].imageUrl).toContain('assets/images/bee.png');
    expect(running.preview.audioUrl).toContain('assets/audio/bee.mp3');

    // A retry starts every step again; the earlier attempt's plan is still shown meanwhile.
    await jobIndex().transition(body.id, { status: 'QUEUED' }, { set: { status: 'FAILED', refunded: true } });
    expect((await user.call('POST', `/api/videos/${body.id}/retry`)).status).toBe(202);
    const retried = (await user.call('GET', `/api/videos/${body.id}`)).body;
    expect(retried).toMatchObject({ status: 'QUEUED', attempt: 1 });
    expect(retried.preview).toMatchObject({ title: 'How bees dance' });
  });

  it('is cancelled and refunded when deleted while queued', async () => {
    const user = await ApiClient.signIn(server.url, `canceller-${randomUUID()}`);
    const { body } = await user.createVideo(SHORT);
    expect((await user.credits()).balance).toBe(2);

    const deleted = await user.call('DELETE', `/api/videos/${body.id}`);

    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ deleted: true, refunded: true });
    expect((await user.call('GET', `/api/videos/${body.id}`)).status).toBe(404);
    const { balance, entries } = await user.credits();
    expect(balance).toBe(3);
    expect(ledgerSum(entries)).toBe(3);
  });

  it('removes its files with it when finished, leaving other videos and shared assets alone', async () => {
    const user = await ApiClient.signIn(server.url, `deleter-${randomUUID()}`);
    const keep = await user.createVideo(SHORT);
    const drop = await user.createVideo(SHORT);
    const keptKey = await finish(keep.body.id);
    const droppedKey = await finish(drop.body.id);
    await blobStore().put('assets/images/shared-by-many.png', new Uint8Array([9]), 'image/png');

    const deleted = await user.call('DELETE', `/api/videos/${drop.body.id}`);

    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ deleted: true, deletedFiles: 2, refunded: false });
    expect(await blobStore().exists(droppedKey)).toBe(false);
    expect(await blobStore().exists(`videos/${drop.body.id}/thumbnail.jpg`)).toBe(false);
    expect(await blobStore().exists(keptKey)).toBe(true);
    expect(await blobStore().exists('assets/images/shared-by-many.png')).toBe(true);
    expect(await jobStore().get(drop.body.id)).toBeUndefined();
    expect((await user.videos()).map((v) => v.id)).toEqual([keep.body.id]);
    expect((await user.credits()).balance).toBe(1); // a finished video is not refunded
  });

  it('cannot be retried unless it failed, nor deleted while it runs', async () => {
    const userId = `conflicted-${randomUUID()}`;
    const user = await ApiClient.signIn(server.url, userId);
    const { body } = await user.createVideo(SHORT);
    expect((await user.call('POST', `/api/videos/${body.id}/retry`)).status).toBe(409);
    await jobIndex().transition(body.id, { status: 'QUEUED' }, { set: { status: 'RUNNING' } });
    const answer = await user.call('DELETE', `/api/videos/${body.id}`);
    expect(answer.status).toBe(409);
    expect(answer.body.error.message).toMatch(/being made/);
    expect(await creditStore().account(userId, 3)).toMatchObject({ balance: 2 }); // nothing refunded or taken
  });
});

describe('the rest of the API', () => {
  it('serves an OpenAPI 3.1 document of every cloud route, whose references all resolve', async () => {
    const answer = await new ApiClient(server.url).call('GET', '/api/openapi.json');
    expect(answer.status).toBe(200);
    const doc = answer.body;
    expect(doc.openapi).toBe('3.1.0');
    for (const route of API_ROUTES) expect(doc.paths[route.path]?.[route.method.toLowerCase()], `${route.method} ${route.path}`).toBeDefined();
    // Each route documents its own API Gateway throttle.
    for (const route of API_ROUTES) expect(doc.paths[route.path][route.method.toLowerCase()]['x-throttle'], route.id).toEqual(route.throttle);
    expect(doc.components.schemas.CreateVideoRequest.properties.prompt).toMatchObject({ type: 'string', minLength: 3 });
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(doc.components.schemas[ref], ref).toBeDefined();
  });

  it('answers 503 for Checkout when payments are not configured', async () => {
    const user = await ApiClient.signIn(server.url, 'shopper');
    const answer = await user.call('POST', '/api/billing/checkout', { credits: 3 });
    expect(answer.status).toBe(503);
    expect(answer.body.error.message).toMatch(/STRIPE_SECRET_KEY/);
  });

  it('answers / with a page that says the dashboard is not built and lists the API', async () => {
    const response = await fetch(`${server.url}/`);
    const html = await response.text();
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(html).toMatch(/dashboard is not built/);
    expect(html).toContain('/api/videos');
  });

  it('serves the built dashboard once it exists, with client-side routes falling back to index.html', async () => {
    const dist = path.join(staticDir, 'dist');
    await mkdir(path.join(dist, 'assets'), { recursive: true });
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
    await writeFile(path.join(dist, 'assets', 'app.js'), 'console.log(1)');
    try {
      const home = await fetch(`${server.url}/`);
      const route = await fetch(`${server.url}/videos/123`);
      const script = await fetch(`${server.url}/assets/app.js`);
      const missing = await fetch(`${server.url}/assets/missing.js`);
      const escape = await fetch(`${server.url}/..%2f..%2fpackage.json`);
      expect(await home.text()).toContain('id="root"');
      expect(await route.text()).toContain('id="root"');
      expect(script.headers.get('content-type')).toContain('javascript');
      expect(missing.status).toBe(404);
      expect(escape.status).toBe(404);
      expect((await fetch(`${server.url}/api/openapi.json`)).headers.get('content-type')).toContain('json');
    } finally {
      await rm(dist, { recursive: true, force: true });
    }
  });
});
