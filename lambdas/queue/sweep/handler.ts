import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { sweepJobs, type SweepReport } from '../../core/jobs/sweep.js';
import { METRIC } from '../../core/ops/metric-names.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';

const deps = fromEnvironment();
const { logger, metrics } = deps.observability();
const jobs = deps.jobStore();
const sweepDeps = { jobs, index: jobs, starter: deps.pipelineStarter(), queue: deps.jobQueue(), credits: deps.creditStore(), clock: systemClock };

/** A scheduled event (EventBridge), or `{ recovery: true }` from the local runtime when it starts. */
export interface SweepEvent {
  /** Right after a local restart every RUNNING job's execution died with the old process: no grace period. */
  recovery?: boolean;
}

/**
 * The sweeper, run on a schedule (every few minutes in AWS, every 30 s locally): queues lost
 * jobs again, re-drives interrupted runs, fails and refunds stuck ones (core/jobs/sweep.ts).
 */
export const handler = async (event: SweepEvent = {}): Promise<SweepReport> => {
  const report = await sweepJobs(sweepDeps, deps.sweepConfig(event.recovery ? { runningGraceSeconds: 0, queuedRedriveSeconds: 0 } : {}));
  const acted = report.requeued.length + report.redriven.length + report.failed.length + report.refunded.length + report.expired.length;
  if (acted > 0) logger.info('sweep', { ...report });
  await deps.webhookEvents()('video.failed', report.failed);
  // Zero included: the stuck-jobs alarm sees a steady series rather than missing data.
  metrics.addMetric(METRIC.jobsFailedBySweeper, MetricUnit.Count, report.failed.length);
  metrics.publishStoredMetrics();
  return report;
};
