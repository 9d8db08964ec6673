import { deleteVideo, ownedJob } from '../../core/jobs/videos.js';
import { creditStore, jobIndex } from '../../shared/api-container.js';
import { blobStore, jobStore, systemClock } from '../../shared/container.js';
import { json, pathParam, userRoute } from '../http.js';

/** DELETE /api/videos/{id}: the video and its files (`videos/{id}/`); a queued one is cancelled and refunded. */
export const handler = userRoute(async ({ event, caller }) => {
  const job = await ownedJob(jobStore(), caller.userId, pathParam(event, 'id'));
  const result = await deleteVideo(job, { credits: creditStore(), jobs: jobIndex(), blobs: blobStore(), clock: systemClock });
  return json(200, { id: job.jobId, deleted: true, ...result });
});
