import { createVideo } from '../../core/jobs/videos.js';
import { fromEnvironment, IDEMPOTENCY_TTL_SECONDS, systemClock, type Dependencies } from '../../shared/dependencies.js';
import { ENV } from '../../shared/env.js';
import { json, parseBody, parseHeader, userRoute, type RouteHandler } from '../http.js';
import { CreateVideoBody, IdempotencyKeySchema } from '../schemas.js';
import { checkRequestedTarget } from '../webhook-target.js';

/**
 * POST /api/videos: check the voice, then debit, record and queue a video (202) within the user's
 * limits (429), once per Idempotency-Key. A factory so the MCP server's create_video runs this
 * very route with its own dependencies (lambdas/mcp/server.ts).
 */
export async function createVideoHandler(deps: Dependencies): Promise<RouteHandler> {
  const { logger } = deps.observability();
  const credits = deps.creditStore();
  const queue = deps.jobQueue();
  const voices = await deps.voiceCatalog();
  const limits = deps.userLimits();
  const brands = deps.brandStore();
  const tracks = deps.blobStore();

  return userRoute(deps, async ({ event, caller }) => {
    const request = parseBody(event, CreateVideoBody);
    const idempotencyKey = parseHeader(event, 'Idempotency-Key', IdempotencyKeySchema);
    // Checked before anything is debited; checked again at each delivery.
    if (request.webhookUrl) await checkRequestedTarget(request.webhookUrl, 'webhookUrl', deps.webhookPolicy());
    const { job, replayed } = await createVideo(
      { userId: caller.userId, request, ...(idempotencyKey ? { idempotencyKey } : {}) },
      {
        credits,
        queue,
        clock: systemClock,
        newId: deps.newJobId,
        startingCredits: deps.config[ENV.STARTING_CREDITS],
        idempotencyTtlSeconds: IDEMPOTENCY_TTL_SECONDS,
        voices,
        limits,
        brands,
        tracks,
        onEnqueueFailed: (jobId, error) => logger.error('job recorded but not queued; the sweeper will queue it', { jobId, error: error as Error }),
      },
    );
    return json(
      202,
      { id: job.jobId, status: job.status, credits: job.credits ?? 0, replayed },
      { location: `/api/videos/${job.jobId}`, ...(replayed ? { 'idempotent-replayed': 'true' } : {}) },
    );
  });
}

export const handler = await createVideoHandler(fromEnvironment());
