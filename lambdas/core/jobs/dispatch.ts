import { executionName, type Job } from '../job.js';
import type { ExecutionInput } from '../pipeline/events.js';
import type { Clock, JobIndex, JobQueue, JobStore, PipelineStarter } from '../ports.js';

/**
 * What an attempt's execution starts with: always all four fields, so the state machine's
 * "Review First?" and Start Render's file name never guess. A job without a phase (made before
 * review existed, or by the CLI) stops for review only if its request asked for it.
 */
export function executionInput(job: Pick<Job, 'jobId' | 'request' | 'phase' | 'version'>): ExecutionInput {
  return { jobId: job.jobId, request: job.request, phase: job.phase ?? (job.request.review ? 'review' : 'render'), version: job.version ?? 1 };
}

export interface DispatchDeps {
  jobs: JobStore;
  index: JobIndex;
  starter: PipelineStarter;
  queue: JobQueue;
  clock: Clock;
  /** Pipelines allowed at once; 0 pauses dispatching. */
  maxRunning: number;
  /** Pipelines one user's jobs may hold at once, so one user's backlog cannot keep everyone else waiting. */
  maxRunningPerUser: number;
  /** Seconds before a job that found every pipeline busy is looked at again. */
  retryDelaySeconds: number;
}

/** `busy`: every pipeline is taken; `user-busy`: the job's user holds their share of them. Both wait and come back. */
export type DispatchOutcome = 'started' | 'already-started' | 'busy' | 'user-busy' | 'skipped';

/**
 * Takes one job id off the queue and starts its pipeline if there is room — in all, and within
 * its user's share. The job is claimed first (QUEUED → RUNNING, conditional on its attempt), so
 * two deliveries of one message start one execution; the execution is named after the attempt,
 * so even a start that is repeated after a crash is harmless. A full house, or a user already
 * holding their share, puts the id back on the queue with a delay (a fresh message: waiting must
 * not count towards the dead-letter queue's receive limit) and touches the job so the sweeper
 * knows it is not lost; meanwhile other users' jobs start. A start that throws returns the job to
 * QUEUED and rethrows, so the message is received again and, after a few failures, lands in the DLQ.
 */
export async function dispatchJob(jobId: string, deps: DispatchDeps): Promise<DispatchOutcome> {
  const job = await deps.jobs.get(jobId);
  // Deleted, already started (a duplicate message), or finished: nothing to do.
  if (!job || job.status !== 'QUEUED') return 'skipped';
  const attempt = job.attempt ?? 0;
  const wait = async (outcome: 'busy' | 'user-busy'): Promise<DispatchOutcome> => {
    await deps.queue.enqueue(jobId, deps.retryDelaySeconds);
    await deps.index.transition(jobId, { status: 'QUEUED', attempt }, { set: {} });
    return outcome;
  };
  if (deps.maxRunning <= 0) return wait('busy');
  // The byStatus index holds each running job's user: one query counts both.
  const running = await deps.index.listByStatus('RUNNING');
  if (running.length >= deps.maxRunning) return wait('busy');
  if (running.filter((ref) => ref.userId === job.userId).length >= deps.maxRunningPerUser) return wait('user-busy');
  if (!(await deps.index.transition(jobId, { status: 'QUEUED', attempt }, { set: { status: 'RUNNING' } }))) return 'skipped';
  try {
    return await deps.starter.start(executionName(job), executionInput(job));
  } catch (error) {
    await deps.index.transition(jobId, { status: 'RUNNING', attempt }, { set: { status: 'QUEUED' } });
    throw error;
  }
}
