/**
 * The rules behind the abuse limits (issue 13, bullets 3 and 4), without a store: which failures
 * the user caused, the limits' messages and waits, the voice check, and the dispatcher's share
 * per user (with in-memory stand-ins for the job index, the queue and Step Functions).
 */
import { describe, expect, it } from 'vitest';
import { elevenLabsVoiceCatalog, ELEVENLABS_PREMADE_VOICES } from '../../lambdas/adapters/providers/elevenlabs-voices.js';
import { espeakVoiceCatalog } from '../../lambdas/adapters/offline/espeak-voices.js';
import { isUserCausedFailure, notRefundedNotice } from '../../lambdas/core/credits.js';
import { InvalidInput, LimitExceeded } from '../../lambdas/core/errors.js';
import { newJob, type Job, type JobStatus } from '../../lambdas/core/job.js';
import { dispatchJob, type DispatchDeps } from '../../lambdas/core/jobs/dispatch.js';
import { dayBucket, hourBucket, limitExceeded } from '../../lambdas/core/jobs/limits.js';
import { createVideo, type CreateVideoDeps } from '../../lambdas/core/jobs/videos.js';
import type { CreditStore, JobRef } from '../../lambdas/core/ports.js';
import { checkVoice } from '../../lambdas/core/voices.js';

describe('who caused a failure', () => {
  it('counts refused content, an unmakeable script and an unusable option as the request’s; outages, keys, timeouts and stuck runs as the product’s', () => {
    for (const name of ['ContentRejected', 'ScriptInvalid', 'InvalidInput']) expect(isUserCausedFailure(name), name).toBe(true);
    for (const name of ['ProviderRejected', 'ProviderUnavailable', 'ProviderTimeout', 'ProviderRateLimited', 'RenderFailed', 'RenderTimeout', 'InternalError', 'Timeout', 'JobStuck', 'JobInterrupted', 'QueueTimeout', 'PipelineEnded', 'States.Timeout']) {
      expect(isUserCausedFailure(name), name).toBe(false);
    }
    expect(isUserCausedFailure(undefined)).toBe(false);
    expect(notRefundedNotice(3)).toMatch(/not refunded: 3 failures caused by the request are refunded a day/);
  });
});

describe('limits', () => {
  const now = new Date('2025-01-02T10:59:30.000Z');

  it('counts by clock hour and UTC day', () => {
    expect(hourBucket(now)).toEqual({ key: '2025-01-02T10', endsAt: new Date('2025-01-02T11:00:00.000Z') });
    expect(dayBucket(now)).toEqual({ key: '2025-01-02', endsAt: new Date('2025-01-03T00:00:00.000Z') });
  });

  it('names the limit and says how long until it frees', () => {
    const active = limitExceeded('active', 3, now);
    const hour = limitExceeded('hour', 20, now);
    const day = limitExceeded('day', 1, now);
    expect(active).toBeInstanceOf(LimitExceeded);
    expect(active).toMatchObject({ limit: 'active', max: 3, retryAfterSeconds: 60, message: 'You have 3 videos in progress; the limit is 3.' });
    expect(hour).toMatchObject({ limit: 'hour', max: 20, retryAfterSeconds: 30, message: 'You have ordered 20 videos this hour; the limit is 20 an hour.' });
    expect(day).toMatchObject({ limit: 'day', max: 1, retryAfterSeconds: 13 * 3600 + 30, message: 'You have ordered 1 video today (UTC); the limit is 1 a day.' });
  });
});

describe('voices', () => {
  it('takes an eSpeak voice in any case, as eSpeak names it, and refuses another naming the field and the voices', () => {
    const catalog = espeakVoiceCatalog();
    expect(checkVoice('EN-gb', catalog)).toBe('en-gb');
    expect(checkVoice(undefined, catalog)).toBeUndefined();
    expect(() => checkVoice('xx-nowhere', catalog)).toThrow(InvalidInput);
    expect(() => checkVoice('xx-nowhere', catalog)).toThrow(/^voice: eSpeak NG has no such voice; use one of: af, am, .*\ben-us\b.*zh-yue \(GET \/api\/voices lists them\)\.$/);
    expect(catalog).toMatchObject({ provider: 'offline', defaultVoice: 'en-us' });
  });

  it("offers ElevenLabs' premade voices by default, or the allowlist, always with the default voice; ids are exact", () => {
    const premade = elevenLabsVoiceCatalog();
    expect(premade.voices).toEqual(ELEVENLABS_PREMADE_VOICES);
    expect(premade).toMatchObject({ provider: 'elevenlabs', defaultVoice: 'JBFqnCBsd6RMkjVDRZzb' });
    expect(checkVoice('pFZP5JQG7iQjIQuC4Bku', premade)).toBe('pFZP5JQG7iQjIQuC4Bku');
    expect(() => checkVoice('pfzp5jqg7iqjiqucbku', premade)).toThrow(/^voice: ElevenLabs has no such voice; use one of: 9BWtsMINqrJLrRacOk9x \(Aria\), /);
    // The offline names mean nothing to ElevenLabs (the job used to fail at Record Voice, after script and images were paid).
    expect(() => checkVoice('en-us', premade)).toThrow(InvalidInput);

    const allowed = elevenLabsVoiceCatalog({ allowlist: ['pFZP5JQG7iQjIQuC4Bku', 'myOwnCloneId123=Narrator', ' '], defaultVoice: 'pqHfZKP75CvOlQylNhV4' });
    expect(allowed.voices).toEqual([
      { id: 'pqHfZKP75CvOlQylNhV4', name: 'Bill' },
      { id: 'pFZP5JQG7iQjIQuC4Bku', name: 'Lily' },
      { id: 'myOwnCloneId123', name: 'Narrator' },
    ]);
    expect(() => checkVoice('9BWtsMINqrJLrRacOk9x', allowed)).toThrow(/use one of: pqHfZKP75CvOlQylNhV4 \(Bill\), pFZP5JQG7iQjIQuC4Bku \(Lily\), myOwnCloneId123 \(Narrator\)/);
  });

  it('refuses an unknown voice before anything is debited or recorded', async () => {
    const calls: string[] = [];
    const credits = new Proxy({} as CreditStore, { get: (_t, name) => () => (calls.push(String(name)), Promise.reject(new Error('no store in this test'))) });
    const deps: CreateVideoDeps = {
      credits,
      queue: { enqueue: async () => void calls.push('enqueue') },
      clock: { now: () => new Date() },
      newId: () => 'job-1',
      startingCredits: 3,
      idempotencyTtlSeconds: 60,
      voices: espeakVoiceCatalog(),
      limits: { activeJobs: 3, jobsPerHour: 20, jobsPerDay: 100 },
    };
    const request = { prompt: 'Why cats purr', seconds: 10, aspect: '1:1' as const, captionStyle: 'bold' as const, voice: 'nope', language: 'en', music: 'none' };

    await expect(createVideo({ userId: 'u', request }, deps)).rejects.toThrow(/^voice: eSpeak NG has no such voice/);
    expect(calls).toEqual([]);
  });
});

/** The dispatcher's world in memory: jobs, the RUNNING index, a FIFO queue, started executions. */
function world(jobs: Job[], settings: { maxRunning: number; maxRunningPerUser: number }) {
  const byId = new Map(jobs.map((job) => [job.jobId, { ...job }]));
  const queue = jobs.map((job) => job.jobId);
  const started: string[] = [];
  const deps: DispatchDeps = {
    jobs: {
      get: async (id) => structuredClone(byId.get(id)),
      create: async () => undefined,
      update: async () => undefined,
      updateStep: async () => ({ status: 'pending' }),
      addSpend: async () => undefined,
    },
    index: {
      listByUser: async () => ({ items: [] }),
      listByStatus: async (status: JobStatus) =>
        [...byId.values()].filter((j) => j.status === status).map((j): JobRef => ({ jobId: j.jobId, userId: j.userId, status: j.status, updatedAt: j.updatedAt, createdAt: j.createdAt })),
      countByStatus: async (status: JobStatus) => [...byId.values()].filter((j) => j.status === status).length,
      transition: async (id, expected, change) => {
        const job = byId.get(id);
        const statuses: readonly JobStatus[] = typeof expected.status === 'string' ? [expected.status] : expected.status;
        if (!job || !statuses.includes(job.status)) return false;
        Object.assign(job, change.set);
        return true;
      },
      deleteIf: async () => false,
    },
    starter: {
      start: async (name) => (started.push(name), 'started'),
      status: async () => 'RUNNING',
      stop: async () => undefined,
    },
    // A message sent back with a delay joins the end of the queue.
    queue: { enqueue: async (id) => void queue.push(id) },
    clock: { now: () => new Date() },
    retryDelaySeconds: 30,
    ...settings,
  };
  const runningOf = (userId: string) => [...byId.values()].filter((j) => j.userId === userId && j.status === 'RUNNING').length;
  /** Delivers messages in order until `done` or the queue is empty; returns how many were delivered. */
  const deliverUntil = async (done: () => boolean, max = 50) => {
    let delivered = 0;
    while (!done() && queue.length > 0 && delivered < max) {
      await dispatchJob(queue.shift()!, deps);
      delivered++;
      expect(runningOf('A')).toBeLessThanOrEqual(Math.max(settings.maxRunningPerUser, 0));
    }
    return delivered;
  };
  return { started, deliverUntil, runningOf, status: (id: string) => byId.get(id)!.status };
}

describe('the dispatcher', () => {
  const request = { prompt: 'p', seconds: 10, aspect: '1:1', captionStyle: 'bold', language: 'en', music: 'none' } as const;
  const jobsOf = (userId: string, n: number) =>
    Array.from({ length: n }, (_, i) => newJob({ jobId: `${userId}${i + 1}`, userId, request, now: new Date(Date.UTC(2025, 0, 1, 0, 0, i)) }));

  it("starts B's one video while A's backlog of five waits, A holding at most its share", async () => {
    const { started, deliverUntil, runningOf, status } = world([...jobsOf('A', 5), ...jobsOf('B', 1)], { maxRunning: 3, maxRunningPerUser: 2 });

    await deliverUntil(() => started.includes('B1'));

    expect(started).toEqual(['A1', 'A2', 'B1']);
    expect(runningOf('A')).toBe(2);
    expect(['A3', 'A4', 'A5'].map(status)).toEqual(['QUEUED', 'QUEUED', 'QUEUED']);
  });

  it('without a share per user, the same backlog holds every pipeline and B waits (what the share fixes)', async () => {
    const { started, deliverUntil } = world([...jobsOf('A', 5), ...jobsOf('B', 1)], { maxRunning: 3, maxRunningPerUser: 3 });

    await deliverUntil(() => started.includes('B1'), 20);

    expect(started).toEqual(['A1', 'A2', 'A3']);
  });
});
