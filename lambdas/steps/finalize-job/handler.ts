import { finalizeJob } from '../../core/pipeline/job-steps.js';
import type { FinalizeJobEvent } from '../../core/pipeline/events.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { stepDeps, stepHandler } from '../../shared/step-handler.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();
const blobs = deps.blobStore();
const { logger } = deps.observability();

// A Finalize that lost the race with the sweeper does not finish the step: the job stays as the sweeper left it.
export const handler = stepHandler(await stepDeps(deps), { step: 'finalize', finishes: (result) => result.finalized }, async (event: FinalizeJobEvent) => {
  const result = await finalizeJob(event, { jobs, blobs, clock: systemClock });
  if (result.finalized) await deps.webhookEvents()('video.succeeded', [event.jobId]);
  if (!result.finalized) {
    logger.warn('the job ended before Finalize could mark it succeeded (failed and refunded by the sweeper, or another attempt runs); it is left as it is', {
      jobId: event.jobId,
      execution: event.execution,
      outputKey: result.outputKey,
    });
  }
  return result;
});
