import { ownedJob } from '../../core/jobs/videos.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { HttpError, parseQuery, pathParam, userRoute } from '../http.js';
import { FileQuery } from '../review-schemas.js';
import { VideoIdSchema } from '../schemas.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();
const blobs = deps.blobStore();

/**
 * GET /api/videos/{id}/file: a redirect to a fresh presigned URL of the caller's finished MP4;
 * `version=n`, an earlier render kept after a reopen (or the current one, once it is finished).
 */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const { version } = parseQuery(event, FileQuery);
  const job = await ownedJob(jobs, caller.userId, pathParam(event, 'id', VideoIdSchema, 'video'));
  const earlier = version === undefined ? undefined : job.versions?.find((v) => v.version === version);
  let key: string | undefined = earlier?.outputKey;
  if (!key) {
    if (version !== undefined && version !== (job.version ?? 1)) throw new HttpError(404, 'not_found', `This video has no version ${version}.`);
    if (job.status !== 'SUCCEEDED' || !job.outputKey) {
      throw new HttpError(409, 'not_ready', `The video is not finished (it is ${job.status.toLowerCase()}).`);
    }
    key = job.outputKey;
  }
  const url = await blobs.presignGet(key, 3600);
  return { statusCode: 302, headers: { location: url, 'cache-control': 'no-store' }, body: '' };
});
