import { ownedJob } from '../../core/jobs/videos.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { HttpError, pathParam, userRoute } from '../http.js';
import { VideoIdSchema } from '../schemas.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();
const blobs = deps.blobStore();

/** GET /api/videos/{id}/file: a redirect to a fresh presigned URL of the caller's finished MP4. */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const job = await ownedJob(jobs, caller.userId, pathParam(event, 'id', VideoIdSchema, 'video'));
  if (job.status !== 'SUCCEEDED' || !job.outputKey) {
    throw new HttpError(409, 'not_ready', `The video is not finished (it is ${job.status.toLowerCase()}).`);
  }
  const url = await blobs.presignGet(job.outputKey, 3600);
  return { statusCode: 302, headers: { location: url, 'cache-control': 'no-store' }, body: '' };
});
