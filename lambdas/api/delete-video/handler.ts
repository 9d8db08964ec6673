import { deleteVideo, ownedJob } from '../../core/jobs/videos.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { json, pathParam, userRoute } from '../http.js';
import { VideoIdSchema } from '../schemas.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();
const blobs = deps.blobStore();
const credits = deps.creditStore();

/** DELETE /api/videos/{id}: the video and its files (`videos/{id}/`); a queued one is cancelled and refunded. */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const job = await ownedJob(jobs, caller.userId, pathParam(event, 'id', VideoIdSchema, 'video'));
  const result = await deleteVideo(job, { credits, jobs, blobs, clock: systemClock });
  return json(200, { id: job.jobId, deleted: true, ...result });
});
