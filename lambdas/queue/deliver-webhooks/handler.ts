import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { webhookPoster } from '../../adapters/providers/webhook-poster.js';
import { handleAttempt, handleEvent, parseWebhookMessage, type DeliveryDeps } from '../../core/webhooks/delivery.js';
import { newWebhookSecret } from '../../core/webhooks/model.js';
import { WEBHOOK_METRIC } from '../../core/ops/metric-names.js';
import { fromEnvironment, systemClock } from '../../shared/dependencies.js';
import { ENV } from '../../shared/env.js';

const deps = fromEnvironment();
const { logger, metrics } = deps.observability();
const jobs = deps.jobStore();
const blobs = deps.blobStore();
const deliveryDeps: DeliveryDeps = {
  store: deps.webhookStore(),
  queue: deps.webhookQueue(),
  post: webhookPoster(),
  clock: systemClock,
  getJob: (jobId) => jobs.get(jobId),
  presignVideo: (key, seconds) => blobs.presignGet(key, seconds),
  retrySeconds: deps.config[ENV.WEBHOOK_RETRY_SECONDS],
  policy: deps.webhookPolicy(),
  newSecret: newWebhookSecret,
};

/**
 * The webhooks queue's consumer: a job's end becomes its deliveries (each made once), and each
 * delivery's attempts run here, the waits between them carried by delayed messages. A message
 * whose handling threw comes back (and after five receives goes to the DLQ).
 */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: { itemIdentifier: string }[] = [];
  await Promise.all(
    event.Records.map(async (record) => {
      try {
        const message = parseWebhookMessage(record.body);
        if (message.kind === 'event') {
          const { created } = await handleEvent(message, deliveryDeps);
          if (created > 0) logger.info('webhook deliveries created', { jobId: message.jobId, type: message.type, created });
        } else {
          const outcome = await handleAttempt(message, deliveryDeps);
          if (outcome === 'failed') {
            logger.warn('webhook delivery failed', { endpointId: message.endpointId, deliveryId: message.deliveryId });
            metrics.addMetric(WEBHOOK_METRIC.deliveriesFailed, MetricUnit.Count, 1);
          }
        }
      } catch (error) {
        logger.error('webhook message failed', { messageId: record.messageId, error: error as Error });
        failures.push({ itemIdentifier: record.messageId });
      }
    }),
  );
  metrics.publishStoredMetrics();
  return { batchItemFailures: failures };
};
