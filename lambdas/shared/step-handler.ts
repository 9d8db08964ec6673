import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { Logger } from '@aws-lambda-powertools/logger';
import { JobStateConflict, NotFound } from '../core/errors.js';
import { jobCostUsd, STEP_LABELS, type Job, type StepName } from '../core/job.js';
import type { Clock, JobIndex, JobStore } from '../core/ports.js';
import { METRIC } from '../core/ops/metric-names.js';
import type { Dependencies, StepTracer } from './dependencies.js';
import { systemClock } from './dependencies.js';
import { userFacingError } from './internal-errors.js';

/** Steps whose time is mostly a provider's answer (LLM, images, voice). */
const PROVIDER_STEPS = new Set<StepName>(['script', 'images', 'voice', 'music']);

/** What a tracked step needs besides its own logic. */
export interface StepDeps {
  jobs: JobStore & Pick<JobIndex, 'transition'>;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  tracer: StepTracer;
}

/** A step function's {@link StepDeps}, from its composition root. */
export async function stepDeps(deps: Dependencies): Promise<StepDeps> {
  const { logger, metrics } = deps.observability();
  return { jobs: deps.jobStore(), clock: systemClock, logger, metrics, tracer: await deps.tracer() };
}

/** A metric with the step as its dimension, written at once (its dimension must not leak into others). */
function stepMetric(metrics: Metrics, step: StepName, name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): void {
  const single = metrics.singleMetric();
  single.addDimension('step', step);
  single.addMetric(name, unit, value);
}

/** Per-job figures, when Finalize has marked the job succeeded. */
export function jobMetrics(metrics: Metrics, job: Job): void {
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
 * Retries and failure routing stay in the state machine. An error that is not one of the
 * product's own (an AWS SDK error such as AccessDenied, a bug) reaches the job and the state
 * machine as "an internal error in step X (reference R)"; its detail is logged with R.
 */
export function stepHandler<E extends { jobId: string }, R>(
  deps: StepDeps,
  tracking: StepTracking<R>,
  run: (event: E) => Promise<R>,
): (event: E) => Promise<R> {
  const { step } = tracking;
  const { jobs, clock, metrics, tracer } = deps;
  return async (event: E) => {
    // A child per invocation: concurrent invocations (locally, one process) share the function's logger.
    const log = deps.logger.createChild({ persistentKeys: { jobId: event.jobId, step } });
    try {
      return await tracked(event, log);
    } catch (thrown) {
      // Whatever failed — the step's logic, or recording it (an AWS call refused) — reaches the job and the state machine readable.
      throw userFacingError(thrown, STEP_LABELS[step], log);
    }
  };

  async function tracked(event: E, log: Logger): Promise<R> {
    const job = await jobs.get(event.jobId);
    if (!job) throw new NotFound(`Job ${event.jobId} does not exist (it may have been deleted).`);
    // A branch or Map iteration still starting after the job failed must not revive it.
    if (job.status === 'FAILED' || job.status === 'SUCCEEDED') {
      throw new JobStateConflict(`Job ${event.jobId} has already ${job.status.toLowerCase()}; step ${step} was not run.`);
    }
    const now = clock.now();
    const startedAt = job.steps[step]?.startedAt ?? now.toISOString();
    // Conditional too: a Fail Job landing since the read above keeps the step as it left it.
    const state = await jobs.updateStep(event.jobId, step, { status: 'running', startedAt, addAttempt: true, whileActive: true });
    tracer.putAnnotation('jobId', event.jobId);
    tracer.putAnnotation('step', step);
    if ((state.attempts ?? 1) > 1) stepMetric(metrics, step, METRIC.stepRetries, MetricUnit.Count, 1);
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
    } catch (thrown) {
      const error = userFacingError(thrown, STEP_LABELS[step], log);
      log.warn('step failed', { error });
      stepMetric(metrics, step, METRIC.stepFailures, MetricUnit.Count, 1);
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      await jobs.updateStep(event.jobId, step, { error: `${error.name}: ${error.message}` });
      throw error;
    }
    const finished = tracking.finishes ? await tracking.finishes(result, { jobs, jobId: event.jobId }) : true;
    if (finished) {
      const end = clock.now();
      const ms = end.getTime() - Date.parse(startedAt);
      await jobs.updateStep(event.jobId, step, { status: 'succeeded', endedAt: end.toISOString(), durationMs: ms, error: null });
      stepMetric(metrics, step, METRIC.stepDuration, MetricUnit.Milliseconds, ms);
      if (PROVIDER_STEPS.has(step)) stepMetric(metrics, step, METRIC.providerLatency, MetricUnit.Milliseconds, ms);
      if (step === 'finalize') {
        const done = await jobs.get(event.jobId);
        if (done) jobMetrics(metrics, done);
      }
    }
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    return result;
  }
}
