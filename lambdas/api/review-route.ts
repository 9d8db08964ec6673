/**
 * What the routes of review before render share (docs/api.md "Review before render"): their
 * dependencies, the scene number in the path, and the VideoDetail they answer with.
 */
import type { Job } from '../core/job.js';
import type { ReviewChangeDeps } from '../core/jobs/review.js';
import { IDEMPOTENCY_TTL_SECONDS, systemClock, type Dependencies } from '../shared/dependencies.js';
import { ENV } from '../shared/env.js';
import { json, parseHeader, pathParam, type ApiEvent, type ApiResult } from './http.js';
import { SceneNumberSchema } from './review-schemas.js';
import { IdempotencyKeySchema } from './schemas.js';
import { videoDetail, type RegenerationPrices } from './views.js';

/** What a regeneration costs, from the function's configuration. */
export function regenerationPrices(deps: Dependencies): RegenerationPrices {
  return { included: deps.config[ENV.INCLUDED_REGENERATIONS], credits: deps.config[ENV.REGENERATION_CREDITS] };
}

/** The dependencies of a change to a video in review (an edit or a render). */
export function reviewChangeDeps(deps: Dependencies): ReviewChangeDeps {
  const { logger } = deps.observability();
  const prices = regenerationPrices(deps);
  return {
    credits: deps.creditStore(),
    queue: deps.jobQueue(),
    clock: systemClock,
    includedRegenerations: prices.included,
    regenerationCredits: prices.credits,
    idempotencyTtlSeconds: IDEMPOTENCY_TTL_SECONDS,
    onEnqueueFailed: (jobId, error) => logger.error('review change recorded but not queued; the sweeper will queue it', { jobId, error: error as Error }),
  };
}

/** The scene number `n` of the path: 1 to 10, else 404 naming `n` (that the storyboard has it is checked against it). */
export function sceneParam(event: ApiEvent): number {
  return pathParam(event, 'n', SceneNumberSchema, 'scene');
}

/** The Idempotency-Key header, checked. */
export function changeKey(event: ApiEvent): { idempotencyKey?: string } {
  const key = parseHeader(event, 'Idempotency-Key', IdempotencyKeySchema);
  return key ? { idempotencyKey: key } : {};
}

/** The answer to an accepted change: the video as it is now (no presigned URLs: GET it for those). */
export function changeAnswer(result: { job: Job; replayed: boolean }, prices: RegenerationPrices, status = 202): ApiResult {
  return json(status, videoDetail(result.job, {}, prices), {
    location: `/api/videos/${result.job.jobId}`,
    ...(result.replayed ? { 'idempotent-replayed': 'true' } : {}),
  });
}
