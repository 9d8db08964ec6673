import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { parseJobMessage } from '../../adapters/aws/sqs-job-queue.js';
import { dispatchJob, type DispatchDeps } from '../../core/jobs/dispatch.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { ENV } from '../../shared/env.js';

const deps = fromEnvironment();
const { logger } = deps.observability();
const jobs = deps.jobStore();
const dispatchDeps: DispatchDeps = {
  jobs,
  index: jobs,
  starter: deps.pipelineStarter(),
  queue: deps.jobQueue(),
  clock: systemClock,
  maxRunning: deps.config[ENV.MAX_RUNNING_PIPELINES],
  maxRunningPerUser: deps.config[ENV.MAX_RUNNING_PER_USER],
  retryDelaySeconds: deps.config[ENV.DISPATCH_RETRY_SECONDS],
};

/**
 * The dispatcher: consumes the jobs queue (SQS event source with ReportBatchItemFailures) and
 * starts pipelines while fewer than MAX_RUNNING_PIPELINES run, at most MAX_RUNNING_PER_USER of
 * them for one user's jobs. Records are handled one after
 * another so each sees the running count the previous one left. A record that throws is reported
 * as failed: SQS delivers it again, and after a few receives moves it to the dead-letter queue.
 */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const { jobId } = parseJobMessage(record.body);
      const outcome = await dispatchJob(jobId, dispatchDeps);
      logger.info('dispatched', { jobId, outcome, receiveCount: record.attributes?.ApproximateReceiveCount });
    } catch (error) {
      logger.error('dispatch failed', { messageId: record.messageId, error: error as Error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
