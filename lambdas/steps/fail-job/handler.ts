import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { failJob } from '../../core/pipeline/job-steps.js';
import type { FailJobEvent } from '../../core/pipeline/events.js';
import type { CreditStore } from '../../core/ports.js';
import { METRIC } from '../../core/ops/metric-names.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { MissingConfiguration } from '../../shared/env.js';
import { newReference } from '../../shared/internal-errors.js';

const deps = fromEnvironment();
const { logger, metrics } = deps.observability();
const tracer = await deps.tracer();
const jobs = deps.jobStore();

/**
 * The credit store, or none when its tables are not configured: the job must still be marked
 * failed (the sweeper's refund backstop pays it back once the tables are there), so a missing
 * setting is logged as an error rather than failing Fail Job itself.
 */
function creditStore(): CreditStore | undefined {
  try {
    return deps.creditStore();
  } catch (error) {
    if (!(error instanceof MissingConfiguration)) throw error;
    logger.error('refunds are not configured; the job is marked failed without one', { error });
    return undefined;
  }
}
const credits = creditStore();

/** Not step-tracked: it records the failure of whichever step failed, and refunds the job once. */
export const handler = async (event: FailJobEvent) => {
  logger.error('job failed', { jobId: event.jobId, error: event.error });
  tracer.putAnnotation('jobId', event.jobId);
  const result = await failJob(event, {
    jobs,
    clock: systemClock,
    index: jobs,
    ...(credits ? { credits } : {}),
    // Lambda's and Step Functions' own failures name functions, roles and accounts: logged, not shown.
    reportInternal: (error) => {
      const reference = newReference();
      logger.error('internal error', { jobId: event.jobId, reference, error });
      return reference;
    },
  });
  if (result.refunded) logger.info('job refunded', { jobId: event.jobId });
  // Sent on every run of Fail Job: the delivery is made once per job end (its id is the job's attempt and outcome).
  await deps.webhookEvents()('video.failed', [event.jobId]);
  metrics.addMetric(METRIC.jobsFailed, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  return result;
};
