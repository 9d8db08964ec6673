import { ownedJob } from '../../core/jobs/videos.js';
import type { BlobStore } from '../../core/ports.js';
import { presignPlan, previewKey, type PreviewPlan, type ShortVideoProps } from '../../core/video-props.js';
import { blobStore, jobStore, systemClock } from '../../shared/container.js';
import { json, pathParam, userRoute } from '../http.js';
import { videoDetail, type VideoUrls } from '../views.js';

/** How long the presigned URLs in a video's detail work. */
export const VIDEO_URL_SECONDS = 3600;

/** The composition's props for the in-browser preview, once Start Render has stored its plan. */
async function preview(jobId: string, blobs: BlobStore): Promise<ShortVideoProps | undefined> {
  const key = previewKey(jobId);
  if (!(await blobs.exists(key))) return undefined;
  const plan = JSON.parse(new TextDecoder().decode(await blobs.get(key))) as PreviewPlan;
  return presignPlan(plan, (k) => blobs.presignGet(k, VIDEO_URL_SECONDS));
}

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
  urls.preview = await preview(job.jobId, blobs);
  return json(200, videoDetail(job, urls));
});
