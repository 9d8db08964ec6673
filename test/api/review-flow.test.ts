/**
 * Review before render end to end through the real local server and pipeline: a review video
 * stops in REVIEW, an edited narration and a regenerated picture bring it back to REVIEW
 * (reusing what did not change), the render finishes it, and the balance went down by exactly
 * the price of one video. Renders one 10 s 1:1 video.
 */
import './quiet-logs.js';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { ApiClient, ledgerSum } from './api-client.js';

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: 0, inMemory: true, quiet: true, maxRunningPipelines: 1, startingCredits: 3 });
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

async function settled(user: ApiClient, id: string, until: (video: any) => boolean, timeoutMs = 240_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await user.call('GET', `/api/videos/${id}`);
    if (until(answer.body)) return answer.body;
    if (answer.body.status === 'FAILED') throw new Error(`video ${id} failed: ${JSON.stringify(answer.body.error)}`);
    if (Date.now() > deadline) throw new Error(`video ${id} did not settle: ${JSON.stringify(answer.body)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('review before render, end to end', () => {
  it('REVIEW → edit → REVIEW → regenerate → REVIEW → render → SUCCEEDED, for the price of one video', async () => {
    // Prepare
    const user = await ApiClient.signIn(server.url, `flow-${randomUUID()}`);
    const created = await user.createVideo({ prompt: 'Why the sea is salty', seconds: 10, aspect: '1:1', review: true });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    const held = await settled(user, id, (v) => v.status === 'REVIEW');
    expect(held.storyboard.revision).toBe(0);
    expect(held.preview).toBeDefined();
    expect(held.storyboard.scenes[0].imageUrl).toMatch(/^http/);

    // Act: a narration edited, a picture regenerated, then the render
    const edited = await user.call('PATCH', `/api/videos/${id}/scenes/1`, { narration: 'Rivers carry salt to the sea, every day.' });
    expect(edited.status, JSON.stringify(edited.body)).toBe(202);
    const afterEdit = await settled(user, id, (v) => v.status === 'REVIEW' && v.storyboard.revision === 1);
    expect(afterEdit.steps.find((s: { name: string }) => s.name === 'images').reused).toBe(afterEdit.storyboard.scenes.length);
    const regenerated = await user.call('POST', `/api/videos/${id}/scenes/2/regenerate`);
    expect(regenerated.status, JSON.stringify(regenerated.body)).toBe(202);
    const afterRegenerate = await settled(user, id, (v) => v.status === 'REVIEW' && v.storyboard.revision === 2);
    expect(afterRegenerate.steps.find((s: { name: string }) => s.name === 'images').reused).toBe(afterRegenerate.storyboard.scenes.length - 1);
    expect(afterRegenerate.review).toMatchObject({ regenerationsUsed: 2, regenerationsIncluded: 3 });
    const render = await user.call('POST', `/api/videos/${id}/render`);
    expect(render.status, JSON.stringify(render.body)).toBe(202);
    const done = await settled(user, id, (v) => v.status === 'SUCCEEDED');

    // Assess
    expect(done.videoUrl).toMatch(/^http/);
    const { balance, entries } = await user.credits();
    expect(balance).toBe(2);
    expect(ledgerSum(entries)).toBe(balance);
    expect(entries.map((e) => e.kind)).toEqual(['debit', 'grant']);
  }, 600_000);
});
