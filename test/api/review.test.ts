/**
 * Review before render through the real local server: the edit routes (PATCH a scene or the
 * storyboard, regenerate, upload a picture), render and reopen, their 4xx, their races and their
 * charges. No pipeline runs here (MAX_RUNNING_PIPELINES=0): a job is put into REVIEW through the
 * operator's job store, as Hold for Review leaves it, and an accepted edit leaves it QUEUED.
 */
import './quiet-logs.js';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProceduralImageGenerator } from '../../lambdas/adapters/offline/procedural-image-generator.js';
import type { Job } from '../../lambdas/core/job.js';
import type { Script } from '../../lambdas/core/model.js';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { greyPng } from '../support/png.js';
import { withEveryRouteThrottle } from '../support/route-throttle.js';
import { ApiClient, ledgerSum } from './api-client.js';

const SHORT = { prompt: 'Why the sea is salty', seconds: 10, aspect: '1:1', review: true };
const SCRIPT: Script = {
  title: 'Salt',
  hook: 'Why is the sea salty?',
  style: 'watercolour',
  scenes: [
    { narration: 'Rivers carry minerals.', imagePrompt: 'a river' },
    { narration: 'The sun takes the water.', imagePrompt: 'the sun' },
    { narration: 'The salt stays behind.', imagePrompt: 'salt flats' },
  ],
};

let server: DevServer;

beforeAll(async () => {
  // The races below send 8 edits at once; the throttles are tested in test/local/edge.test.ts.
  server = await startDevServer({
    port: 0,
    inMemory: true,
    quiet: true,
    maxRunningPipelines: 0,
    startingCredits: 3,
    settings: { ...process.env, MAX_ACTIVE_JOBS_PER_USER: '20' },
    alterTemplate: withEveryRouteThrottle({ rate: 1000, burst: 1000 }),
  });
});

afterAll(async () => {
  await server?.stop();
});

/** Puts a job where Hold for Review leaves it: REVIEW, with its storyboard. */
async function holdForReview(id: string, extra: Partial<Job> = {}): Promise<Job> {
  const job = (await server.runtime.jobs.get(id))!;
  const moved = await server.runtime.jobs.transition(
    id,
    { status: ['QUEUED', 'RUNNING'] },
    { set: { status: 'REVIEW', script: job.script ?? SCRIPT, reviewExpiresAt: new Date(Date.now() + 3600_000).toISOString(), title: SCRIPT.title, ...extra } },
  );
  expect(moved).toBe(true);
  return (await server.runtime.jobs.get(id))!;
}

async function reviewJob(user: ApiClient): Promise<string> {
  const created = await user.createVideo(SHORT);
  expect(created.status).toBe(202);
  await holdForReview(created.body.id);
  return created.body.id;
}

async function newUser(prefix: string): Promise<ApiClient> {
  return ApiClient.signIn(server.url, `${prefix}-${randomUUID()}`);
}

/** A real PNG: a drawn scene picture, or (below the generator's 16 px) a plain grey square encoded here. */
async function png(side: number): Promise<Uint8Array> {
  if (side >= 16) {
    const drawn = await new ProceduralImageGenerator().generate({ prompt: 'a test card', style: 'flat', aspect: '1:1', width: side, height: side, seed: 1 });
    return drawn.bytes;
  }
  return greyPng(side);
}

describe('review before render', () => {
  it('a review job shows its storyboard and the regenerations it includes', async () => {
    // Prepare
    const user = await newUser('viewer');
    const ordered = await user.createVideo({ ...SHORT, prompt: 'Ordered for review' });
    expect((await server.runtime.jobs.get(ordered.body.id))!).toMatchObject({ status: 'QUEUED', phase: 'review', request: { review: true } });
    const id = await reviewJob(user);

    // Act
    const video = await user.call('GET', `/api/videos/${id}`);

    // Assess
    expect(video.status).toBe(200);
    expect(video.body.status).toBe('REVIEW');
    expect(video.body.storyboard).toMatchObject({
      revision: 0,
      title: 'Salt',
      hook: 'Why is the sea salty?',
      scenes: [
        { number: 1, narration: 'Rivers carry minerals.', imagePrompt: 'a river', picture: 'generated' },
        { number: 2, narration: 'The sun takes the water.' },
        { number: 3, narration: 'The salt stays behind.' },
      ],
    });
    expect(video.body.review).toMatchObject({ regenerationsIncluded: 3, regenerationsUsed: 0, regenerationCredits: 1 });
    expect(Date.parse(video.body.review.expiresAt)).toBeGreaterThan(Date.now());
  });

  it('PATCH a scene: the new narration is stored, the revision goes up, the job is queued again (review phase)', async () => {
    // Prepare
    const user = await newUser('editor');
    const id = await reviewJob(user);

    // Act
    const answer = await user.call('PATCH', `/api/videos/${id}/scenes/1`, { narration: 'Rivers carry salt to the sea.' });

    // Assess
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ id, status: 'QUEUED', storyboard: { revision: 1 } });
    expect(answer.body.storyboard.scenes[0].narration).toBe('Rivers carry salt to the sea.');
    const job = (await server.runtime.jobs.get(id))!;
    expect(job).toMatchObject({ status: 'QUEUED', phase: 'review', revision: 1, regenerations: 1, attempt: 1 });
    expect(job.script!.scenes[0]!.narration).toBe('Rivers carry salt to the sea.');
    expect(job.steps.images.status).toBe('pending');
  });

  it('answers 4xx naming the field for a bad n, a bad body, unknown fields and a busy video', async () => {
    // Prepare
    const user = await newUser('hostile');
    const id = await reviewJob(user);
    const fieldsOf = (answer: { body: { error: { fields?: { field: string }[] } } }) => (answer.body.error.fields ?? []).map((f) => f.field);

    // Act + Assess: the scene number
    for (const n of ['0', '4', 'x', '1.5', '-1', '99999999999']) {
      const answer = await user.call('PATCH', `/api/videos/${id}/scenes/${n}`, { narration: 'Hello there.' });
      expect([400, 404], n).toContain(answer.status);
      expect(JSON.stringify(answer.body)).toMatch(/\bn\b/);
    }
    // The body
    expect(fieldsOf(await user.call('PATCH', `/api/videos/${id}/scenes/1`, {}))).toEqual(['body']);
    expect(fieldsOf(await user.call('PATCH', `/api/videos/${id}/scenes/1`, { narration: 5 }))).toEqual(['narration']);
    expect(fieldsOf(await user.call('PATCH', `/api/videos/${id}/scenes/1`, { narration: 'ok', colour: 'red' }))).toEqual(['colour']);
    expect(fieldsOf(await user.call('PATCH', `/api/videos/${id}/scenes/1`, { durationHint: 999 }))).toEqual(['durationHint']);
    expect(fieldsOf(await user.call('PATCH', `/api/videos/${id}/storyboard`, { scenes: [{ from: 1 }] }))).toEqual(['scenes']);
    expect(fieldsOf(await user.call('PATCH', `/api/videos/${id}/storyboard`, { scenes: [{ from: 1 }, { from: 2 }, { from: 7 }] }))).toEqual(['scenes.2.from']);
    expect(fieldsOf(await user.call('POST', `/api/videos/${id}/scenes/1/upload`, { contentType: 'image/gif', size: 10 }))).toEqual(['contentType']);
    expect(fieldsOf(await user.call('POST', `/api/videos/${id}/scenes/1/upload`, { contentType: 'image/png', size: 11 * 1024 * 1024 }))).toEqual(['size']);
    expect(fieldsOf(await user.call('POST', `/api/videos/${id}/scenes/1/image`, { uploadId: '../../etc/passwd' }))).toEqual(['uploadId']);
    // Another user's video is not found.
    const stranger = await newUser('stranger');
    expect((await stranger.call('PATCH', `/api/videos/${id}/scenes/1`, { narration: 'Mine now.' })).status).toBe(404);
    // Nothing changed meanwhile.
    expect((await server.runtime.jobs.get(id))!).toMatchObject({ status: 'REVIEW' });

    // A video being prepared is busy, for every edit route and render.
    await server.runtime.jobs.transition(id, { status: 'REVIEW' }, { set: { status: 'RUNNING' } });
    const busy = [
      await user.call('PATCH', `/api/videos/${id}/scenes/1`, { narration: 'Too soon.' }),
      await user.call('PATCH', `/api/videos/${id}/storyboard`, { title: 'Too soon' }),
      await user.call('POST', `/api/videos/${id}/scenes/2/regenerate`),
      await user.call('POST', `/api/videos/${id}/scenes/2/upload`, { contentType: 'image/png', size: 1000 }),
      await user.call('POST', `/api/videos/${id}/render`),
      await user.call('POST', `/api/videos/${id}/reopen`),
    ];
    for (const answer of busy) {
      expect(answer.status).toBe(409);
      expect(answer.body.error.code).toBe('video_busy');
      expect(answer.body.error.message).toMatch(/being prepared/);
    }
  });

  it('8 concurrent PATCHes: exactly one is accepted and the revision goes up by one', async () => {
    // Prepare
    const user = await newUser('racer');
    const id = await reviewJob(user);

    // Act
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => user.call('PATCH', `/api/videos/${id}/scenes/2`, { narration: `Take number ${i}.` })));

    // Assess
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([202, 409, 409, 409, 409, 409, 409, 409]);
    const winner = answers.find((a) => a.status === 202)!;
    const job = (await server.runtime.jobs.get(id))!;
    expect(job.revision).toBe(1);
    expect(job.regenerations).toBe(1);
    expect(job.script!.scenes[1]!.narration).toBe(winner.body.storyboard.scenes[1].narration);
  });

  it('render started twice at once: one 202, one 409, and no debit; a replayed key answers like the first', async () => {
    // Prepare
    const user = await newUser('renderer');
    const id = await reviewJob(user);
    const before = await user.credits();

    // Act
    const [a, b] = await Promise.all([user.call('POST', `/api/videos/${id}/render`), user.call('POST', `/api/videos/${id}/render`)]);

    // Assess
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    expect((await server.runtime.jobs.get(id))!).toMatchObject({ status: 'QUEUED', phase: 'render' });
    const after = await user.credits();
    expect(after.balance).toBe(before.balance);
    expect(after.entries).toHaveLength(before.entries.length);

    // With an Idempotency-Key: the repeat answers 202 as the first did.
    const id2 = await reviewJob(user);
    const key = randomUUID();
    const first = await user.call('POST', `/api/videos/${id2}/render`, undefined, { 'idempotency-key': key });
    const again = await user.call('POST', `/api/videos/${id2}/render`, undefined, { 'idempotency-key': key });
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('the 4th regeneration debits REGENERATION_CREDITS once, even when its Idempotency-Key is sent twice; a different body is 422', async () => {
    // Prepare: three free ones
    const user = await newUser('regenerator');
    const id = await reviewJob(user);
    for (const n of [1, 2, 3]) {
      expect((await user.call('POST', `/api/videos/${id}/scenes/${n}/regenerate`)).status).toBe(202);
      await holdForReview(id);
    }
    const before = await user.credits();

    // Act
    const key = randomUUID();
    const fourth = await user.call('PATCH', `/api/videos/${id}/scenes/1`, { imagePrompt: 'a wide river' }, { 'idempotency-key': key });
    const replay = await user.call('PATCH', `/api/videos/${id}/scenes/1`, { imagePrompt: 'a wide river' }, { 'idempotency-key': key });
    const reused = await user.call('PATCH', `/api/videos/${id}/scenes/1`, { imagePrompt: 'a narrow river' }, { 'idempotency-key': key });

    // Assess
    expect(fourth.status).toBe(202);
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(reused.status).toBe(422);
    const after = await user.credits();
    expect(after.balance).toBe(before.balance - 1);
    const charges = after.entries.filter((e) => e.kind === 'regeneration');
    expect(charges).toEqual([expect.objectContaining({ delta: -1, jobId: id })]);
    expect(ledgerSum(after.entries)).toBe(after.balance);
    expect((await server.runtime.jobs.get(id))!).toMatchObject({ regenerations: 4, revision: 4 });
  });

  it('a regeneration past the included ones is refused with 402 when the balance is short, changing nothing', async () => {
    // Prepare: spend the balance (3 credits: this video and two more), then use the free regenerations
    const user = await newUser('broke');
    const id = (await user.createVideo(SHORT)).body.id as string;
    expect((await user.createVideo({ ...SHORT, prompt: 'Second video' })).status).toBe(202);
    expect((await user.createVideo({ ...SHORT, prompt: 'Third video' })).status).toBe(202);
    expect((await user.credits()).balance).toBe(0);
    await holdForReview(id, { regenerations: 3 });

    // Act
    const answer = await user.call('POST', `/api/videos/${id}/scenes/1/regenerate`);

    // Assess
    expect(answer.status).toBe(402);
    expect(answer.body.error).toMatchObject({ code: 'insufficient_credits', balance: 0, needed: 1 });
    expect((await server.runtime.jobs.get(id))!).toMatchObject({ status: 'REVIEW', regenerations: 3 });
    // A change that makes nothing again costs nothing.
    expect((await user.call('PATCH', `/api/videos/${id}/storyboard`, { title: 'Salt of the sea' })).status).toBe(202);
  });

  it('upload: the presigned PUT works; a non-image or a 10x10 image is refused naming uploadId; a good one sets the picture', async () => {
    // Prepare
    const user = await newUser('uploader');
    const id = await reviewJob(user);
    const upload = async (bytes: Uint8Array, contentType = 'image/png') => {
      const ticket = await user.call('POST', `/api/videos/${id}/scenes/2/upload`, { contentType, size: bytes.byteLength });
      expect(ticket.status).toBe(200);
      expect(ticket.body).toMatchObject({ method: 'PUT', headers: { 'content-type': contentType } });
      const put = await fetch(ticket.body.url, { method: 'PUT', headers: ticket.body.headers, body: Buffer.from(bytes) });
      expect(put.status).toBe(200);
      return ticket.body.uploadId as string;
    };

    // Act + Assess: not an image
    const text = await upload(new TextEncoder().encode('not a picture at all'));
    const refusedText = await user.call('POST', `/api/videos/${id}/scenes/2/image`, { uploadId: text });
    expect(refusedText.status).toBe(400);
    expect(refusedText.body.error.fields[0].field).toBe('uploadId');
    // Too small
    const tiny = await upload(await png(10));
    const refusedTiny = await user.call('POST', `/api/videos/${id}/scenes/2/image`, { uploadId: tiny });
    expect(refusedTiny.status).toBe(400);
    expect(refusedTiny.body.error.fields[0]).toMatchObject({ field: 'uploadId' });
    expect(refusedTiny.body.error.message).toMatch(/10x10/);
    // Declared one type, sent another: the signed content type refuses the PUT
    const ticket = await user.call('POST', `/api/videos/${id}/scenes/2/upload`, { contentType: 'image/png', size: 5 });
    const forged = await fetch(ticket.body.url, { method: 'PUT', headers: { 'content-type': 'text/html' }, body: 'hello' });
    expect(forged.status).toBe(403);
    // A browser may send it: the store answers the dashboard's CORS preflight for PUT.
    const preflight = await fetch(ticket.body.url, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' } });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');
    // Never uploaded
    expect((await user.call('POST', `/api/videos/${id}/scenes/2/image`, { uploadId: randomUUID() })).status).toBe(400);
    // A good one
    const good = await upload(await png(300));
    const accepted = await user.call('POST', `/api/videos/${id}/scenes/2/image`, { uploadId: good });
    expect(accepted.status).toBe(202);
    expect(accepted.body.storyboard.scenes[1]).toMatchObject({ picture: 'uploaded' });
    const job = (await server.runtime.jobs.get(id))!;
    expect(job.script!.scenes[1]!.imageKey).toBe(`videos/${id}/uploads/${good}.png`);
    expect(job.regenerations ?? 0).toBe(0);
  });

  it('reopen of a finished video: REVIEW again with its earlier version listed; a review video can be deleted', async () => {
    // Prepare: a finished render
    const user = await newUser('reopener');
    const created = await user.createVideo(SHORT);
    const id = created.body.id as string;
    await server.runtime.blobs.put(`videos/${id}/salt.mp4`, new Uint8Array([0, 0, 0, 24]), 'video/mp4');
    await server.runtime.jobs.transition(
      id,
      { status: 'QUEUED' },
      { set: { status: 'SUCCEEDED', script: SCRIPT, outputKey: `videos/${id}/salt.mp4`, durationMs: 10_000, finishedAt: new Date().toISOString() } },
    );

    // Act
    const reopened = await user.call('POST', `/api/videos/${id}/reopen`);

    // Assess
    expect(reopened.status).toBe(200);
    expect(reopened.body.status).toBe('REVIEW');
    expect(reopened.body.versions).toEqual([expect.objectContaining({ version: 1, durationMs: 10_000, url: expect.any(String) })]);
    const job = (await server.runtime.jobs.get(id))!;
    expect(job).toMatchObject({ status: 'REVIEW', phase: 'review', version: 2 });
    expect(job.outputKey).toBeUndefined();
    expect((await user.call('POST', `/api/videos/${id}/reopen`)).body.error.code).toBe('video_busy');
    const earlier = await user.call('GET', `/api/videos/${id}/file?version=1`);
    expect(earlier.status).toBe(302);

    // Deleting a REVIEW video removes it (no refund).
    const before = (await user.credits()).balance;
    const deleted = await user.call('DELETE', `/api/videos/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ deleted: true, refunded: false });
    expect((await user.credits()).balance).toBe(before);
    expect(await server.runtime.blobs.exists(`videos/${id}/salt.mp4`)).toBe(false);
  });
});
