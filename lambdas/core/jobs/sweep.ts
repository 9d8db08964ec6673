import { executionName, pendingSteps, type Job } from '../job.js';
import type { Clock, CreditStore, JobIndex, JobQueue, JobStore, PipelineStarter } from '../ports.js';

export interface SweepConfig {
  /** A QUEUED job untouched this long has lost its message: queue its id again. */
  queuedRedriveSeconds: number;
  /** A job waiting this long in all is failed and refunded. */
  maxQueuedHours: number;
  /** A RUNNING job whose execution still runs but that has not been updated this long is stopped, failed and refunded. */
  stuckMinutes: number;
  /** RUNNING jobs updated more recently than this are left alone (their execution may be starting). 0 on a local restart. */
  runningGraceSeconds: number;
  /** An interrupted run is sent back to the queue at most this many times; then it is failed and refunded. */
  maxRedrives: number;
}

export interface SweepDeps {
  jobs: JobStore;
  index: JobIndex;
  starter: PipelineStarter;
  queue: JobQueue;
  credits: CreditStore;
  clock: Clock;
}

export interface SweepReport {
  /** QUEUED jobs whose id went back on the queue. */
  requeued: string[];
  /** Interrupted runs sent back to the queue as a new attempt. */
  redriven: string[];
  /** Jobs failed (and refunded) by the sweeper. */
  failed: string[];
  /** FAILED jobs whose refund had not happened and now did. */
  refunded: string[];
  /** REVIEW jobs past their `reviewExpiresAt`, now EXPIRED (their credits stay spent). */
  expired: string[];
}

/** What an attempt leaves on a job that a new attempt must not inherit. */
export const ATTEMPT_FIELDS = ['error', 'finishedAt', 'currentStep', 'startedAt', 'outputKey', 'durationMs', 'renderFps'] as const;

function ago(now: Date, ms: number): Date {
  return new Date(now.getTime() - ms);
}

/**
 * Fails a job the pipeline can no longer finish, with a reason a person can read, and refunds it
 * (once: the refund is guarded by the job's own flag). The job changes first, conditionally, and
 * its step is marked only then: a Finalize Job in flight that marked it SUCCEEDED first wins, and
 * the job is left as it is, unrefunded (false).
 */
async function failAndRefund(job: Job, reason: { name: string; message: string }, deps: SweepDeps): Promise<boolean> {
  const now = deps.clock.now().toISOString();
  const error = { ...(job.currentStep ? { step: job.currentStep } : {}), ...reason };
  const failed =
    (await deps.credits.refund(job.jobId, `Refund: ${reason.message}`, { error })) ||
    // Nothing to refund (a job made without credits): mark it, if it is still on this attempt.
    (await deps.index.transition(job.jobId, { status: job.status, attempt: job.attempt ?? 0 }, { set: { status: 'FAILED', finishedAt: now, error } }));
  if (failed && job.currentStep) await deps.jobs.updateStep(job.jobId, job.currentStep, { status: 'failed', error: reason.message, endedAt: now });
  return failed;
}

/**
 * The sweeper: no job stays waiting or "processing" forever, and none fails without a refund.
 * - QUEUED and untouched for a while (its message was lost, e.g. a local restart, or it went to
 *   the DLQ): its id goes back on the queue; after `maxQueuedHours` it is failed and refunded.
 * - RUNNING whose execution is gone (the local runner died with its process, or a crash between
 *   claim and start): sent back to the queue as a new attempt, at most `maxRedrives` times.
 * - RUNNING whose execution ended without the job ending (Fail Job itself failed, the whole
 *   execution timed out): failed and refunded.
 * - RUNNING, execution alive, but no update for `stuckMinutes`: stopped, failed and refunded.
 * - FAILED in the last day but not refunded (Fail Job's refund ran out of retries): refunded,
 *   unless it kept its credits on purpose (`forfeited`: a user-caused failure past the daily cap).
 * - REVIEW past its `reviewExpiresAt`: EXPIRED, conditional on REVIEW and its attempt (an edit or a
 *   render that lands first wins). Not refunded: its pictures and voice were made.
 */
export async function sweepJobs(deps: SweepDeps, config: SweepConfig): Promise<SweepReport> {
  const report: SweepReport = { requeued: [], redriven: [], failed: [], refunded: [], expired: [] };
  const now = deps.clock.now();

  for (const ref of await deps.index.listByStatus('QUEUED', { updatedBefore: ago(now, config.queuedRedriveSeconds * 1000) })) {
    const job = await deps.jobs.get(ref.jobId);
    if (!job || job.status !== 'QUEUED') continue;
    const queuedAt = Date.parse(job.queuedAt ?? job.createdAt);
    if (now.getTime() - queuedAt > config.maxQueuedHours * 3600_000) {
      if (await failAndRefund(job, { name: 'QueueTimeout', message: `The video could not be started within ${config.maxQueuedHours} hours.` }, deps)) {
        report.failed.push(job.jobId);
      }
      continue;
    }
    // Touch first: the next sweep then leaves it alone for another interval.
    if (await deps.index.transition(job.jobId, { status: 'QUEUED', attempt: job.attempt ?? 0 }, { set: {} })) {
      await deps.queue.enqueue(job.jobId);
      report.requeued.push(job.jobId);
    }
  }

  for (const ref of await deps.index.listByStatus('RUNNING', { updatedBefore: ago(now, config.runningGraceSeconds * 1000) })) {
    const job = await deps.jobs.get(ref.jobId);
    if (!job || job.status !== 'RUNNING') continue;
    const name = executionName(job);
    const status = await deps.starter.status(name);
    if (status === 'RUNNING') {
      if (Date.parse(job.updatedAt) < ago(now, config.stuckMinutes * 60_000).getTime()) {
        const message = `The video made no progress for ${config.stuckMinutes} minutes and was stopped.`;
        await deps.starter.stop(name, message);
        if (await failAndRefund(job, { name: 'JobStuck', message }, deps)) report.failed.push(job.jobId);
      }
      continue;
    }
    if (status === 'NOT_FOUND') {
      if ((job.redrives ?? 0) >= config.maxRedrives) {
        if (await failAndRefund(job, { name: 'JobInterrupted', message: `The video was interrupted ${config.maxRedrives + 1} times.` }, deps)) {
          report.failed.push(job.jobId);
        }
        continue;
      }
      const redriven = await deps.index.transition(
        job.jobId,
        { status: 'RUNNING', attempt: job.attempt ?? 0 },
        { set: { status: 'QUEUED', steps: pendingSteps(), queuedAt: now.toISOString() }, remove: [...ATTEMPT_FIELDS], increment: { attempt: 1, redrives: 1 } },
      );
      if (redriven) {
        await deps.queue.enqueue(job.jobId);
        report.redriven.push(job.jobId);
      }
      continue;
    }
    if (await failAndRefund(job, { name: 'PipelineEnded', message: `The pipeline ended (${status.toLowerCase()}) before the video was finished.` }, deps)) {
      report.failed.push(job.jobId);
    }
  }

  // Failures of the last day whose refund did not happen (it is retried by Fail Job; this is the backstop).
  for (const ref of await deps.index.listByStatus('FAILED', { updatedAfter: ago(now, 24 * 3600_000), updatedBefore: ago(now, 60_000) })) {
    const job = await deps.jobs.get(ref.jobId);
    // A forfeited failure kept its credits on purpose (past the cap of refunds of user-caused failures).
    if (!job || job.status !== 'FAILED' || job.refunded || job.forfeited || !((job.credits ?? 0) > 0)) continue;
    if (await deps.credits.refund(job.jobId, `Refund: ${job.error?.message ?? 'the video failed'}`)) report.refunded.push(job.jobId);
  }

  // The byStatus index does not hold reviewExpiresAt (it copies only a few fields): each REVIEW job is read.
  for (const ref of await deps.index.listByStatus('REVIEW')) {
    const job = await deps.jobs.get(ref.jobId);
    if (!job || job.status !== 'REVIEW' || !job.reviewExpiresAt || Date.parse(job.reviewExpiresAt) > now.getTime()) continue;
    const expired = await deps.index.transition(
      job.jobId,
      { status: 'REVIEW', attempt: job.attempt ?? 0 },
      { set: { status: 'EXPIRED', finishedAt: now.toISOString() } },
    );
    if (expired) report.expired.push(job.jobId);
  }
  return report;
}
