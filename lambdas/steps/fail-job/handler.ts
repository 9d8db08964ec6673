import { failJob } from '../../core/pipeline/job-steps.js';
import type { FailJobEvent } from '../../core/pipeline/events.js';
import { jobStore, systemClock } from '../../shared/container.js';
import { logger } from '../../shared/powertools.js';

/** Not step-tracked: it records the failure of whichever step failed. */
export const handler = async (event: FailJobEvent) => {
  logger.error('job failed', { jobId: event.jobId, error: event.error });
  return failJob(event, { jobs: jobStore(), clock: systemClock });
};
