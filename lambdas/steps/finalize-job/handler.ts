import { finalizeJob } from '../../core/pipeline/job-steps.js';
import type { FinalizeJobEvent } from '../../core/pipeline/events.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { stepDeps, stepHandler } from '../../shared/step-handler.js';

const deps = fromEnvironment();
const jobs = deps.jobStore();
const blobs = deps.blobStore();

export const handler = stepHandler(await stepDeps(deps), { step: 'finalize' }, (event: FinalizeJobEvent) =>
  finalizeJob(event, { jobs, blobs, clock: systemClock }),
);
