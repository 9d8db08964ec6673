import { randomUUID } from 'node:crypto';
import { InvalidInput } from '../../core/errors.js';
import { inReview, UPLOAD_URL_SECONDS, uploadKey } from '../../core/jobs/review.js';
import { ownedJob } from '../../core/jobs/videos.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { json, parseBody, pathParam, userRoute } from '../http.js';
import { sceneParam } from '../review-route.js';
import { UploadRequestBody } from '../review-schemas.js';
import { VideoIdSchema } from '../schemas.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();
const blobs = deps.blobStore();

/**
 * POST /api/videos/{id}/scenes/{n}/upload: a presigned PUT of exactly the declared type and size,
 * under the video's own `uploads/` prefix (deleted with the video). Nothing changes until
 * POST scenes/{n}/image checks the file.
 */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const id = pathParam(event, 'id', VideoIdSchema, 'video');
  const n = sceneParam(event);
  const body = parseBody(event, UploadRequestBody);
  const job = inReview(await ownedJob(jobs, caller.userId, id));
  if (n > job.script.scenes.length) throw new InvalidInput(`n: there is no scene ${n}; the storyboard has scenes 1 to ${job.script.scenes.length}`);
  const uploadId = randomUUID();
  const { url, headers } = await blobs.presignPut(uploadKey(job.jobId, uploadId, body.contentType), {
    contentType: body.contentType,
    contentLength: body.size,
    expiresInSeconds: UPLOAD_URL_SECONDS,
  });
  const expiresAt = new Date(systemClock.now().getTime() + UPLOAD_URL_SECONDS * 1000).toISOString();
  return json(200, { uploadId, url, method: 'PUT', headers, expiresAt });
});
