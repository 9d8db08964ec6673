import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { parseJobMessage } from '../../adapters/aws/sqs-job-queue.js';
import { dispatchJob, type DispatchDeps } from '../../core/jobs/dispatch.js';
import { dispatchRetrySeconds, maxRunningPipelines } from '../../shared/api-config.js';
import { jobIndex, jobQueue, pipelineStarter } from '../../shared/api-container.js';
import { jobStore, systemClock } from '../../shared/container.js';
import { logger } from '../../shared/powertools.js';

function deps(): DispatchDeps {
  return {
    jobs: jobStore(),
    index: jobIndex(),
    starter: pipelineStarter(),
    queue: jobQueue(),
    clock: systemClock,
    maxRunning: maxRunningPipelines(),
    retryDelaySeconds: dispatchRetrySeconds(),
  };
}

/**
 * The dispatcher: consumes the jobs queue (SQS event source with ReportBatchItemFailures) and
 * starts pipelines while fewer than MAX_RUNNING_PIPELINES run. Records are handled one after
 * another so each sees the running count the previous one left. A record that throws is reported
 * as failed: SQS delivers it again, and after a few receives moves it to the dead-letter queue.
 */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const d = deps();
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const { jobId } = parseJobMessage(record.body);
      const outcome = await dispatchJob(jobId, d);
      logger.info('dispatched', { jobId, outcome, receiveCount: record.attributes?.ApproximateReceiveCount });
    } catch (error) {
      logger.error('dispatch failed', { messageId: record.messageId, error: error as Error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
