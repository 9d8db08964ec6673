import { ownedJob, retryVideo } from '../../core/jobs/videos.js';
import { creditStore, jobQueue } from '../../shared/api-container.js';
import { jobStore, systemClock } from '../../shared/container.js';
import { json, pathParam, userRoute } from '../http.js';

/** POST /api/videos/{id}/retry: a failed video runs again (its refunded credit is debited again). */
export const handler = userRoute(async ({ event, caller }) => {
  const job = await ownedJob(jobStore(), caller.userId, pathParam(event, 'id'));
  const queued = await retryVideo(job, { credits: creditStore(), queue: jobQueue(), clock: systemClock });
  return json(202, { id: queued.jobId, status: queued.status, credits: queued.credits ?? 0, replayed: false }, { location: `/api/videos/${queued.jobId}` });
});
