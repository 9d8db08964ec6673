import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderRejected, ProviderUnavailable } from '../../lambdas/core/errors.js';
import { newJob, STEPS, type Job, type StepName } from '../../lambdas/core/job.js';
import { VideoRequestSchema } from '../../lambdas/core/model.js';
import { presignPlan, previewKey } from '../../lambdas/core/video-props.js';
import { startLocalRuntime, type LocalRuntime } from '../../lib/local/runtime.js';
import type { StandIn } from '../../lib/local/function-host.js';
import { STEP_FUNCTIONS } from '../../lambdas/steps/registry.js';
import { stepDeps, stepHandler } from '../../lambdas/shared/step-handler.js';

const run = promisify(execFile);

/**
 * The pipeline ASL's paths through the local runtime, with the real functions (each under its
 * own environment and IAM policy from the synthesized template), DynamoDB Local and the local S3
 * server: happy path, a transient failure retried, a permanent failure, a render that hangs.
 */

const STEP_OF_STATE: Record<string, StepName> = {
  'Generate Script': 'script',
  'Parse Script': 'parse',
  'Generate Image': 'images',
  'Generate Voice': 'voice',
  'Build Captions': 'captions',
  'Compute Duration': 'duration',
  'Start Render': 'render',
  'Check Render': 'render',
  'Finalize Job': 'finalize',
};

let runtime: LocalRuntime;
let dataDir: string;
const calls: Record<string, number> = {};
/** Per-state failures to inject: a function deciding, per call, what to throw. */
const faults: Record<string, (call: number, input: any) => Error | undefined> = {};
/** Per-state stand-ins, for paths the real providers cannot be made to take (a render that hangs). */
const standIns: Record<string, StandIn> = {};

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ai-shorts-pipeline-'));
  const states = STEP_FUNCTIONS.flatMap((fn) => fn.states);
  const handlers: Record<string, StandIn> = {};
  for (const state of states) {
    handlers[state] = async (input, ctx) => {
      calls[state] = (calls[state] ?? 0) + 1;
      const fault = faults[state]?.(calls[state], input);
      // A fault is thrown from inside the step's tracked handler, as a failing provider would, in the function's own environment.
      if (fault) return stepHandler(await stepDeps(ctx.dependencies()), { step: STEP_OF_STATE[state]! }, async () => Promise.reject(fault))(input);
      return (standIns[state] ?? ((event, c) => c.handler(event, c.context)))(input, ctx);
    };
  }
  runtime = await startLocalRuntime({
    dataDir,
    inMemory: true,
    quiet: true,
    runner: {
      handlers,
      waitTimeOverrides: { 'Wait for Render': 250 },
      retryIntervalOverrides: Object.fromEntries(states.map((s) => [s, 20])),
    },
  });
});

afterAll(async () => {
  await runtime?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function runJob(prompt: string, seconds = 10): Promise<{ job: Job; error?: unknown }> {
  const jobId = `job-${Math.random().toString(36).slice(2, 10)}`;
  const request = VideoRequestSchema.parse({ prompt, seconds, aspect: '9:16' });
  await runtime.jobs.create(newJob({ jobId, userId: 'tester', request, now: new Date() }));
  let error: unknown;
  await runtime.runner.start(jobId, { jobId, request }).result.catch((e: unknown) => (error = e));
  const job = await runtime.jobs.get(jobId);
  return { job: job!, error };
}

async function ffprobe(file: string) {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file]);
  return JSON.parse(stdout) as { format: { duration: string }; streams: { codec_type: string; codec_name: string; width?: number; height?: number }[] };
}

describe('the video pipeline on the local runtime', () => {
  it('turns a prompt into an MP4, recording every step on the job', async () => {
    // Act
    const { job, error } = await runJob('How honeybees talk to each other');

    // Assess
    expect(error).toBeUndefined();
    expect(job.status).toBe('SUCCEEDED');
    expect(job.outputKey).toMatch(/^videos\/.+\.mp4$/);
    for (const step of STEPS) {
      expect(job.steps[step].status, step).toBe('succeeded');
      expect(job.steps[step].durationMs, step).toBeGreaterThanOrEqual(0);
    }
    expect(job.steps.images.done).toBe(job.sceneCount);
    expect(job.sceneCount).toBeGreaterThanOrEqual(4);
    expect(job.title).toBeTruthy();

    // The plan the dashboard previews from is kept beside the video, and presigns to valid props.
    const plan = JSON.parse(new TextDecoder().decode(await runtime.blobs.get(previewKey(job.jobId))));
    const preview = await presignPlan(plan, (key) => runtime.blobs.presignGet(key));
    expect(preview.scenes).toHaveLength(job.sceneCount!);
    expect(Math.abs(preview.durationInFrames - (job.durationMs! * preview.fps) / 1000)).toBeLessThan(1);
    expect((await fetch(preview.audioUrl)).ok).toBe(true);

    const file = path.join(dataDir, 'out.mp4');
    await writeFile(file, await runtime.blobs.get(job.outputKey!));
    const probe = await ffprobe(file);
    const video = probe.streams.find((s) => s.codec_type === 'video');
    expect(video).toMatchObject({ codec_name: 'h264', width: 1080, height: 1920 });
    expect(probe.streams.find((s) => s.codec_type === 'audio')?.codec_name).toBe('aac');
    expect(Math.abs(Number(probe.format.duration) - job.durationMs! / 1000)).toBeLessThan(0.1);
  });

  it('retries a transient provider failure with backoff, then succeeds', async () => {
    // Prepare: the voice provider is unavailable twice; the render poll fails once.
    faults['Generate Voice'] = (call) => (call <= 2 ? new ProviderUnavailable('ElevenLabs answered 503') : undefined);
    faults['Check Render'] = (call) => (call === 1 ? new ProviderUnavailable('Lambda throttled') : undefined);
    calls['Generate Voice'] = 0;
    calls['Check Render'] = 0;

    // Act
    const { job, error } = await runJob('The history of the paperclip');

    // Assess
    delete faults['Generate Voice'];
    delete faults['Check Render'];
    expect(error).toBeUndefined();
    expect(job.status).toBe('SUCCEEDED');
    expect(calls['Generate Voice']).toBe(3);
    expect(job.steps.voice.attempts).toBe(3);
    expect(job.steps.voice.status).toBe('succeeded');
  });

  it('ends a permanent failure in Fail Job, with the job failed and its reason kept', async () => {
    // Prepare: the image provider refuses the request.
    faults['Generate Image'] = () => new ProviderRejected('Replicate refused the prompt: it violates the content policy (422).');
    calls['Generate Image'] = 0;
    calls['Fail Job'] = 0;

    // Act
    const { job, error } = await runJob('A calm walk through a pine forest');

    // Assess
    delete faults['Generate Image'];
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/its record holds the reason/);
    expect(job.status).toBe('FAILED');
    expect(job.error).toMatchObject({ name: 'ProviderRejected', step: 'images' });
    expect(job.error?.message).toContain('violates the content policy');
    expect(job.steps.images.status).toBe('failed');
    expect(job.steps.render.status).toBe('pending');
    expect(calls['Fail Job']).toBe(1);
    // A permanent error is not retried.
    expect(calls['Generate Image']).toBeLessThanOrEqual(job.sceneCount!);
  });

  it('fails a job whose render never finishes, through the Choice loop timeout', async () => {
    // Prepare: a render that is accepted but never progresses.
    const tracked = { step: 'render' as const, finishes: () => false };
    standIns['Start Render'] = async (input, ctx) =>
      stepHandler(await stepDeps(ctx.dependencies()), tracked, async () => ({
        renderId: 'hung',
        outputKey: 'videos/hung.mp4',
        startedAt: new Date().toISOString(),
        timeoutSeconds: 1,
      }))(input);
    standIns['Check Render'] = async (input, ctx) =>
      stepHandler(await stepDeps(ctx.dependencies()), tracked, async (event: { jobId: string; startedAt: string; timeoutSeconds: number }) => ({
        done: false,
        progress: 0.1,
        timedOut: Date.now() - Date.parse(event.startedAt) > event.timeoutSeconds * 1000,
      }))(input);

    // Act
    const { job, error } = await runJob('Why the sky is blue');

    // Assess
    delete standIns['Start Render'];
    delete standIns['Check Render'];
    expect(error).toBeInstanceOf(Error);
    expect(job.status).toBe('FAILED');
    expect(job.error).toMatchObject({ name: 'RenderTimeout', step: 'render' });
    expect(job.error?.message).toMatch(/did not finish in time/);
  });
});
