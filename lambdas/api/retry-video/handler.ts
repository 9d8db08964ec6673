import { ownedJob, retryVideo } from '../../core/jobs/videos.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { json, pathParam, userRoute } from '../http.js';
import { VideoIdSchema } from '../schemas.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();
const credits = deps.creditStore();
const queue = deps.jobQueue();
const voices = await deps.voiceCatalog();
const limits = deps.userLimits();

/** POST /api/videos/{id}/retry: a failed video runs again (its refunded credit is debited again), within the user's limits. */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const job = await ownedJob(jobs, caller.userId, pathParam(event, 'id', VideoIdSchema, 'video'));
  const queued = await retryVideo(job, { credits, queue, clock: systemClock, voices, limits });
  return json(202, { id: queued.jobId, status: queued.status, credits: queued.credits ?? 0, replayed: false }, { location: `/api/videos/${queued.jobId}` });
});
