import { fromEnvironment, type Dependencies } from '../../shared/dependencies.js';
import { json, parseQuery, userRoute, type RouteHandler } from '../http.js';
import { ListQuery } from '../schemas.js';
import { videoSummary } from '../views.js';

/**
 * GET /api/videos: the caller's videos, newest first (the jobs table's `byUser` index), a page at
 * a time. A factory so the MCP server's list_videos runs this very route (lambdas/mcp/server.ts).
 */
export function listVideosHandler(deps: Dependencies): RouteHandler {
  const jobs = deps.jobStore();
  const blobs = deps.blobStore();
  return userRoute(deps, async ({ event, caller }) => {
    const { limit, cursor } = parseQuery(event, ListQuery);
    const page = await jobs.listByUser(caller.userId, { limit, ...(cursor ? { cursor } : {}) });
    // Presigning is local computation (no request), so a thumbnail per item costs nothing.
    const videos = await Promise.all(
      page.items.map(async (job) => videoSummary(job, job.thumbnailKey ? { thumbnailUrl: await blobs.presignGet(job.thumbnailKey, 3600) } : {})),
    );
    return json(200, { videos, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
  });
}

export const handler = listVideosHandler(fromEnvironment());
