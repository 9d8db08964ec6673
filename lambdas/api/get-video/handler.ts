import { NotFound } from '../../core/errors.js';
import type { Job } from '../../core/job.js';
import { ownedJob } from '../../core/jobs/videos.js';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { BlobStore } from '../../core/ports.js';
import { presignPlan, previewKey, type PreviewPlan, type ShortVideoProps } from '../../core/video-props.js';
import { fromEnvironment, systemClock, type Dependencies } from '../../shared/dependencies.js';
import { json, pathParam, userRoute, type RouteHandler } from '../http.js';
import { VideoIdSchema } from '../schemas.js';
import { videoDetail, type VideoUrls } from '../views.js';
import { regenerationPrices } from '../review-route.js';

/** How long the presigned URLs in a video's detail work. */
export const VIDEO_URL_SECONDS = 3600;

/**
 * Whether Start Render can have stored a preview plan: it does so inside the render step, which
 * is marked running first. A first attempt whose render step is still pending has none, so the
 * status polls of a queued or early job cost no storage request; a retried job may keep the plan
 * of an earlier attempt, so it is looked up.
 */
export function mayHavePreview(job: Pick<Job, 'steps' | 'attempt' | 'status'>): boolean {
  // REVIEW, EXPIRED: Hold for Review stored the plan without starting the render.
  return (job.attempt ?? 0) > 0 || job.steps?.render?.status !== 'pending' || job.status === 'REVIEW' || job.status === 'EXPIRED';
}

/** The composition's props for the in-browser preview, once Start Render has stored its plan. */
async function preview(job: Job, blobs: BlobStore, logger: Pick<Logger, 'warn'>): Promise<ShortVideoProps | undefined> {
  if (!mayHavePreview(job)) return undefined;
  let stored: Uint8Array;
  try {
    stored = await blobs.get(previewKey(job.jobId)); // one request, not a HEAD and then a GET
  } catch (error) {
    if (error instanceof NotFound) return undefined;
    throw error;
  }
  let plan: PreviewPlan;
  try {
    plan = JSON.parse(new TextDecoder().decode(stored)) as PreviewPlan;
  } catch (error) {
    // The preview is an extra: a plan that cannot be read (a store that served a write in
    // progress) must not fail the status read; the next poll gets it.
    logger.warn('preview plan unreadable', { jobId: job.jobId, error });
    return undefined;
  }
  return presignPlan(plan, (k) => blobs.presignGet(k, VIDEO_URL_SECONDS));
}

/**
 * GET /api/videos/{id}: status, steps, progress, error, cost and, when done, presigned URLs of the
 * MP4. A factory so the MCP server's get_video runs this very route (lambdas/mcp/server.ts).
 */
export function getVideoHandler(deps: Dependencies): RouteHandler {
  const { logger } = deps.observability();
  const jobs = deps.jobStore();
  const blobs = deps.blobStore();
  const prices = regenerationPrices(deps);
  return userRoute(deps, async ({ event, caller }) => {
    const job = await ownedJob(jobs, caller.userId, pathParam(event, 'id', VideoIdSchema, 'video'));
    const urls: VideoUrls = {};
    if (job.thumbnailKey) urls.thumbnailUrl = await blobs.presignGet(job.thumbnailKey, VIDEO_URL_SECONDS);
    if (job.status === 'SUCCEEDED' && job.outputKey) {
      const expiresAt = new Date(systemClock.now().getTime() + VIDEO_URL_SECONDS * 1000).toISOString();
      urls.video = { url: await blobs.presignGet(job.outputKey, VIDEO_URL_SECONDS), expiresAt };
      const downloadName = job.outputKey.split('/').pop() ?? 'short.mp4';
      urls.downloadUrl = await blobs.presignGet(job.outputKey, VIDEO_URL_SECONDS, { downloadName });
    }
    urls.preview = await preview(job, blobs, logger);
    if (job.versions?.length) {
      urls.versionUrls = {};
      for (const v of job.versions) {
        urls.versionUrls[v.version] = await blobs.presignGet(v.outputKey, VIDEO_URL_SECONDS, { downloadName: v.outputKey.split('/').pop() ?? `v${v.version}.mp4` });
      }
    }
    return json(200, videoDetail(job, urls, prices));
  });
}

export const handler = getVideoHandler(fromEnvironment());
