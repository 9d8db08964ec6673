import { describeError } from '../errors.js';
import type { StepName } from '../job.js';
import type { BlobStore, Clock, JobStore } from '../ports.js';
import type { CaughtError, FailJobEvent, FinalizeJobEvent } from './events.js';

/** Finalize Job: the video exists; the job is done. */
export async function finalizeJob(
  event: FinalizeJobEvent,
  deps: { jobs: JobStore; blobs: BlobStore; clock: Clock },
): Promise<{ outputKey: string }> {
  const outputKey = event.renderStatus.outputKey ?? event.render.outputKey;
  if (!(await deps.blobs.exists(outputKey))) throw new Error(`The rendered video is missing at ${outputKey}.`);
  const now = deps.clock.now().toISOString();
  await deps.jobs.update(event.jobId, {
    status: 'SUCCEEDED',
    outputKey,
    durationMs: Math.round((event.timeline.durationInFrames * 1000) / event.timeline.fps),
    finishedAt: now,
    ...(event.renderStatus.framesPerSecond ? { renderFps: event.renderStatus.framesPerSecond } : {}),
  });
  return { outputKey };
}

/**
 * What a person should read for a caught error. AWS wraps a Lambda's error as a JSON `Cause`
 * (`{"errorType","errorMessage",…}`); the local runner passes the message itself.
 */
export function readableCause(error: CaughtError): string {
  const cause = error.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string' && parsed.errorMessage) return parsed.errorMessage;
  } catch {
    // not JSON: the cause is the message
  }
  if (cause) return cause;
  if (error.Error === 'States.Timeout') return 'A step took too long and was stopped.';
  return `The pipeline stopped with ${error.Error}.`;
}

/** Fail Job: the job is marked failed with the step that failed and a readable reason. */
export async function failJob(event: FailJobEvent, deps: { jobs: JobStore; clock: Clock }): Promise<{ failed: true }> {
  const job = await deps.jobs.get(event.jobId);
  const step: StepName | undefined = job?.currentStep;
  const message = readableCause(event.error);
  if (step) await deps.jobs.updateStep(event.jobId, step, { status: 'failed', error: message, endedAt: deps.clock.now().toISOString() });
  await deps.jobs.update(event.jobId, {
    status: 'FAILED',
    finishedAt: deps.clock.now().toISOString(),
    error: { ...(step ? { step } : {}), name: event.error.Error, message: describeError(message) },
  });
  return { failed: true };
}
