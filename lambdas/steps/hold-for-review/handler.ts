import { holdForReview } from '../../core/pipeline/review-steps.js';
import type { HoldForReviewEvent, ReviewHold } from '../../core/pipeline/events.js';
import { ENV } from '../../shared/env.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { userFacingError } from '../../shared/internal-errors.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();
const blobs = deps.blobStore();
const { logger } = deps.observability();
const reviewTtlHours = deps.config[ENV.REVIEW_TTL_HOURS];

/**
 * Puts a `review` attempt's job in REVIEW with a fresh preview. Not a tracked step: the job's
 * steps stop at "Time scenes" (render and finalize stay pending for the render attempt), and a
 * job in REVIEW is not "running" any step.
 */
export const handler = async (event: HoldForReviewEvent): Promise<ReviewHold> => {
  const log = logger.createChild({ persistentKeys: { jobId: event.jobId, step: 'hold-for-review' } });
  try {
    const result = await holdForReview(event, { jobs, blobs, clock: systemClock, reviewTtlHours });
    if (!result.held) log.warn('the job moved on before it could be held for review; it is left as it is', { execution: event.execution });
    return result;
  } catch (thrown) {
    throw userFacingError(thrown, 'Hold for review', log);
  }
};
