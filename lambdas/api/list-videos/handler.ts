import { fromEnvironment } from '../../shared/dependencies.js';
import { json, parseQuery, userRoute } from '../http.js';
import { ListQuery } from '../schemas.js';
import { videoSummary } from '../views.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();
const blobs = deps.blobStore();

/** GET /api/videos: the caller's videos, newest first (the jobs table's `byUser` index), a page at a time. */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const { limit, cursor } = parseQuery(event, ListQuery);
  const page = await jobs.listByUser(caller.userId, { limit, ...(cursor ? { cursor } : {}) });
  // Presigning is local computation (no request), so a thumbnail per item costs nothing.
  const videos = await Promise.all(
    page.items.map(async (job) => videoSummary(job, job.thumbnailKey ? { thumbnailUrl: await blobs.presignGet(job.thumbnailKey, 3600) } : {})),
  );
  return json(200, { videos, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
});
