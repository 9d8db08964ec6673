import { randomUUID } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { newJob, type Job } from '../../lambdas/core/job.js';
import { executionInput } from '../../lambdas/core/jobs/dispatch.js';
import type { VideoRequest } from '../../lambdas/core/model.js';
import { LOCAL_CLI_USER } from './api-session.js';
import type { LocalRuntime } from './runtime.js';

export interface GenerateResult {
  job: Job;
  outputPath: string;
  bytes: number;
}

/** A `review` video stopped before its render: the job in REVIEW, nothing written. */
export interface ReviewResult {
  job: Job;
}

/**
 * Makes one video on the local runtime the way the cloud does: a job record, an execution of
 * the pipeline ASL named after the job, progress read back from the job record.
 */
export async function generateVideo(
  runtime: LocalRuntime,
  input: { request: VideoRequest; outputPath: string; userId?: string; onProgress?: (job: Job) => void; pollMs?: number },
): Promise<GenerateResult>;
/** With `request.review`: the pipeline stops once the storyboard's pictures, voice and captions exist (REVIEW). */
export async function generateVideo(
  runtime: LocalRuntime,
  input: { request: VideoRequest & { review: true }; outputPath?: string; userId?: string; onProgress?: (job: Job) => void; pollMs?: number },
): Promise<ReviewResult>;
export async function generateVideo(
  runtime: LocalRuntime,
  input: { request: VideoRequest; outputPath?: string; userId?: string; onProgress?: (job: Job) => void; pollMs?: number },
): Promise<GenerateResult | ReviewResult> {
  const jobId = randomUUID();
  const phase = input.request.review ? 'review' : 'render';
  const created = { ...newJob({ jobId, userId: input.userId ?? LOCAL_CLI_USER, request: input.request, now: new Date() }), phase } as const;
  await runtime.jobs.create(created);
  // The dispatcher's input, all four fields: a job in the review phase stops in REVIEW.
  const execution = runtime.runner.start(jobId, { ...executionInput(created) });

  let settled = false;
  const outcome = execution.result.then(
    () => undefined,
    (error: unknown) => error,
  );
  outcome.finally(() => (settled = true));
  while (!settled) {
    const job = await runtime.jobs.get(jobId);
    if (job) input.onProgress?.(job);
    await Promise.race([outcome, new Promise((resolve) => setTimeout(resolve, input.pollMs ?? 300))]);
  }
  const executionError = await outcome;
  const job = await runtime.jobs.get(jobId);
  if (!job) throw new Error(`Job ${jobId} vanished from the job store.`);
  input.onProgress?.(job);
  if (phase === 'review' && job.status === 'REVIEW') return { job };
  if (job.status !== 'SUCCEEDED' || !job.outputKey || input.outputPath === undefined) {
    const reason = job.error?.message ?? (executionError instanceof Error ? executionError.message : 'the pipeline stopped');
    throw new JobFailedError(job, reason);
  }

  // Write beside the target, then rename: a reader never sees a half-written MP4.
  const bytes = await runtime.blobs.get(job.outputKey);
  const partial = `${input.outputPath}.${process.pid}.partial`;
  try {
    await writeFile(partial, bytes);
    await rename(partial, input.outputPath);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { job, outputPath: input.outputPath, bytes: bytes.byteLength };
}

export class JobFailedError extends Error {
  constructor(
    readonly job: Job,
    reason: string,
  ) {
    super(`The video could not be made${job.error?.step ? ` (step "${job.error.step}")` : ''}: ${reason}`);
    this.name = 'JobFailedError';
  }
}
