import { reopenVideo } from '../../core/jobs/review.js';
import { ownedJob } from '../../core/jobs/videos.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { ENV } from '../../shared/env.js';
import { json, pathParam, userRoute } from '../http.js';
import { regenerationPrices } from '../review-route.js';
import { VideoIdSchema } from '../schemas.js';
import { videoDetail } from '../views.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();
const blobs = deps.blobStore();
const prices = regenerationPrices(deps);

/** How long the presigned URLs of earlier versions work. */
const VERSION_URL_SECONDS = 3600;

/** POST /api/videos/{id}/reopen: a finished video back in REVIEW, its render kept as an earlier version. */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const id = pathParam(event, 'id', VideoIdSchema, 'video');
  const job = await ownedJob(jobs, caller.userId, id);
  await reopenVideo(job, { jobs, clock: systemClock, reviewTtlHours: deps.config[ENV.REVIEW_TTL_HOURS] });
  const reopened = await ownedJob(jobs, caller.userId, id);
  const versionUrls: Record<number, string> = {};
  for (const v of reopened.versions ?? []) {
    versionUrls[v.version] = await blobs.presignGet(v.outputKey, VERSION_URL_SECONDS, { downloadName: v.outputKey.split('/').pop() ?? `v${v.version}.mp4` });
  }
  return json(200, videoDetail(reopened, { versionUrls }, prices));
});
