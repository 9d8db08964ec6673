import { startRender } from '../../core/jobs/review.js';
import { ownedJob } from '../../core/jobs/videos.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { pathParam, userRoute } from '../http.js';
import { changeAnswer, changeKey, regenerationPrices, reviewChangeDeps } from '../review-route.js';
import { VideoIdSchema } from '../schemas.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();
const change = reviewChangeDeps(deps);
const prices = regenerationPrices(deps);

/** POST /api/videos/{id}/render: a video in REVIEW is queued for its render (no charge), once. */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const id = pathParam(event, 'id', VideoIdSchema, 'video');
  const key = changeKey(event);
  const job = await ownedJob(jobs, caller.userId, id);
  return changeAnswer(await startRender(job, key, change), prices);
});
