import { failJob } from '../../core/pipeline/job-steps.js';
import type { FailJobEvent } from '../../core/pipeline/events.js';
import type { CreditStore } from '../../core/ports.js';
import { creditStore, jobIndex } from '../../shared/api-container.js';
import { jobStore, systemClock } from '../../shared/container.js';
import { MissingConfiguration } from '../../shared/env.js';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC } from '../../core/ops/metric-names.js';
import { logger, metrics } from '../../shared/powertools.js';
import { tracer } from '../../shared/tracer.js';

/**
 * The credit store, or none when its tables are not configured: the job must still be marked
 * failed (the sweeper's refund backstop pays it back once the tables are there), so a missing
 * setting is logged as an error rather than failing Fail Job itself.
 */
function credits(): CreditStore | undefined {
  try {
    return creditStore();
  } catch (error) {
    if (!(error instanceof MissingConfiguration)) throw error;
    logger.error('refunds are not configured; the job is marked failed without one', { error });
    return undefined;
  }
}

/** Not step-tracked: it records the failure of whichever step failed, and refunds the job once. */
export const handler = async (event: FailJobEvent) => {
  logger.error('job failed', { jobId: event.jobId, error: event.error });
  tracer.putAnnotation('jobId', event.jobId);
  const store = credits();
  const result = await failJob(event, { jobs: jobStore(), clock: systemClock, index: jobIndex(), ...(store ? { credits: store } : {}) });
  if (result.refunded) logger.info('job refunded', { jobId: event.jobId });
  metrics.addMetric(METRIC.jobsFailed, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  return result;
};
