import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SynthMusicGenerator } from '../../lambdas/adapters/offline/music-synth.js';
import { executionName, newJob, type Job } from '../../lambdas/core/job.js';
import { VideoRequestSchema } from '../../lambdas/core/model.js';
import { STEP_FUNCTIONS } from '../../lambdas/steps/registry.js';
import { startLocalRuntime, type LocalRuntime } from '../../lib/local/runtime.js';

/**
 * Generate Music on the local runtime with the offline providers, under the stack's grants: a
 * `calm` review job (it stops before the render) gets a bed under assets/music/; the job run again
 * finds it and composes nothing (the synth's calls are counted on its class).
 */

let runtime: LocalRuntime;
let dataDir: string;
const compose = vi.spyOn(SynthMusicGenerator.prototype, 'compose');

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'ai-shorts-music-'));
  const states = STEP_FUNCTIONS.flatMap((fn) => fn.states);
  runtime = await startLocalRuntime({ dataDir, inMemory: true, quiet: true, runner: { retryIntervalOverrides: Object.fromEntries(states.map((s) => [s, 20])) } });
}, 600_000);

afterAll(async () => {
  await runtime?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function runAttempt(jobId: string): Promise<Job> {
  const before = (await runtime.jobs.get(jobId))!;
  const input = { jobId, request: before.request, phase: 'review' as const, version: 1 };
  await runtime.runner.start(executionName(before), input).result.catch(() => undefined);
  return (await runtime.jobs.get(jobId))!;
}

describe('Generate Music in the pipeline', () => {
  it('makes a calm bed for a video, and a second run of the job reuses it', async () => {
    const jobId = `music-${Math.random().toString(36).slice(2, 10)}`;
    const request = VideoRequestSchema.parse({ prompt: 'Why the sea is salty', seconds: 10, aspect: '1:1', music: 'calm', review: true });
    await runtime.jobs.create({ ...newJob({ jobId, userId: 'music-user', request, now: new Date() }), phase: 'review' });

    const first = await runAttempt(jobId);
    expect(first.steps.music, JSON.stringify(first.error)).toMatchObject({ status: 'succeeded', total: 1, done: 1, reused: 0 });
    expect(compose).toHaveBeenCalledTimes(1);
    const beds = (await runtime.blobs.list('assets/music/')).filter((key) => key.endsWith('.wav'));
    expect(beds).toHaveLength(1);
    const wav = await runtime.blobs.get(beds[0]!);
    expect(new TextDecoder().decode(wav.subarray(8, 12))).toBe('WAVE');
    // 10 s × 1.25 + 4 s of 44.1 kHz stereo 16-bit.
    expect(wav.byteLength).toBeGreaterThan(16.4 * 44_100 * 4);

    // A retry: the job back in the queue as its next attempt.
    expect(await runtime.jobs.transition(jobId, { status: ['REVIEW', 'FAILED', 'RUNNING', 'QUEUED'] }, { set: { status: 'QUEUED' }, increment: { attempt: 1 } })).toBe(true);
    const again = await runAttempt(jobId);
    expect(again.steps.music).toMatchObject({ status: 'succeeded', reused: 1 });
    expect(compose).toHaveBeenCalledTimes(1);
  }, 240_000);
});
