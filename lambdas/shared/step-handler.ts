import { describeError, JobStateConflict, NotFound } from '../core/errors.js';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { jobCostUsd, type Job, type StepName } from '../core/job.js';
import type { Clock, JobIndex, JobStore } from '../core/ports.js';
import { METRIC } from '../core/ops/metric-names.js';
import { logger, metrics } from './powertools.js';
import { tracer } from './tracer.js';
import { jobStore, systemClock } from './container.js';

/** Steps whose time is mostly a provider's answer (LLM, images, voice). */
const PROVIDER_STEPS = new Set<StepName>(['script', 'images', 'voice']);

/** A metric with the step as its dimension, written at once (its dimension must not leak into others). */
function stepMetric(step: StepName, name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): void {
  const single = metrics.singleMetric();
  single.addDimension('step', step);
  single.addMetric(name, unit, value);
}

/** Per-job figures, when Finalize has marked the job succeeded. */
export function jobMetrics(job: Job): void {
  metrics.addMetric(METRIC.jobsSucceeded, MetricUnit.Count, 1);
  const start = Date.parse(job.startedAt ?? job.createdAt);
  const end = Date.parse(job.finishedAt ?? job.updatedAt);
  if (Number.isFinite(start) && Number.isFinite(end) && end >= start) metrics.addMetric(METRIC.jobDuration, MetricUnit.Milliseconds, end - start);
  metrics.addMetric(METRIC.jobCostUsd, MetricUnit.NoUnit, jobCostUsd({ cost: job.cost ?? {} }));
  if (job.renderFps) metrics.addMetric(METRIC.renderFps, MetricUnit.CountPerSecond, job.renderFps);
}

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
      // Conditional too: a Fail Job landing since the read above keeps the step as it left it.
      const state = await jobs.updateStep(event.jobId, step, { status: 'running', startedAt, addAttempt: true, whileActive: true });
      tracer.putAnnotation('jobId', event.jobId);
      tracer.putAnnotation('step', step);
      if ((state.attempts ?? 1) > 1) stepMetric(step, METRIC.stepRetries, MetricUnit.Count, 1);
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
        stepMetric(step, METRIC.stepFailures, MetricUnit.Count, 1);
        if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
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
        const ms = end.getTime() - Date.parse(startedAt);
        stepMetric(step, METRIC.stepDuration, MetricUnit.Milliseconds, ms);
        if (PROVIDER_STEPS.has(step)) stepMetric(step, METRIC.providerLatency, MetricUnit.Milliseconds, ms);
        if (step === 'finalize') {
          const job = await jobs.get(event.jobId);
          if (job) jobMetrics(job);
        }
      }
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      return result;
    }
  };
}
