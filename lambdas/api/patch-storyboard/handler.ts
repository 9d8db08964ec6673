import { editStoryboard } from '../../core/jobs/review.js';
import { ownedJob } from '../../core/jobs/videos.js';
import { applyStoryboardEdit } from '../../core/storyboard.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { parseBody, pathParam, userRoute } from '../http.js';
import { changeAnswer, changeKey, regenerationPrices, reviewChangeDeps } from '../review-route.js';
import { PatchStoryboardBody } from '../review-schemas.js';
import { VideoIdSchema } from '../schemas.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();
const change = reviewChangeDeps(deps);
const prices = regenerationPrices(deps);

/** PATCH /api/videos/{id}/storyboard: title, hook, and the scenes as a new list (reorder, delete, add), in REVIEW. */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const id = pathParam(event, 'id', VideoIdSchema, 'video');
  const body = parseBody(event, PatchStoryboardBody);
  const key = changeKey(event);
  const job = await ownedJob(jobs, caller.userId, id);
  const result = await editStoryboard(job, (script) => applyStoryboardEdit(script, body), { action: 'storyboard', body, ...key }, change);
  return changeAnswer(result, prices);
});
