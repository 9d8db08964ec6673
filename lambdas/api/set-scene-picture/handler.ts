import { checkedUpload, editStoryboard, inReview } from '../../core/jobs/review.js';
import { ownedJob } from '../../core/jobs/videos.js';
import { setScenePicture } from '../../core/storyboard.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { parseBody, pathParam, userRoute } from '../http.js';
import { changeAnswer, changeKey, regenerationPrices, reviewChangeDeps, sceneParam } from '../review-route.js';
import { SetPictureBody } from '../review-schemas.js';
import { VideoIdSchema } from '../schemas.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();
const blobs = deps.blobStore();
const change = reviewChangeDeps(deps);
const prices = regenerationPrices(deps);

/** POST /api/videos/{id}/scenes/{n}/image: the uploaded picture, once its bytes are checked, becomes the scene's picture. */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const id = pathParam(event, 'id', VideoIdSchema, 'video');
  const n = sceneParam(event);
  const body = parseBody(event, SetPictureBody);
  const key = changeKey(event);
  const job = await ownedJob(jobs, caller.userId, id);
  // Busy first (no read of the upload for a video that cannot take it), unless a keyed replay may answer.
  const imageKey = job.status === 'REVIEW' || !key.idempotencyKey ? await checkedUpload(inReview(job).jobId, body.uploadId, blobs) : undefined;
  const result = await editStoryboard(
    job,
    (script) => setScenePicture(script, n, imageKey!),
    { action: `image#${n}`, body, ...key },
    change,
  );
  return changeAnswer(result, prices);
});
