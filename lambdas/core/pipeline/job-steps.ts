import { describeError, PRODUCT_ERROR_NAMES } from '../errors.js';
import { attemptOfExecution, STEP_LABELS, STEPS, type Job, type StepName } from '../job.js';
import type { BlobStore, Clock, CreditStore, JobIndex, JobStore } from '../ports.js';
import type { CaughtError, FailJobEvent, FinalizeJobEvent } from './events.js';

/** What Finalize Job did: `finalized` is false when the job had already ended (or moved to another attempt) without it. */
export interface FinalizeResult {
  outputKey: string;
  finalized: boolean;
}

/**
 * Finalize Job: the video exists; the job is done — but only if it is still RUNNING on the
 * attempt this execution runs (a conditional write). The sweeper may have given up on the job
 * meanwhile (stuck, its execution stopped while this invocation was in flight) and failed and
 * refunded it: then the job stays FAILED and refunded, the file stays where it is (a retry renders
 * it again), and Finalize returns `finalized: false` instead of throwing, so nothing retries it.
 * The refund side is conditional too (DynamoCreditStore.refund: never a SUCCEEDED job), so one of
 * the two wins and a video is never both delivered and refunded.
 */
export async function finalizeJob(
  event: FinalizeJobEvent,
  deps: { jobs: JobStore & Pick<JobIndex, 'transition'>; blobs: BlobStore; clock: Clock },
): Promise<FinalizeResult> {
  const outputKey = event.renderStatus.outputKey ?? event.render.outputKey;
  if (!(await deps.blobs.exists(outputKey))) throw new Error(`The rendered video is missing at ${outputKey}.`);
  const attempt = event.execution !== undefined ? attemptOfExecution(event.execution, event.jobId) : ((await deps.jobs.get(event.jobId))?.attempt ?? 0);
  if (attempt === undefined) return { outputKey, finalized: false }; // not an execution of this job's
  const now = deps.clock.now().toISOString();
  const finalized = await deps.jobs.transition(
    event.jobId,
    { status: 'RUNNING', attempt },
    {
      set: {
        status: 'SUCCEEDED',
        outputKey,
        durationMs: Math.round((event.timeline.durationInFrames * 1000) / event.timeline.fps),
        finishedAt: now,
        ...(event.renderStatus.framesPerSecond ? { renderFps: event.renderStatus.framesPerSecond } : {}),
      },
      // In the same write: a reader never sees the video done and this step still running
      // (the step handler adds its duration just after).
      stepFields: { finalize: { status: 'succeeded', endedAt: now } },
    },
  );
  return { outputKey, finalized };
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

/** The pipeline's own failures (a Pass state in the ASL), readable as they are. */
const PIPELINE_ERROR_NAMES = new Set(['RenderTimeout', 'States.Timeout']);
/** Lambda's name for a function that ran past its timeout. */
export const LAMBDA_TIMEOUT_ERROR = 'Sandbox.Timedout';

/**
 * Whether a caught error was written for people: one of the product's own errors, or one the
 * pipeline names itself. Anything else (Lambda's or Step Functions' own failures, whose causes
 * name functions, roles and accounts) is shown as an internal error with a reference.
 */
export function isReadableFailure(error: CaughtError): boolean {
  return PRODUCT_ERROR_NAMES.has(error.Error) || PIPELINE_ERROR_NAMES.has(error.Error);
}

/**
 * The step that failed: a running step whose recorded error is this one. `currentStep` alone
 * can name the wrong step when the image and voice branches run side by side.
 */
function failedStep(job: Job, message: string): StepName | undefined {
  const erred = STEPS.filter((s) => job.steps[s]?.status === 'running' && job.steps[s]?.error);
  // A step that failed before it could record anything names itself in its error ("… in step "Check script" …").
  const named = STEPS.find((s) => message.includes(`step "${STEP_LABELS[s]}"`));
  return erred.find((s) => job.steps[s]?.error?.includes(message)) ?? named ?? erred[0] ?? job.currentStep;
}

/**
 * Fail Job: the job is marked failed with the step that failed and a readable reason, and the
 * credits it holds go back to the user — in one transaction, guarded by the job's `refunded`
 * flag, so a repeated Fail Job (a Lambda retry) or the sweeper never refunds twice and nobody
 * sees a failed job whose credit has not come back. A job that holds no credits (made by the
 * CLI) is only marked; the mark is conditional on the attempt, so a retry queued meanwhile is
 * never overwritten.
 */
export async function failJob(
  event: FailJobEvent,
  deps: {
    jobs: JobStore;
    clock: Clock;
    credits?: CreditStore;
    index?: JobIndex;
    /** Records an unreadable failure in full (the logs) and returns the reference the job will show. */
    reportInternal?: (error: CaughtError) => string;
  },
): Promise<{ failed: true; refunded: boolean }> {
  const job = await deps.jobs.get(event.jobId);
  if (!job) return { failed: true, refunded: false }; // deleted meanwhile: nothing left to mark
  const suspect = failedStep(job, readableCause(event.error));
  const label = suspect ? STEP_LABELS[suspect] : 'the pipeline';
  const message = isReadableFailure(event.error)
    ? readableCause(event.error)
    : event.error.Error === LAMBDA_TIMEOUT_ERROR
      ? `Step "${label}" took longer than its time limit and was stopped.`
      : `An internal error in step "${label}" (reference ${deps.reportInternal?.(event.error) ?? 'none'}).`;
  if (job.status === 'FAILED') {
    // Already failed (a repeated Fail Job, or a late branch refused to run): keep the first
    // reason; only make sure the credit went back.
    const refunded = deps.credits ? await deps.credits.refund(event.jobId, `Refund: ${job.error?.message ?? message}`) : false;
    return { failed: true, refunded };
  }
  const step = suspect;
  const now = deps.clock.now().toISOString();
  const name = isReadableFailure(event.error) ? event.error.Error : event.error.Error === LAMBDA_TIMEOUT_ERROR ? 'Timeout' : 'InternalError';
  const error = { ...(step ? { step } : {}), name, message: describeError(message) };
  if (step) await deps.jobs.updateStep(event.jobId, step, { status: 'failed', error: message, endedAt: now });
  const refunded = deps.credits ? await deps.credits.refund(event.jobId, `Refund: ${error.message}`, { error }) : false;
  if (!refunded) {
    const details = { status: 'FAILED' as const, finishedAt: now, error };
    if (deps.index) {
      // Not over FAILED: a failure that kept its credits (past the cap of refunds) is marked by the credit store, with why.
      await deps.index.transition(event.jobId, { status: ['QUEUED', 'RUNNING'], attempt: job.attempt ?? 0 }, { set: details });
    } else {
      await deps.jobs.update(event.jobId, details);
    }
  }
  return { failed: true, refunded };
}
