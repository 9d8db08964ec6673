import { editStoryboard } from '../../core/jobs/review.js';
import { ownedJob } from '../../core/jobs/videos.js';
import { regenerateScene } from '../../core/storyboard.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { pathParam, userRoute } from '../http.js';
import { changeAnswer, changeKey, regenerationPrices, reviewChangeDeps, sceneParam } from '../review-route.js';
import { VideoIdSchema } from '../schemas.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();
const change = reviewChangeDeps(deps);
const prices = regenerationPrices(deps);

/** POST /api/videos/{id}/scenes/{n}/regenerate: a new seed for the scene's picture (an upload is dropped), in REVIEW. */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const id = pathParam(event, 'id', VideoIdSchema, 'video');
  const n = sceneParam(event);
  const key = changeKey(event);
  const job = await ownedJob(jobs, caller.userId, id);
  // A replay with the same key is the same request: the seed it drew is kept, not drawn again.
  const result = await editStoryboard(job, (script) => regenerateScene(script, n), { action: `regenerate#${n}`, body: {}, ...key }, change);
  return changeAnswer(result, prices);
});
