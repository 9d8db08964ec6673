/**
 * What operators measure about one job record: when it finished and how, how long it ran, what
 * it cost and how long each step took. Shared by the metric series and the alert rules.
 */
import { jobCostUsd, STEPS, type Job, type StepName } from '../job.js';

/** Run time of a finished job: from its pipeline start (else its creation) to its end. */
export function jobRunMs(job: Pick<Job, 'createdAt' | 'startedAt' | 'finishedAt' | 'updatedAt' | 'status'>): number | undefined {
  if (job.status !== 'SUCCEEDED' && job.status !== 'FAILED') return undefined;
  const end = Date.parse(job.finishedAt ?? job.updatedAt);
  const start = Date.parse(job.startedAt ?? job.createdAt);
  return Number.isFinite(end) && Number.isFinite(start) && end >= start ? end - start : undefined;
}

/** When a job reached SUCCEEDED or FAILED (its `finishedAt`, else its last update). */
export function finishedAt(job: Pick<Job, 'finishedAt' | 'updatedAt' | 'status'>): number | undefined {
  if (job.status !== 'SUCCEEDED' && job.status !== 'FAILED') return undefined;
  return Date.parse(job.finishedAt ?? job.updatedAt);
}

/** Durations of the job's finished steps, by step. */
export function stepDurations(job: Pick<Job, 'steps'>): Partial<Record<StepName, number>> {
  const out: Partial<Record<StepName, number>> = {};
  for (const step of STEPS) {
    const ms = job.steps?.[step]?.durationMs;
    if (typeof ms === 'number' && ms >= 0) out[step] = ms;
  }
  return out;
}

export const jobCost = (job: Pick<Job, 'cost'>): number => jobCostUsd({ cost: job.cost ?? {} });

/** "script — ProviderAuthFailed: …": where and why a failed job failed, for alert reasons. */
export function failureReason(job: Pick<Job, 'error'>): string {
  if (!job.error) return 'no error recorded';
  const where = job.error.step ? `${job.error.step} — ` : '';
  return `${where}${job.error.name}: ${job.error.message}`.slice(0, 300);
}
