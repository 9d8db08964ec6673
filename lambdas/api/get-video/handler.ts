import { ownedJob } from '../../core/jobs/videos.js';
import { blobStore, jobStore, systemClock } from '../../shared/container.js';
import { json, pathParam, userRoute } from '../http.js';
import { videoDetail, type VideoUrls } from '../views.js';

/** How long the presigned URLs in a video's detail work. */
export const VIDEO_URL_SECONDS = 3600;

/** GET /api/videos/{id}: status, steps, progress, error, cost and, when done, presigned URLs of the MP4. */
export const handler = userRoute(async ({ event, caller }) => {
  const job = await ownedJob(jobStore(), caller.userId, pathParam(event, 'id'));
  const blobs = blobStore();
  const urls: VideoUrls = {};
  if (job.thumbnailKey) urls.thumbnailUrl = await blobs.presignGet(job.thumbnailKey, VIDEO_URL_SECONDS);
  if (job.status === 'SUCCEEDED' && job.outputKey) {
    const expiresAt = new Date(systemClock.now().getTime() + VIDEO_URL_SECONDS * 1000).toISOString();
    urls.video = { url: await blobs.presignGet(job.outputKey, VIDEO_URL_SECONDS), expiresAt };
    const downloadName = job.outputKey.split('/').pop() ?? 'short.mp4';
    urls.downloadUrl = await blobs.presignGet(job.outputKey, VIDEO_URL_SECONDS, { downloadName });
  }
  return json(200, videoDetail(job, urls));
});
