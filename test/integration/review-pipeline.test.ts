import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProceduralImageGenerator } from '../../lambdas/adapters/offline/procedural-image-generator.js';
import { EspeakSpeechSynthesizer } from '../../lambdas/adapters/offline/espeak-speech.js';
import { executionName, newJob, type Job } from '../../lambdas/core/job.js';
import { requeueForRender, requeueForReview } from '../../lambdas/core/jobs/review.js';
import { sweepJobs } from '../../lambdas/core/jobs/sweep.js';
import { VideoRequestSchema, type Script } from '../../lambdas/core/model.js';
import type { PipelineStarter } from '../../lambdas/core/ports.js';
import { previewKey, type PreviewPlan } from '../../lambdas/core/video-props.js';
import { STEP_FUNCTIONS } from '../../lambdas/steps/registry.js';
import { startLocalRuntime, type LocalRuntime } from '../../lib/local/runtime.js';

/**
 * Review before render on the local runtime with the offline providers: a `review` job stops in
 * REVIEW with its preview; an edit runs the pipeline again and makes only what changed (the
 * image and voice providers' calls are counted on their classes); a render then finishes it, and
 * a second version lands under v2/. The sweeper expires a review left too long.
 */

let runtime: LocalRuntime;
let dataDir: string;
// Every call of the offline providers, whichever function's module made it.
const draw = vi.spyOn(ProceduralImageGenerator.prototype, 'generate');
const speak = vi.spyOn(EspeakSpeechSynthesizer.prototype, 'synthesize');

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ai-shorts-review-'));
  const states = STEP_FUNCTIONS.flatMap((fn) => fn.states);
  runtime = await startLocalRuntime({
    dataDir,
    inMemory: true,
    quiet: true,
    runner: { waitTimeOverrides: { 'Wait for Render': 250 }, retryIntervalOverrides: Object.fromEntries(states.map((s) => [s, 20])) },
  });
}, 180_000);

afterAll(async () => {
  await runtime?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** Runs the job's current attempt as the dispatcher would start it. */
async function runAttempt(jobId: string): Promise<{ job: Job; error?: unknown }> {
  const before = (await runtime.jobs.get(jobId))!;
  const input = { jobId, request: before.request, phase: before.phase ?? (before.request.review ? 'review' : 'render'), version: before.version ?? 1 };
  let error: unknown;
  await runtime.runner.start(executionName(before), input).result.catch((e: unknown) => (error = e));
  return { job: (await runtime.jobs.get(jobId))!, error };
}

async function readPlan(jobId: string): Promise<PreviewPlan> {
  return JSON.parse(new TextDecoder().decode(await runtime.blobs.get(previewKey(jobId)))) as PreviewPlan;
}

describe('review before render', () => {
  const jobId = `review-${Math.random().toString(36).slice(2, 10)}`;
  let sceneCount = 0;

  it('stops a review job in REVIEW with its preview written and render/finalize pending', async () => {
    // Prepare
    const request = VideoRequestSchema.parse({ prompt: 'Why octopuses have three hearts', seconds: 10, aspect: '9:16', review: true });
    await runtime.jobs.create({ ...newJob({ jobId, userId: 'reviewer', request, now: new Date() }), phase: 'review' });
    draw.mockClear();
    speak.mockClear();

    // Act
    const { job, error } = await runAttempt(jobId);

    // Assess
    expect(error).toBeUndefined();
    expect(job.status).toBe('REVIEW');
    sceneCount = job.sceneCount!;
    expect(sceneCount).toBeGreaterThanOrEqual(3);
    expect(job.steps.render.status).toBe('pending');
    expect(job.steps.finalize.status).toBe('pending');
    expect(job.steps.duration.status).toBe('succeeded');
    expect(job.outputKey).toBeUndefined();
    expect(Date.parse(job.reviewExpiresAt!) - Date.now()).toBeGreaterThan(167 * 3600_000);
    expect(job.durationMs).toBeGreaterThan(0);
    const plan = await readPlan(jobId);
    expect(plan.scenes).toHaveLength(sceneCount);
    expect(job.thumbnailKey).toBe(plan.scenes[0]!.imageKey);
    // Each scene drawn once, each voice segment (hook and every narration) spoken once.
    expect(draw).toHaveBeenCalledTimes(sceneCount);
    expect(speak).toHaveBeenCalledTimes(sceneCount + 1);
    expect(job.steps.voice).toMatchObject({ total: sceneCount + 1, done: sceneCount + 1, reused: 0 });
  }, 180_000);

  it('makes again only what an edit changed: one picture, one voice segment', async () => {
    // Prepare: scene 2 says something new, scene 3 gets a new seed.
    const job = (await runtime.jobs.get(jobId))!;
    const script = structuredClone(job.script!) as Script;
    script.scenes[1]!.narration = 'Two hearts pump blood past the gills, and a third one serves the body.';
    script.scenes[2]!.seed = 4242;
    const requeue = requeueForReview(job, script, new Date());
    expect(await runtime.jobs.transition(jobId, requeue.expected, requeue.change)).toBe(true);
    const queued = (await runtime.jobs.get(jobId))!;
    expect(queued).toMatchObject({ status: 'QUEUED', phase: 'review', attempt: 1, revision: 1 });
    expect(queued.steps.images.status).toBe('pending');
    draw.mockClear();
    speak.mockClear();

    // Act
    const { job: after, error } = await runAttempt(jobId);

    // Assess
    expect(error).toBeUndefined();
    expect(after.status).toBe('REVIEW');
    expect(draw).toHaveBeenCalledTimes(1);
    expect(draw.mock.calls[0]![0].seed).toBe(4242);
    expect(speak).toHaveBeenCalledTimes(1);
    expect(speak.mock.calls[0]![0].text).toBe(script.scenes[1]!.narration);
    expect(after.steps.images).toMatchObject({ status: 'succeeded', done: sceneCount, reused: sceneCount - 1 });
    expect(after.steps.voice).toMatchObject({ status: 'succeeded', total: sceneCount + 1, done: sceneCount + 1, reused: sceneCount });
    expect(after.script!.scenes[2]!.seed).toBe(4242);
    // The preview follows the edit: the new words are in its captions.
    const plan = await readPlan(jobId);
    const words = plan.captions.flatMap((page) => page.tokens.map((t) => t.text)).join(' ');
    expect(words).toMatch(/gills/);
  }, 180_000);

  it('renders from the storyboard without making anything again, then a second version under v2/', async () => {
    // Prepare
    const job = (await runtime.jobs.get(jobId))!;
    const render = requeueForRender(job, new Date());
    expect(await runtime.jobs.transition(jobId, render.expected, render.change)).toBe(true);
    draw.mockClear();
    speak.mockClear();

    // Act
    const { job: rendered, error } = await runAttempt(jobId);

    // Assess
    expect(error).toBeUndefined();
    expect(rendered.status).toBe('SUCCEEDED');
    expect(rendered.outputKey).toMatch(new RegExp(`^videos/${jobId}/[^/]+\\.mp4$`));
    expect(await runtime.blobs.exists(rendered.outputKey!)).toBe(true);
    expect(draw).not.toHaveBeenCalled();
    expect(speak).not.toHaveBeenCalled();
    expect(rendered.steps.images.reused).toBe(sceneCount);

    // Act: reopened (as POST /reopen leaves it) and rendered again.
    const reopened = await runtime.jobs.transition(
      jobId,
      { status: 'SUCCEEDED', attempt: rendered.attempt ?? 0 },
      {
        set: {
          status: 'REVIEW',
          phase: 'review',
          version: 2,
          versions: [{ version: 1, outputKey: rendered.outputKey!, finishedAt: rendered.finishedAt! }],
          reviewExpiresAt: new Date(Date.now() + 3600_000).toISOString(),
        },
        remove: ['outputKey'],
      },
    );
    expect(reopened).toBe(true);
    const again = requeueForRender((await runtime.jobs.get(jobId))!, new Date());
    expect(await runtime.jobs.transition(jobId, again.expected, again.change)).toBe(true);
    const { job: second, error: secondError } = await runAttempt(jobId);

    // Assess
    expect(secondError).toBeUndefined();
    expect(second.status).toBe('SUCCEEDED');
    expect(second.outputKey).toMatch(new RegExp(`^videos/${jobId}/v2/[^/]+\\.mp4$`));
    expect(await runtime.blobs.exists(second.outputKey!)).toBe(true);
    expect(await runtime.blobs.exists(rendered.outputKey!)).toBe(true);
  }, 300_000);

  it('expires a review left past its time, and leaves a fresh one alone', async () => {
    // Prepare
    const request = VideoRequestSchema.parse({ prompt: 'Left waiting', seconds: 10, aspect: '1:1', review: true });
    const at = new Date();
    const stale = { ...newJob({ jobId: `stale-${Date.now()}`, userId: 'reviewer', request, now: at }), status: 'REVIEW' as const, reviewExpiresAt: new Date(at.getTime() - 1000).toISOString() };
    const fresh = { ...newJob({ jobId: `fresh-${Date.now()}`, userId: 'reviewer', request, now: at }), status: 'REVIEW' as const, reviewExpiresAt: new Date(at.getTime() + 3600_000).toISOString() };
    await runtime.jobs.create(stale);
    await runtime.jobs.create(fresh);
    const starter: PipelineStarter = { start: async () => 'started', status: async () => 'NOT_FOUND', stop: async () => undefined };

    // Act
    const report = await sweepJobs(
      { jobs: runtime.jobs, index: runtime.jobs, starter, queue: { enqueue: async () => undefined }, credits: runtime.credits, clock: { now: () => new Date() } },
      { queuedRedriveSeconds: 1e9, maxQueuedHours: 1e6, stuckMinutes: 1e6, runningGraceSeconds: 1e9, maxRedrives: 3 },
    );

    // Assess
    expect(report.expired).toContain(stale.jobId);
    expect(report.expired).not.toContain(fresh.jobId);
    expect(await runtime.jobs.get(stale.jobId)).toMatchObject({ status: 'EXPIRED' });
    expect(await runtime.jobs.get(fresh.jobId)).toMatchObject({ status: 'REVIEW' });
  });
});
