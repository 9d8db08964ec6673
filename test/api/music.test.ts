/**
 * Music tracks through the real local server: a presigned PUT, the check of the bytes (type, size,
 * length), listing, deletion, and POST /api/videos accepting only the caller's own checked track.
 * No pipeline runs (MAX_RUNNING_PIPELINES=0).
 */
import './quiet-logs.js';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeMusic } from '../../lambdas/adapters/offline/music-synth.js';
import { MUSIC_MOODS } from '../../lambdas/core/model.js';
import { encodeWav16 } from '../../lambdas/core/pcm.js';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { withEveryRouteThrottle } from '../support/route-throttle.js';
import { ApiClient } from './api-client.js';

let server: DevServer;

/** Tracks are objects in the local S3 store, which outlives a run: each run signs in users of its own. */
const RUN = randomUUID().slice(0, 8);

beforeAll(async () => {
  server = await startDevServer({ port: 0, inMemory: true, quiet: true, maxRunningPipelines: 0, alterTemplate: withEveryRouteThrottle({ rate: 1000, burst: 1000 }) });
}, 600_000);

afterAll(async () => {
  await server?.stop();
});

const wav = (seconds: number, rate = 22_050) => {
  const { left } = synthesizeMusic({ mood: 'calm', lengthMs: 6000, seed: 1 });
  const channel = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < channel.length; i++) channel[i] = left[i % left.length]! * 0.5;
  return encodeWav16({ sampleRate: rate, channels: [channel] });
};

/** Asks for an upload, PUTs the bytes to the presigned URL, returns the track id. */
async function upload(user: ApiClient, bytes: Uint8Array, contentType = 'audio/wav', name = 'My song'): Promise<string> {
  const ticket = await user.call('POST', '/api/music/uploads', { name, contentType, bytes: bytes.byteLength });
  expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
  expect(ticket.body.trackId).toMatch(/^trk_[A-Za-z0-9]{20}$/);
  const put = await fetch(ticket.body.uploadUrl, { method: 'PUT', headers: ticket.body.headers, body: Buffer.from(bytes) });
  expect(put.status).toBe(200);
  return ticket.body.trackId;
}

const fieldsOf = (answer: { body: { error: { fields?: { field: string }[] } } }) => (answer.body.error.fields ?? []).map((f) => f.field);
const ORDER = { prompt: 'Why the sea is salty', seconds: 10, aspect: '1:1' };

describe('music tracks', () => {
  it('upload, check, list, use in a video, delete', async () => {
    const user = await ApiClient.signIn(server.url, `music-happy-${RUN}`);
    const trackId = await upload(user, wav(6));

    const checked = await user.call('POST', `/api/music/${trackId}`);
    expect(checked.status, JSON.stringify(checked.body)).toBe(200);
    expect(checked.body.track).toMatchObject({ trackId, name: 'My song' });
    expect(Math.abs(checked.body.track.durationMs - 6000)).toBeLessThan(20);

    const listed = await user.call('GET', '/api/music');
    expect(listed.status).toBe(200);
    expect(listed.body.moods).toEqual([...MUSIC_MOODS]);
    expect(listed.body.tracks).toEqual([checked.body.track]);

    const order = await user.call('POST', '/api/videos', { ...ORDER, music: trackId });
    expect(order.status, JSON.stringify(order.body)).toBe(202);
    const mood = await user.call('POST', '/api/videos', { ...ORDER, music: 'lofi' });
    expect(mood.status).toBe(202);

    expect((await user.call('DELETE', `/api/music/${trackId}`)).status).toBe(204);
    expect((await user.call('GET', '/api/music')).body.tracks).toEqual([]);
    const gone = await user.call('POST', '/api/videos', { ...ORDER, music: trackId });
    expect(gone.status).toBe(400);
    expect(fieldsOf(gone)).toEqual(['music']);
  });

  it('refuses a file that is not audio (400 file) and removes it', async () => {
    const user = await ApiClient.signIn(server.url, `music-text-${RUN}`);
    const trackId = await upload(user, new TextEncoder().encode('#!/bin/sh\necho this is not music at all\n'.repeat(20)), 'audio/mpeg');
    const refused = await user.call('POST', `/api/music/${trackId}`);
    expect(refused.status).toBe(400);
    expect(fieldsOf(refused)).toEqual(['file']);
    expect(refused.body.error.message).toMatch(/not MP3 or WAV/);
    expect((await user.call('POST', `/api/music/${trackId}`)).status).toBe(404);
    expect((await user.call('GET', '/api/music')).body.tracks).toEqual([]);
  });

  it('refuses a track shorter than 5 s or longer than 10 min, a WAV declared as MP3, and a check before the PUT', async () => {
    const user = await ApiClient.signIn(server.url, `music-lengths-${RUN}`);
    const short = await user.call('POST', `/api/music/${await upload(user, wav(3))}`);
    expect(short.status).toBe(400);
    expect(fieldsOf(short)).toEqual(['file']);
    expect(short.body.error.message).toMatch(/at least 5 s/);

    const long = await user.call('POST', `/api/music/${await upload(user, wav(601, 8000))}`);
    expect(long.status).toBe(400);
    expect(long.body.error.message).toMatch(/at most 10 minutes/);

    const mislabelled = await user.call('POST', `/api/music/${await upload(user, wav(6), 'audio/mpeg')}`);
    expect(mislabelled.status).toBe(400);
    expect(mislabelled.body.error.message).toMatch(/WAV, not the audio\/mpeg/);

    const ticket = await user.call('POST', '/api/music/uploads', { name: 'later', contentType: 'audio/wav', bytes: 1000 });
    const early = await user.call('POST', `/api/music/${ticket.body.trackId}`);
    expect(early.status).toBe(400);
    expect(fieldsOf(early)).toEqual(['file']);
  });

  it('checks the upload request: type, size, name', async () => {
    const user = await ApiClient.signIn(server.url, `music-body-${RUN}`);
    const ask = (body: unknown) => user.call('POST', '/api/music/uploads', body);
    expect(fieldsOf(await ask({ name: 'x', contentType: 'video/mp4', bytes: 10 }))).toEqual(['contentType']);
    expect(fieldsOf(await ask({ name: 'x', contentType: 'audio/wav', bytes: 20 * 1024 * 1024 + 1 }))).toEqual(['bytes']);
    expect(fieldsOf(await ask({ name: 'x', contentType: 'audio/wav', bytes: 0 }))).toEqual(['bytes']);
    expect(fieldsOf(await ask({ name: '', contentType: 'audio/wav', bytes: 10 }))).toEqual(['name']);
    expect(fieldsOf(await ask({ name: 'x'.repeat(101), contentType: 'audio/wav', bytes: 10 }))).toEqual(['name']);
  });

  it("never lets one user see, check, delete or use another's track", async () => {
    const owner = await ApiClient.signIn(server.url, `music-owner-${RUN}`);
    const other = await ApiClient.signIn(server.url, `music-other-${RUN}`);
    const trackId = await upload(owner, wav(6));
    expect((await owner.call('POST', `/api/music/${trackId}`)).status).toBe(200);

    expect((await other.call('GET', '/api/music')).body.tracks).toEqual([]);
    expect((await other.call('POST', `/api/music/${trackId}`)).status).toBe(404);
    expect((await other.call('DELETE', `/api/music/${trackId}`)).status).toBe(404);
    const order = await other.call('POST', '/api/videos', { ...ORDER, music: trackId });
    expect(order.status).toBe(400);
    expect(fieldsOf(order)).toEqual(['music']);
    expect(order.body.error.message).toMatch(/no such track/);
    // The owner's track is untouched.
    expect((await owner.call('GET', '/api/music')).body.tracks).toHaveLength(1);
  });

  it('answers hostile track ids 404 (paths) or 400 music (orders), never 5xx, never a storage key', async () => {
    const user = await ApiClient.signIn(server.url, `music-hostile-${RUN}`);
    for (const id of ['..%2F..%2Fassets', 'trk_short', `trk_${'A'.repeat(19)}%2F`, '%00', 'trk_AAAAAAAAAAAAAAAAAAAA.json', `trk_${'A'.repeat(500)}`]) {
      for (const method of ['POST', 'DELETE'] as const) {
        const answer = await user.call(method, `/api/music/${id}`);
        expect(answer.status, `${method} ${id}`).toBe(404);
        expect(JSON.stringify(answer.body)).not.toMatch(/uploads\/music|NoSuch|Exception/);
      }
    }
    for (const music of ['trk_../../../etc/passwd', 'trk_AAAAAAAAAAAAAAAAAAAA/../x', 'none ', 'CALM', '']) {
      const answer = await user.call('POST', '/api/videos', { ...ORDER, music });
      expect(answer.status, music).toBe(400);
      expect(fieldsOf(answer)).toEqual(['music']);
    }
  });
});
