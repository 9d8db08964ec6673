import { executionName } from '../job.js';
import type { Clock, JobIndex, JobQueue, JobStore, PipelineStarter } from '../ports.js';

export interface DispatchDeps {
  jobs: JobStore;
  index: JobIndex;
  starter: PipelineStarter;
  queue: JobQueue;
  clock: Clock;
  /** Pipelines allowed at once; 0 pauses dispatching. */
  maxRunning: number;
  /** Seconds before a job that found every pipeline busy is looked at again. */
  retryDelaySeconds: number;
}

export type DispatchOutcome = 'started' | 'already-started' | 'busy' | 'skipped';

/**
 * Takes one job id off the queue and starts its pipeline if there is room. The job is claimed
 * first (QUEUED → RUNNING, conditional on its attempt), so two deliveries of one message start
 * one execution; the execution is named after the attempt, so even a start that is repeated after
 * a crash is harmless. A full house puts the id back on the queue with a delay (a fresh message:
 * waiting must not count towards the dead-letter queue's receive limit) and touches the job so the
 * sweeper knows it is not lost. A start that throws returns the job to QUEUED and rethrows, so the
 * message is received again and, after a few failures, lands in the DLQ.
 */
export async function dispatchJob(jobId: string, deps: DispatchDeps): Promise<DispatchOutcome> {
  const job = await deps.jobs.get(jobId);
  // Deleted, already started (a duplicate message), or finished: nothing to do.
  if (!job || job.status !== 'QUEUED') return 'skipped';
  const attempt = job.attempt ?? 0;
  if (deps.maxRunning <= 0 || (await deps.index.countByStatus('RUNNING')) >= deps.maxRunning) {
    await deps.queue.enqueue(jobId, deps.retryDelaySeconds);
    await deps.index.transition(jobId, { status: 'QUEUED', attempt }, { set: {} });
    return 'busy';
  }
  if (!(await deps.index.transition(jobId, { status: 'QUEUED', attempt }, { set: { status: 'RUNNING' } }))) return 'skipped';
  try {
    return await deps.starter.start(executionName(job), { jobId, request: job.request });
  } catch (error) {
    await deps.index.transition(jobId, { status: 'RUNNING', attempt }, { set: { status: 'QUEUED' } });
    throw error;
  }
}
