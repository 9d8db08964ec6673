/**
 * Failures and the money: a job that fails is refunded exactly once, a retry debits again and
 * runs as a new execution, and the sweeper re-drives interrupted jobs and fails stuck ones —
 * through the real local server, queue, dispatcher and pipeline runner. The image step is made
 * to fail (as a provider refusing the prompt would), so no render runs here.
 */
import './quiet-logs.js';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderRejected } from '../../lambdas/core/errors.js';
import { executionName, type Job } from '../../lambdas/core/job.js';
import { sweepJobs } from '../../lambdas/core/jobs/sweep.js';
import type { ExecutionStatus, PipelineStarter } from '../../lambdas/core/ports.js';
import { stepDeps, stepHandler } from '../../lambdas/shared/step-handler.js';
import { startDevServer, type DevServer } from '../../lib/local/dev-server.js';
import { ApiClient, ledgerSum } from './api-client.js';

const SHORT = { prompt: 'A quick tour of Saturn', seconds: 10, aspect: '1:1' };
let server: DevServer;
let imageCalls = 0;

beforeAll(async () => {
  server = await startDevServer({
    port: 0,
    inMemory: true,
    quiet: true,
    maxRunningPipelines: 1,
    runner: {
      handlers: {
        // The image provider refuses every prompt: a permanent failure, caught into Fail Job.
        'Generate Image': async (input, ctx) =>
          stepHandler(await stepDeps(ctx.dependencies()), { step: 'images' }, async () => {
            imageCalls++;
            throw new ProviderRejected('Replicate refused the prompt: it violates the content policy (422).');
          })(input),
      },
      retryIntervalOverrides: { 'Generate Image': 10, 'Fail Job': 10 },
    },
  });
});

afterAll(async () => {
  await server?.stop();
});

async function settled(user: ApiClient, id: string, until: (video: any) => boolean, timeoutMs = 90_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await user.call('GET', `/api/videos/${id}`);
    if (until(answer.body)) return answer.body;
    if (Date.now() > deadline) throw new Error(`video ${id} did not settle: ${JSON.stringify(answer.body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const failedAndRefunded = (v: any) => v.status === 'FAILED' && v.refunded === true;

/** Runs `act` with the dispatcher's event source off, so jobs stay queued until it is done. */
async function paused<T>(act: () => Promise<T>): Promise<T> {
  server.setDispatching(false);
  try {
    return await act();
  } finally {
    server.setDispatching(true);
  }
}

/** The operator's view of the stores (admin credentials). */
const jobStore = () => server.runtime.jobs;
const jobIndex = () => server.runtime.jobs;
const creditStore = () => server.runtime.credits;
const jobQueue = () => server.queue;

describe('a failing job', () => {
  let user: ApiClient;
  let id: string;

  it('is marked failed with a readable reason and refunded exactly once', async () => {
    // Prepare
    user = await ApiClient.signIn(server.url, `unlucky-${randomUUID()}`);

    // Act
    const created = await user.createVideo(SHORT);
    id = created.body.id;
    const video = await settled(user, id, failedAndRefunded);

    // Assess
    expect(video.error).toMatchObject({ step: 'images', name: 'ProviderRejected' });
    expect(video.error.message).toContain('violates the content policy');
    expect(video.steps.find((s: { name: string }) => s.name === 'images').status).toBe('failed');
    const { balance, entries } = await user.credits();
    expect(balance).toBe(3);
    expect(entries.map((e) => e.kind)).toEqual(['refund', 'debit', 'grant']);
    expect(ledgerSum(entries)).toBe(balance);
  });

  it('is not refunded again by a repeated Fail Job or by the sweeper', async () => {
    // Step Functions invoking Fail Job a second time (a retried delivery).
    const again = (await server.runtime.host.invoke('FailJob', { jobId: id, error: { Error: 'ProviderRejected', Cause: 'delivered twice' } })) as { refunded: boolean };
    await server.sweep();

    expect(again.refunded).toBe(false);
    const { balance, entries } = await user.credits();
    expect(balance).toBe(3);
    expect(entries.filter((e) => e.kind === 'refund')).toHaveLength(1);
  });

  it('runs again on retry as a new execution, debiting the refunded credit once more', async () => {
    // Prepare
    const before = (await jobStore().get(id))!;
    expect(before.script?.title).toBeTruthy(); // kept for the retry

    // Act
    const retried = await user.call('POST', `/api/videos/${id}/retry`);
    const queued = await user.call('GET', `/api/videos/${id}`);
    const video = await settled(user, id, (v) => failedAndRefunded(v) && v.attempt === 1);

    // Assess
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ id, credits: 1 });
    expect(['QUEUED', 'RUNNING', 'FAILED']).toContain(queued.body.status);
    expect(video.title).toBe(before.title);
    expect(await server.starter.status(`${id}-r1`)).toBe('FAILED');
    expect(await server.starter.status(id)).toBe('FAILED');
    const { balance, entries } = await user.credits();
    expect(entries.map((e) => e.kind)).toEqual(['refund', 'debit', 'refund', 'debit', 'grant']);
    expect(balance).toBe(3);
    expect(ledgerSum(entries)).toBe(balance);
  });

  it('cannot be retried without the credit', async () => {
    const poor = await ApiClient.signIn(server.url, `poor-${randomUUID()}`);
    const { body } = await poor.createVideo(SHORT);
    await settled(poor, body.id, failedAndRefunded);
    await paused(async () => {
      for (let i = 0; i < 3; i++) expect((await poor.createVideo({ ...SHORT, prompt: `Filler ${i}` })).status).toBe(202);
      const answer = await poor.call('POST', `/api/videos/${body.id}/retry`);
      expect(answer.status).toBe(402);
      expect(answer.body.error).toMatchObject({ balance: 0, needed: 1 });
      // Tidy up: cancelling the queued fillers refunds them.
      for (const video of await poor.videos()) if (video.status === 'QUEUED') await poor.call('DELETE', `/api/videos/${video.id}`);
    });
    expect((await poor.credits()).balance).toBe(3);
  });
});

describe('the sweeper', () => {
  it('re-drives a job whose run was interrupted (claimed, but its execution is gone) as a new attempt', async () => {
    // Prepare: the dispatcher claimed the job, then the process died before the execution started.
    const user = await ApiClient.signIn(server.url, `interrupted-${randomUUID()}`);
    const { body } = await paused(async () => {
      const created = await user.createVideo(SHORT);
      expect(await jobIndex().transition(created.body.id, { status: 'QUEUED' }, { set: { status: 'RUNNING' } })).toBe(true);
      return created;
    });
    expect(await server.starter.status(body.id)).toBe('NOT_FOUND');

    // Act: what the dev server does when it starts
    const report = await server.sweep({ recovery: true });

    // Assess: queued again as attempt 1, dispatched, (fails as images always do here) and refunded once
    expect(report.redriven).toContain(body.id);
    const video = await settled(user, body.id, failedAndRefunded);
    expect(video.attempt).toBe(1);
    expect((await jobStore().get(body.id))!.redrives).toBe(1);
    const { balance, entries } = await user.credits();
    expect(entries.filter((e) => e.kind === 'debit')).toHaveLength(1);
    expect(entries.filter((e) => e.kind === 'refund')).toHaveLength(1);
    expect(balance).toBe(3);
  });

  it('stops, fails and refunds a job that made no progress for too long', async () => {
    // Prepare: a running job whose execution is alive but silent for an hour
    const user = await ApiClient.signIn(server.url, `stuck-${randomUUID()}`);
    const { body } = await paused(async () => {
      const created = await user.createVideo(SHORT);
      await jobIndex().transition(created.body.id, { status: 'QUEUED' }, { set: { status: 'RUNNING', currentStep: 'render' } });
      return created;
    });
    const stopped: string[] = [];
    const alive: PipelineStarter = {
      start: async () => 'started',
      status: async (name): Promise<ExecutionStatus> => (name.startsWith(body.id) ? 'RUNNING' : 'NOT_FOUND'),
      stop: async (name) => void stopped.push(name),
    };
    const anHourLater = { now: () => new Date(Date.now() + 3600_000) };

    // Act
    const report = await sweepJobs(
      { jobs: jobStore(), index: jobIndex(), starter: alive, queue: jobQueue(), credits: creditStore(), clock: anHourLater },
      { queuedRedriveSeconds: 1e9, maxQueuedHours: 1e6, stuckMinutes: 30, runningGraceSeconds: 60, maxRedrives: 3 },
    );

    // Assess
    expect(report.failed).toEqual([body.id]);
    expect(stopped).toEqual([executionName({ jobId: body.id, attempt: 0 })]);
    const job = (await jobStore().get(body.id)) as Job;
    expect(job).toMatchObject({ status: 'FAILED', refunded: true, error: { name: 'JobStuck', step: 'render' } });
    expect(job.steps.render.status).toBe('failed');
    expect((await user.credits()).balance).toBe(3);
  });

  it('fails and refunds a job that could not be started within the queue deadline', async () => {
    const user = await ApiClient.signIn(server.url, `waiter-${randomUUID()}`);
    const { body, report } = await paused(async () => {
      const created = await user.createVideo(SHORT);
      const aDayLater = { now: () => new Date(Date.now() + 25 * 3600_000) };
      const sweep = await sweepJobs(
        { jobs: jobStore(), index: jobIndex(), starter: server.starter, queue: jobQueue(), credits: creditStore(), clock: aDayLater },
        { queuedRedriveSeconds: 300, maxQueuedHours: 24, stuckMinutes: 1e6, runningGraceSeconds: 1e9, maxRedrives: 3 },
      );
      return { body: created.body, report: sweep };
    });
    expect(report.failed).toContain(body.id);
    expect(await jobStore().get(body.id)).toMatchObject({ status: 'FAILED', refunded: true, error: { name: 'QueueTimeout' } });
    expect((await user.credits()).balance).toBe(3);
    expect(imageCalls).toBeGreaterThan(0);
  });
});
