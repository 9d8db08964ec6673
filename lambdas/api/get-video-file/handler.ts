import { ownedJob } from '../../core/jobs/videos.js';
import { blobStore, jobStore } from '../../shared/container.js';
import { HttpError, pathParam, userRoute } from '../http.js';

/** GET /api/videos/{id}/file: a redirect to a fresh presigned URL of the caller's finished MP4. */
export const handler = userRoute(async ({ event, caller }) => {
  const job = await ownedJob(jobStore(), caller.userId, pathParam(event, 'id'));
  if (job.status !== 'SUCCEEDED' || !job.outputKey) {
    throw new HttpError(409, 'not_ready', `The video is not finished (it is ${job.status.toLowerCase()}).`);
  }
  const url = await blobStore().presignGet(job.outputKey, 3600);
  return { statusCode: 302, headers: { location: url, 'cache-control': 'no-store' }, body: '' };
});
