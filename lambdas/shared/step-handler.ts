import { describeError, JobStateConflict, NotFound } from '../core/errors.js';
import type { StepName } from '../core/job.js';
import type { Clock, JobIndex, JobStore } from '../core/ports.js';
import { logger } from './powertools.js';
import { jobStore, systemClock } from './container.js';

export interface StepTracking<R> {
  step: StepName;
  /**
   * Whether this invocation finished the step. Single-shot steps always do; a Map iteration
   * finishes "images" only when the last scene is drawn; Check Render only when the render is done.
   */
  finishes?: (result: R, deps: { jobs: JobStore; jobId: string }) => Promise<boolean> | boolean;
}

/**
 * Wraps a step's logic into a Lambda handler that records the step on the job record —
 * running, attempts, duration, the last error — so users and operators see progress.
 * Retries and failure routing stay in the state machine.
 */
export function stepHandler<E extends { jobId: string }, R>(
  tracking: StepTracking<R>,
  run: (event: E) => Promise<R>,
  deps: { jobs: () => JobStore & Pick<JobIndex, 'transition'>; clock: Clock } = { jobs: jobStore, clock: systemClock },
): (event: E) => Promise<R> {
  const { step } = tracking;
  return async (event: E) => {
    const jobs = deps.jobs();
    // A child per invocation: locally, concurrent handlers share one process and one logger.
    const log = logger.createChild({ persistentKeys: { jobId: event.jobId, step } });
    {
      const job = await jobs.get(event.jobId);
      if (!job) throw new NotFound(`Job ${event.jobId} does not exist (it may have been deleted).`);
      // A branch or Map iteration still starting after the job failed must not revive it.
      if (job.status === 'FAILED' || job.status === 'SUCCEEDED') {
        throw new JobStateConflict(`Job ${event.jobId} has already ${job.status.toLowerCase()}; step ${step} was not run.`);
      }
      const now = deps.clock.now();
      const startedAt = job.steps[step]?.startedAt ?? now.toISOString();
      await jobs.updateStep(event.jobId, step, { status: 'running', startedAt, addAttempt: true });
      if (job.status !== 'RUNNING' || job.currentStep !== step) {
        // Conditional: a Fail Job that lands between our read and this write wins.
        const moved = await jobs.transition(
          event.jobId,
          { status: ['QUEUED', 'RUNNING'], attempt: job.attempt ?? 0 },
          { set: { status: 'RUNNING', currentStep: step, startedAt: job.startedAt ?? now.toISOString() } },
        );
        if (!moved) throw new JobStateConflict(`Job ${event.jobId} ended or was retried while step ${step} was starting.`);
      }
      let result: R;
      try {
        result = await run(event);
      } catch (error) {
        log.warn('step failed', { error: error as Error });
        await jobs.updateStep(event.jobId, step, { error: `${(error as Error).name ?? 'Error'}: ${describeError(error)}` });
        throw error;
      }
      const finished = tracking.finishes ? await tracking.finishes(result, { jobs, jobId: event.jobId }) : true;
      if (finished) {
        const end = deps.clock.now();
        await jobs.updateStep(event.jobId, step, {
          status: 'succeeded',
          endedAt: end.toISOString(),
          durationMs: end.getTime() - Date.parse(startedAt),
          error: null,
        });
      }
      return result;
    }
  };
}
