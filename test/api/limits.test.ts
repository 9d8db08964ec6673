/**
 * Abuse limits through the real local server (issue 13, bullets 3 and 4): voices are checked
 * before anything is paid for, failures the request caused are refunded a few times a day only,
 * each user has a limit of videos in progress and per hour (429 with Retry-After), and the
 * dispatcher gives each user at most a share of the pipelines. The script step is a stand-in
 * (it holds, refuses the content, or breaks, as the prompt says), so nothing is rendered.
 */
import './quiet-logs.js';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentRejected, ProviderUnavailable } from '../../lambdas/core/errors.js';
import { stepDeps, stepHandler } from '../../lambdas/shared/step-handler.js';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { withEveryRouteThrottle } from '../support/route-throttle.js';
import { ApiClient, ledgerSum } from './api-client.js';

const SHORT = { prompt: 'How tides work', seconds: 10, aspect: '1:1' };
const LIMITS = {
  MAX_ACTIVE_JOBS_PER_USER: '3',
  MAX_JOBS_PER_USER_PER_HOUR: '8',
  MAX_JOBS_PER_USER_PER_DAY: '100',
  MAX_RUNNING_PER_USER: '2',
  DISPATCH_RETRY_SECONDS: '1',
};

let server: DevServer;
/** Scripts whose prompt says "hold" wait here until the test lets them go. */
let releaseHeld!: () => void;
const held = new Promise<void>((resolve) => (releaseHeld = resolve));

beforeAll(async () => {
  server = await startDevServer({
    port: 0,
    inMemory: true,
    quiet: true,
    maxRunningPipelines: 3,
    startingCredits: 20,
    sweepIntervalMs: 3_600_000,
    settings: { ...process.env, ...LIMITS },
    // The subject is the limits per user; API Gateway's own 429 is test/local/edge.test.ts's.
    alterTemplate: withEveryRouteThrottle({ rate: 100_000, burst: 100_000 }),
    runner: {
      handlers: {
        'Generate Script': async (input: { jobId: string; request: { prompt: string } }, ctx) =>
          stepHandler(await stepDeps(ctx.dependencies()), { step: 'script' }, async () => {
            const { prompt } = input.request;
            if (prompt.includes('hold')) await held;
            // A failure the request caused (the LLM refuses the prompt's content) …
            if (prompt.includes('refuse')) throw new ContentRejected('Groq refused to write about this: the prompt breaks its content policy.');
            // … and one the product caused (a provider outage, after its retries).
            throw new ProviderUnavailable('Groq is unavailable (503).');
          })(input),
      },
      retryIntervalOverrides: { 'Generate Script': 10, 'Fail Job': 10 },
    },
  });
  server.setDispatching(false);
}, 180_000);

afterAll(async () => {
  releaseHeld?.();
  await server?.stop();
});

async function settled(user: ApiClient, id: string, until: (video: any) => boolean, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await user.call('GET', `/api/videos/${id}`);
    if (until(answer.body)) return answer.body;
    if (Date.now() > deadline) throw new Error(`video ${id} did not settle: ${JSON.stringify(answer.body)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

const failed = (v: any) => v.status === 'FAILED' && v.finishedAt !== undefined;

describe('voices', () => {
  it("refuses a voice the provider does not have with 400 naming voice and eSpeak NG's voices, before anything is paid", async () => {
    const user = await ApiClient.signIn(server.url, `voice-${randomUUID()}`);

    const answer = await user.createVideo({ ...SHORT, voice: 'klingon-warrior' });

    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_request');
    expect(answer.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['voice']);
    expect(answer.body.error.message).toMatch(/^voice: eSpeak NG has no such voice; use one of: /);
    expect(answer.body.error.message).not.toContain('klingon'); // hostile input is never echoed
    expect(answer.body.error.message).toContain('en-us');
    expect(answer.body.error.message).toContain('en-gb-scotland');
    expect((await user.credits()).balance).toBe(20);
    expect(await user.videos()).toEqual([]);
  });

  it('accepts a known voice in any case and keeps it as the provider names it', async () => {
    const user = await ApiClient.signIn(server.url, `voice-ok-${randomUUID()}`);
    const answer = await user.createVideo({ ...SHORT, voice: 'EN-GB' });
    expect(answer.status).toBe(202);
    expect((await user.call('GET', `/api/videos/${answer.body.id}`)).body.voice).toBe('en-gb');
    await user.call('DELETE', `/api/videos/${answer.body.id}`);
  });

  it('lists the voices a caller may choose, with names, for the configured provider', async () => {
    const user = await ApiClient.signIn(server.url, `voice-list-${randomUUID()}`);

    const answer = await user.call('GET', '/api/voices');

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ provider: 'offline', defaultVoice: 'en-us' });
    expect(answer.body.voices).toContainEqual({ id: 'en-us', name: 'English (America)', language: 'en-us' });
    expect(answer.body.voices.length).toBeGreaterThan(100);
    expect((await new ApiClient(server.url).call('GET', '/api/voices')).status).toBe(401);
  });

  it('lists one language\'s voices and its default with ?language=, and names the field when it is not one', async () => {
    const user = await ApiClient.signIn(server.url, `voice-lang-${randomUUID()}`);

    const spanish = await user.call('GET', '/api/voices?language=es-MX');
    expect(spanish.status, JSON.stringify(spanish.body)).toBe(200);
    // The voice an order in Mexican Spanish that names none is spoken in (eSpeak's regional one),
    // and only voices that speak Spanish.
    expect(spanish.body.defaultVoice).toBe('es-mx');
    expect((await user.call('GET', '/api/voices?language=es')).body.defaultVoice).toBe('es');
    const ids = spanish.body.voices.map((v: { id: string }) => v.id);
    expect(ids).toContain('es');
    expect(ids).toContain('es-419');
    expect(ids).not.toContain('en-us');
    expect(spanish.body.voices.every((v: { language: string }) => v.language.startsWith('es'))).toBe(true);
    // Chinese varieties count as Chinese.
    const chinese = await user.call('GET', '/api/voices?language=zh');
    expect(chinese.body.voices.map((v: { id: string }) => v.id)).toEqual(expect.arrayContaining(['cmn', 'yue']));
    expect((await user.call('GET', '/api/voices?language=en')).body.defaultVoice).toBe('en-us');

    for (const query of ['language=klingon', 'language=', 'language=' + 'x'.repeat(40), 'colour=red']) {
      const bad = await user.call('GET', `/api/voices?${query}`);
      expect(bad.status, query).toBe(400);
      expect(JSON.stringify(bad.body), query).toMatch(query.startsWith('colour') ? /colour/ : /language/);
    }
  });

  it('refuses to retry a video whose voice is not offered (any more) and debits nothing', async () => {
    const user = await ApiClient.signIn(server.url, `voice-retry-${randomUUID()}`);
    const { body } = await user.createVideo(SHORT);
    const job = (await server.runtime.jobs.get(body.id))!;
    // Ordered before voices were checked, then failed and refunded.
    await server.runtime.jobs.transition(body.id, { status: 'QUEUED' }, { set: { status: 'FAILED', refunded: true, request: { ...job.request, voice: 'gone' } } });
    const before = (await user.credits()).balance;

    const answer = await user.call('POST', `/api/videos/${body.id}/retry`);

    expect(answer.status).toBe(400);
    expect(answer.body.error.fields[0].field).toBe('voice');
    expect((await user.credits()).balance).toBe(before);
  });
});

describe('limits per user', () => {
  it('admits exactly the limit of 10 concurrent orders, then answers 429 naming the limit with Retry-After', async () => {
    const user = await ApiClient.signIn(server.url, `active-${randomUUID()}`);

    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => user.createVideo({ ...SHORT, prompt: `Concurrent order ${i}` })));

    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.body.error).toMatchObject({ code: 'limit_exceeded', limit: 'active', max: 3, message: 'You have 3 videos in progress; the limit is 3.' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const { balance, entries } = await user.credits();
    expect(balance).toBe(17);
    expect(ledgerSum(entries)).toBe(balance);
    expect(await user.videos()).toHaveLength(3);
  });

  it('does not refuse the replay of an Idempotency-Key, and a cancelled video frees its place', async () => {
    const user = await ApiClient.signIn(server.url, `replay-${randomUUID()}`);
    const key = randomUUID();
    const first = await user.createVideo({ ...SHORT, prompt: 'The first of three' }, key);
    await user.createVideo({ ...SHORT, prompt: 'The second of three' });
    await user.createVideo({ ...SHORT, prompt: 'The third of three' });

    const replay = await user.createVideo({ ...SHORT, prompt: 'The first of three' }, key);
    const fourth = await user.createVideo({ ...SHORT, prompt: 'One too many' });
    await user.call('DELETE', `/api/videos/${first.body.id}`);
    const afterCancel = await user.createVideo({ ...SHORT, prompt: 'Now there is room' });

    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ id: first.body.id, replayed: true });
    expect(fourth.status).toBe(429);
    expect(afterCancel.status).toBe(202);
  });

  it('frees the places of videos waiting for review or expired (they are not in progress)', async () => {
    const user = await ApiClient.signIn(server.url, `review-limit-${randomUUID()}`);
    const orders = [];
    for (const prompt of ['Waits for review', 'Review expired', 'Still queued']) orders.push(await user.createVideo({ ...SHORT, prompt }));
    expect(await server.runtime.jobs.transition(orders[0]!.body.id, { status: 'QUEUED' }, { set: { status: 'REVIEW' } })).toBe(true);
    expect(await server.runtime.jobs.transition(orders[1]!.body.id, { status: 'QUEUED' }, { set: { status: 'EXPIRED' } })).toBe(true);

    const more = [await user.createVideo({ ...SHORT, prompt: 'Room for one' }), await user.createVideo({ ...SHORT, prompt: 'Room for two' })];
    const tooMany = await user.createVideo({ ...SHORT, prompt: 'One too many' });

    expect(more.map((a) => a.status)).toEqual([202, 202]);
    expect(tooMany.status).toBe(429);
    expect(tooMany.body.error.limit).toBe('active');
  });

  it('counts a retry as a video in progress', async () => {
    const user = await ApiClient.signIn(server.url, `retry-limit-${randomUUID()}`);
    const failedOne = await user.createVideo({ ...SHORT, prompt: 'This one failed' });
    expect(await server.runtime.credits.refund(failedOne.body.id, 'Refund: it failed', { error: { name: 'ProviderUnavailable', message: 'down' } })).toBe(true);
    await user.createVideo({ ...SHORT, prompt: 'Busy one' });
    await user.createVideo({ ...SHORT, prompt: 'Busy two' });
    await user.createVideo({ ...SHORT, prompt: 'Busy three' });

    const retry = await user.call('POST', `/api/videos/${failedOne.body.id}/retry`);

    expect(retry.status).toBe(429);
    expect(retry.body.error.limit).toBe('active');
    expect((await user.call('GET', `/api/videos/${failedOne.body.id}`)).body.status).toBe('FAILED');
  });

  it('refuses more orders an hour than the limit, even when each was cancelled, until the hour is over', async () => {
    const user = await ApiClient.signIn(server.url, `hourly-${randomUUID()}`);
    for (let i = 0; i < 8; i++) {
      const order = await user.createVideo({ ...SHORT, prompt: `Order number ${i}` });
      expect(order.status, JSON.stringify(order.body)).toBe(202);
      expect((await user.call('DELETE', `/api/videos/${order.body.id}`)).status).toBe(200);
    }

    const ninth = await user.createVideo({ ...SHORT, prompt: 'Order number 8' });

    expect(ninth.status).toBe(429);
    expect(ninth.body.error).toMatchObject({ limit: 'hour', max: 8, message: 'You have ordered 8 videos this hour; the limit is 8 an hour.' });
    const retryAfter = Number(ninth.headers.get('retry-after'));
    const secondsLeftInHour = 3600 - ((Date.now() / 1000) % 3600);
    expect(retryAfter).toBeGreaterThan(0);
    expect(Math.abs(retryAfter - secondsLeftInHour)).toBeLessThan(5);
    expect((await user.credits()).balance).toBe(20);
  });
});

describe('refunds of failures the request caused', () => {
  it('refunds 3 a day, then fails the video without a refund and says so; failures of the product are always refunded', async () => {
    server.setDispatching(true);
    try {
      const user = await ApiClient.signIn(server.url, `refused-${randomUUID()}`);
      const videos: any[] = [];
      for (let i = 0; i < 4; i++) {
        const { body } = await user.createVideo({ ...SHORT, prompt: `Please refuse this, take ${i}` });
        videos.push(await settled(user, body.id, failed));
      }
      const outage = await user.createVideo({ ...SHORT, prompt: 'A provider outage' });
      const afterOutage = await settled(user, outage.body.id, failed);

      expect(videos.slice(0, 3).map((v) => v.refunded)).toEqual([true, true, true]);
      expect(videos[3]).toMatchObject({ refunded: false, error: { name: 'ContentRejected' } });
      expect(videos[3].error.message).toMatch(/not refunded: 3 failures caused by the request are refunded a day/i);
      expect(afterOutage.refunded).toBe(true);
      const { balance, entries } = await user.credits();
      expect(balance).toBe(19);
      expect(entries.filter((e) => e.kind === 'refund')).toHaveLength(4);
      expect(ledgerSum(entries)).toBe(balance);

      // Retrying the unrefunded video pays again: the refused credit is not carried over for free.
      const retry = await user.call('POST', `/api/videos/${videos[3].id}/retry`);
      expect(retry.status).toBe(202);
      expect((await user.credits()).balance).toBe(18);
      await settled(user, videos[3].id, (v) => failed(v) && v.attempt === 1);
      expect((await user.credits()).balance).toBe(18);
    } finally {
      server.setDispatching(false);
    }
  });
});

describe('the dispatcher', () => {
  it("starts another user's video while one user's backlog waits, giving each at most its share of pipelines", async () => {
    const a = await ApiClient.signIn(server.url, `busy-a-${randomUUID()}`);
    const b = await ApiClient.signIn(server.url, `busy-b-${randomUUID()}`);
    const mine = [];
    for (let i = 0; i < 3; i++) mine.push((await a.createVideo({ ...SHORT, prompt: `hold A ${i}` })).body.id as string);
    const theirs = (await b.createVideo({ ...SHORT, prompt: 'hold B' })).body.id as string;

    server.setDispatching(true);
    try {
      await settled(b, theirs, (v) => v.status === 'RUNNING', 30_000);
      const statuses = await Promise.all(mine.map(async (id) => (await a.call('GET', `/api/videos/${id}`)).body.status));
      expect(statuses.filter((s) => s === 'RUNNING')).toHaveLength(2);
      expect(statuses.filter((s) => s === 'QUEUED')).toHaveLength(1);
    } finally {
      releaseHeld();
    }
    // Once A's first two end, the third gets its turn.
    for (const id of mine) await settled(a, id, failed);
    server.setDispatching(false);
  });
});
