import { describe, expect, it } from 'vitest';
import { newJob, type Job } from '../../lambdas/core/job.js';
import { dispatchJob } from '../../lambdas/core/jobs/dispatch.js';
import { VideoRequestSchema } from '../../lambdas/core/model.js';
import type { JobIndex, JobStore, PipelineStarter } from '../../lambdas/core/ports.js';
import type { ExecutionInput } from '../../lambdas/core/pipeline/events.js';

/** The dispatcher always starts an execution with all four of jobId, request, phase and version. */

async function started(job: Job): Promise<ExecutionInput> {
  const inputs: ExecutionInput[] = [];
  const jobs = { get: async () => job } as unknown as JobStore;
  const index = { listByStatus: async () => [], transition: async () => true } as unknown as JobIndex;
  const starter: PipelineStarter = {
    start: async (_name, input) => {
      inputs.push(input);
      return 'started';
    },
    status: async () => 'RUNNING',
    stop: async () => undefined,
  };
  const outcome = await dispatchJob(job.jobId, {
    jobs,
    index,
    starter,
    queue: { enqueue: async () => undefined },
    clock: { now: () => new Date() },
    maxRunning: 2,
    maxRunningPerUser: 2,
    retryDelaySeconds: 5,
  });
  expect(outcome).toBe('started');
  return inputs[0]!;
}

const at = new Date('2026-12-04T10:00:00Z');

describe('dispatchJob execution input', () => {
  it('starts a plain job for render, version 1', async () => {
    const request = VideoRequestSchema.parse({ prompt: 'Tides', seconds: 10, aspect: '9:16' });
    expect(await started(newJob({ jobId: 'j1', userId: 'u', request, now: at }))).toEqual({ jobId: 'j1', request, phase: 'render', version: 1 });
  });

  it('starts a review request for review when the job names no phase', async () => {
    const request = VideoRequestSchema.parse({ prompt: 'Tides', seconds: 10, aspect: '9:16', review: true });
    expect(await started(newJob({ jobId: 'j2', userId: 'u', request, now: at }))).toMatchObject({ phase: 'review', version: 1 });
  });

  it("follows the job's own phase and version (a render after review, a second version)", async () => {
    const request = VideoRequestSchema.parse({ prompt: 'Tides', seconds: 10, aspect: '9:16', review: true });
    const job = { ...newJob({ jobId: 'j3', userId: 'u', request, now: at }), phase: 'render' as const, version: 2 };
    expect(await started(job)).toEqual({ jobId: 'j3', request, phase: 'render', version: 2 });
  });
});
