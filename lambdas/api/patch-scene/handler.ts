import { editStoryboard } from '../../core/jobs/review.js';
import { ownedJob } from '../../core/jobs/videos.js';
import { applySceneEdit } from '../../core/storyboard.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { parseBody, pathParam, userRoute } from '../http.js';
import { changeAnswer, changeKey, regenerationPrices, reviewChangeDeps, sceneParam } from '../review-route.js';
import { PatchSceneBody } from '../review-schemas.js';
import { VideoIdSchema } from '../schemas.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();
const change = reviewChangeDeps(deps);
const prices = regenerationPrices(deps);

/** PATCH /api/videos/{id}/scenes/{n}: a scene's narration, image prompt or duration hint, in REVIEW. */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const id = pathParam(event, 'id', VideoIdSchema, 'video');
  const n = sceneParam(event);
  const body = parseBody(event, PatchSceneBody);
  const key = changeKey(event);
  const job = await ownedJob(jobs, caller.userId, id);
  const result = await editStoryboard(job, (script) => applySceneEdit(script, n, body), { action: `scene#${n}`, body, ...key }, change);
  return changeAnswer(result, prices);
});
