/**
 * Batches through the real local server: each item ordered in its own transaction (credits, the
 * user's limits, the voice), the answer naming which were accepted and which refused and why, a
 * repeat with the same Idempotency-Key ordering only what was refused, and concurrent repeats
 * never paying twice. No pipeline runs here (MAX_RUNNING_PIPELINES=0 keeps every job queued).
 */
import './quiet-logs.js';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { withEveryRouteThrottle } from '../support/route-throttle.js';
import { ApiClient, ledgerSum } from './api-client.js';

const item = (prompt: string, extra: Record<string, unknown> = {}) => ({ prompt, seconds: 10, aspect: '1:1', ...extra });

let server: DevServer;

beforeAll(async () => {
  const settings = { ...process.env, MAX_ACTIVE_JOBS_PER_USER: '100', MAX_JOBS_PER_USER_PER_HOUR: '1000', MAX_JOBS_PER_USER_PER_DAY: '1000' };
  server = await startDevServer({
    port: 0,
    inMemory: true,
    quiet: true,
    maxRunningPipelines: 0,
    startingCredits: 3,
    settings,
    // The concurrent repeats below are above the routes' own throttles (test/local/edge.test.ts tests those).
    alterTemplate: withEveryRouteThrottle({ rate: 1000, burst: 1000 }),
  });
});

afterAll(async () => {
  await server?.stop();
});

async function user(): Promise<ApiClient> {
  return ApiClient.signIn(server.url, `batch-${randomUUID()}`);
}

describe('POST /api/batches', () => {
  it('orders items in order until the credits run out, and says which were refused and why', async () => {
    const alice = await user();

    const answer = await alice.call('POST', '/api/batches', { items: ['One', 'Two', 'Three', 'Four', 'Five'].map((p) => item(`Why ${p}`)) });

    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    expect(answer.headers.get('location')).toBe(`/api/batches/${answer.body.id}`);
    expect(answer.body.items.map((i: any) => i.status)).toEqual(['accepted', 'accepted', 'accepted', 'refused', 'refused']);
    expect(answer.body.items[3].error).toEqual({ status: 402, code: 'insufficient_credits', message: expect.stringMatching(/credit/i) });
    expect(answer.body.summary).toMatchObject({ accepted: 3, refused: 2, queued: 3 });
    const { balance, entries } = await alice.credits();
    expect(balance).toBe(0);
    expect(ledgerSum(entries)).toBe(balance);
    const videos = await alice.videos();
    expect(videos.map((v) => v.id).sort()).toEqual(answer.body.items.slice(0, 3).map((i: any) => i.videoId).sort());
  });

  it('orders again only the refused items when repeated with the same Idempotency-Key, paying each video once', async () => {
    const bob = await user();
    const body = { items: ['A', 'B', 'C', 'D', 'E'].map((p) => item(`Why ${p}`)) };
    const key = randomUUID();
    const first = await bob.call('POST', '/api/batches', body, { 'idempotency-key': key });
    expect(first.body.summary).toMatchObject({ accepted: 3, refused: 2 });
    expect((await bob.call('POST', '/api/dev/purchase', { credits: 2 })).status).toBe(200);

    const again = await bob.call('POST', '/api/batches', body, { 'idempotency-key': key });

    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toMatchObject({ id: first.body.id, replayed: true, summary: { accepted: 5, refused: 0 } });
    expect(again.body.items.slice(0, 3).map((i: any) => i.videoId)).toEqual(first.body.items.slice(0, 3).map((i: any) => i.videoId));
    const { balance, entries } = await bob.credits();
    expect(balance).toBe(0);
    expect(entries.filter((e) => e.kind === 'debit')).toHaveLength(5);
    expect(await bob.videos()).toHaveLength(5);
  });

  it('makes each video once when the same batch is sent 8 times at once', async () => {
    const carol = await user();
    expect((await carol.call('POST', '/api/dev/purchase', { credits: 7 })).status).toBe(200);
    const body = { items: Array.from({ length: 4 }, (_, n) => item(`Why number ${n}`)) };
    const key = randomUUID();

    const answers = await Promise.all(Array.from({ length: 8 }, () => carol.call('POST', '/api/batches', body, { 'idempotency-key': key })));

    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(202));
    const ids = new Set(answers.flatMap((a) => a.body.items.map((i: any) => i.videoId)));
    expect(ids.size).toBe(4);
    expect(await carol.videos()).toHaveLength(4);
    const { balance, entries } = await carol.credits();
    expect(balance).toBe(10 - 4);
    expect(ledgerSum(entries)).toBe(balance);
    const stored = await carol.call('GET', `/api/batches/${answers[0]!.body.id}`);
    expect(stored.body.summary).toMatchObject({ accepted: 4, refused: 0, queued: 4 });
  });

  it('refuses an item whose voice the provider does not have, and orders the others', async () => {
    const dave = await user();

    const answer = await dave.call('POST', '/api/batches', { items: [item('Why owls hoot'), item('Why cats purr', { voice: 'klingon-9' })] });

    expect(answer.status).toBe(202);
    expect(answer.body.items[0].status).toBe('accepted');
    expect(answer.body.items[1]).toMatchObject({ status: 'refused', error: { status: 400, code: 'invalid_request' } });
    expect(answer.body.items[1].error.message).toMatch(/voice/);
    expect((await dave.credits()).balance).toBe(2);
  });

  it('answers 400 naming the field for an empty, an oversized or a malformed batch, and debits nothing', async () => {
    const erin = await user();
    const cases: [unknown, string][] = [
      [{ items: [] }, 'items'],
      [{ items: Array.from({ length: 51 }, () => item('Why so many')) }, 'items'],
      [{ items: [item('Fine'), item('')] }, 'items.1.prompt'],
      [{ items: [item('Fine', { seconds: 'ten' })] }, 'items.0.seconds'],
      [{ items: [item('Fine')], extra: 1 }, 'extra'],
      [{ items: 'all of them' }, 'items'],
    ];
    for (const [body, field] of cases) {
      const answer = await erin.call('POST', '/api/batches', body);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(answer.body.error.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    expect((await erin.credits()).balance).toBe(3);
    expect(await erin.videos()).toHaveLength(0);
  });
});

describe('GET /api/batches/{id}', () => {
  it("shows each video as it is now, and is another user's 404", async () => {
    const frank = await user();
    const made = await frank.call('POST', '/api/batches', { items: [item('Why frogs croak'), item('Why bats hang')] });
    const [first] = made.body.items;
    expect((await frank.call('DELETE', `/api/videos/${first.videoId}`)).status).toBe(200);

    const answer = await frank.call('GET', `/api/batches/${made.body.id}`);

    expect(answer.status).toBe(200);
    expect(answer.body.summary).toMatchObject({ accepted: 2, queued: 1, deleted: 1 });
    expect(answer.body.items[0].video).toBeUndefined();
    expect(answer.body.items[1].video).toMatchObject({ id: made.body.items[1].videoId, status: 'QUEUED', prompt: 'Why bats hang' });
    const stranger = await user();
    const theirs = await stranger.call('GET', `/api/batches/${made.body.id}`);
    expect(theirs.status).toBe(404);
    expect(JSON.stringify(theirs.body)).not.toContain('frogs');
    for (const id of [randomUUID(), 'not-a-uuid', 'x'.repeat(5000)]) {
      expect((await frank.call('GET', `/api/batches/${id}`)).status).toBe(404);
    }
  });
});
