import { finalizeJob } from '../../core/pipeline/job-steps.js';
import type { FinalizeJobEvent } from '../../core/pipeline/events.js';
import { blobStore, jobStore, systemClock } from '../../shared/container.js';
import { stepHandler } from '../../shared/step-handler.js';

export const handler = stepHandler({ step: 'finalize' }, (event: FinalizeJobEvent) =>
  finalizeJob(event, { jobs: jobStore(), blobs: blobStore(), clock: systemClock }),
);
