import { pendingSteps, type Job, type JobPhase } from '../job.js';
import type { Script } from '../model.js';
import type { JobTransition } from '../ports.js';
import { ATTEMPT_FIELDS } from './sweep.js';

/** A conditional change that sends a job in REVIEW back to the pipeline, and the revision it was read at. */
export interface ReviewRequeue {
  /** The job must still be in REVIEW on the attempt read (a concurrent edit or render moved it on otherwise). */
  expected: { status: 'REVIEW'; attempt: number };
  /** The storyboard revision that was read; a store that can, conditions on it too (`revision = this`). */
  revision: number;
  change: JobTransition;
}

/**
 * REVIEW → QUEUED as a new attempt of `phase`: every step pending, the old attempt's fields gone,
 * `attempt + 1` (so its execution gets a new name), the same shape as the sweeper's re-drive and a
 * retry's requeue. The pipeline then runs from the stored script and reuses every asset it can.
 */
function requeue(job: Job, phase: JobPhase, now: Date, set: JobTransition['set'] = {}): ReviewRequeue {
  return {
    expected: { status: 'REVIEW', attempt: job.attempt ?? 0 },
    revision: job.revision ?? 0,
    change: {
      set: { ...set, status: 'QUEUED', phase, steps: pendingSteps(), queuedAt: now.toISOString() },
      remove: [...ATTEMPT_FIELDS, 'reviewExpiresAt'],
      increment: { attempt: 1 },
    },
  };
}

/**
 * An accepted edit: the new storyboard (`script`) and `revision + 1`, and the job back to the
 * pipeline for review. Apply it in ONE write with whatever else the edit changes (a regeneration's
 * debit), then put the job id on the jobs queue. Only the pictures and voice segments the edit
 * changed are made again (their content keys changed); Hold for Review brings the job back to REVIEW.
 */
export function requeueForReview(job: Job, script: Script, now: Date): ReviewRequeue {
  return requeue(job, 'review', now, { script, revision: (job.revision ?? 0) + 1, title: script.title, sceneCount: script.scenes.length });
}

/** POST /render: REVIEW → QUEUED for the render attempt (nothing is made again; the video was paid for at creation). */
export function requeueForRender(job: Job, now: Date): ReviewRequeue {
  return requeue(job, 'render', now);
}
