import { attemptOfExecution } from '../job.js';
import type { BlobStore, Clock, JobIndex, JobStore } from '../ports.js';
import type { HoldForReviewEvent, ReviewHold } from './events.js';
import { writePreviewPlan } from './render-steps.js';

/**
 * Hold for Review: a `review` attempt ends here. The preview plan is written exactly as Start
 * Render writes it (the dashboard plays it), then the job moves RUNNING → REVIEW on this
 * execution's attempt, with when the review expires, how long the video lasts and its thumbnail.
 * The render and finalize steps stay pending: POST /api/videos/{id}/render starts them as a new
 * attempt. A job that moved on meanwhile (failed by the sweeper, deleted, requeued) is left as it
 * is: `held: false`, not an error, so nothing retries it.
 */
export async function holdForReview(
  event: HoldForReviewEvent,
  deps: { jobs: JobStore & Pick<JobIndex, 'transition'>; blobs: BlobStore; clock: Clock; reviewTtlHours: number },
): Promise<ReviewHold> {
  const plan = await writePreviewPlan(event, deps.blobs);
  const attempt = event.execution !== undefined ? attemptOfExecution(event.execution, event.jobId) : ((await deps.jobs.get(event.jobId))?.attempt ?? 0);
  if (attempt === undefined) return { held: false }; // not an execution of this job's
  const expiresAt = new Date(deps.clock.now().getTime() + deps.reviewTtlHours * 3600_000).toISOString();
  const held = await deps.jobs.transition(
    event.jobId,
    { status: 'RUNNING', attempt },
    {
      set: {
        status: 'REVIEW',
        reviewExpiresAt: expiresAt,
        durationMs: Math.round((plan.durationInFrames * 1000) / plan.fps),
        ...(event.images[0] ? { thumbnailKey: event.images[0].key } : {}),
      },
      remove: ['currentStep'],
    },
  );
  return held ? { held: true, expiresAt } : { held: false };
}
