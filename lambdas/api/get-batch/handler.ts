import { NotFound } from '../../core/errors.js';
import { batchWithVideos } from '../../core/jobs/batches.js';
import { fromEnvironment } from '../../shared/dependencies.js';
import { json, pathParam, userRoute } from '../http.js';
import { BatchIdSchema } from '../schemas.js';
import { batchView } from '../views.js';

const deps = fromEnvironment();
const batches = deps.batchStore();
const jobs = deps.jobStore();

/** GET /api/batches/{id}: the batch with each accepted item's video as it is now, and counts by state. */
export const handler = userRoute(deps, async ({ event, caller }) => {
  const batchId = pathParam(event, 'id', BatchIdSchema, 'batch');
  const batch = await batches.get(batchId);
  // Someone else's batch is "not found", never "forbidden".
  if (!batch || batch.userId !== caller.userId) throw new NotFound(`No batch ${batchId}.`);
  const { videos } = await batchWithVideos(batch, jobs);
  return json(200, batchView(batch, videos));
});
