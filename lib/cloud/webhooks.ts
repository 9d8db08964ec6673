import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { DEFAULT_RETRY_SECONDS } from '../../lambdas/core/webhooks/model.js';
import { QUEUE_FUNCTIONS } from '../../lambdas/queue/registry.js';
import { ENV } from '../../lambdas/shared/env.js';
import { VIDEO_PREFIX } from './assets.js';
import { PipelineFunction } from './pipeline-function.js';
import { MAX_RECEIVE_COUNT } from './queue.js';
import type { TableLogicalName } from './table-definitions.js';

/** Messages per deliverer invocation (their attempts run side by side). */
export const WEBHOOK_BATCH_SIZE = 10;

export interface WebhooksProps {
  tables: Record<TableLogicalName, Table>;
  assets: IBucket;
  logRetention: RetentionDays;
  retainData: boolean;
}

/**
 * Completion webhooks (docs/api.md "Webhooks"): the queue the job ends send events to (Finalize
 * Job, Fail Job, the sweeper: sqs:SendMessage only), its DLQ, and the deliverer that consumes it —
 * the one function that reads endpoints' signing secrets to sign, besides the webhook routes that
 * make and show them. Waits between attempts are delayed messages on the same queue.
 */
export class Webhooks extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly deliverer: PipelineFunction;

  constructor(scope: Construct, id: string, props: WebhooksProps) {
    super(scope, id);
    const spec = QUEUE_FUNCTIONS.find((fn) => fn.id === 'DeliverWebhooks');
    if (!spec) throw new Error('lambdas/queue/registry.ts has no function DeliverWebhooks');

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    NagSuppressions.addResourceSuppressions(this.deadLetterQueue, [
      { id: 'AwsSolutions-SQS3', reason: 'This is the dead-letter queue of the webhooks queue; a DLQ of its own would only move the problem.' },
    ]);
    this.queue = new Queue(this, 'Events', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's rule for SQS event sources: at least 6 × the consumer's timeout.
      visibilityTimeout: Duration.seconds(6 * spec.timeoutSeconds),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    // Reads the job (its status, title, MP4 and webhookUrl), presigns the MP4, keeps deliveries; never WEBHOOK_ALLOW_LOOPBACK_HTTP.
    this.deliverer = new PipelineFunction(this, spec.id, {
      spec: { id: spec.id, entry: spec.entry, timeoutSeconds: spec.timeoutSeconds, memoryMb: spec.memoryMb, description: spec.description },
      logRetention: props.logRetention,
      retainData: props.retainData,
    })
      .bindStore(['jobs.get', 'webhooks.deliver'], props.tables)
      .bindAssets(props.assets, { read: [VIDEO_PREFIX], write: [] })
      .bindWebhookQueueSend(this.queue)
      .addEnvironment(ENV.WEBHOOK_RETRY_SECONDS, DEFAULT_RETRY_SECONDS.join(','));
    this.deliverer.function.addEventSource(new SqsEventSource(this.queue, { batchSize: WEBHOOK_BATCH_SIZE, reportBatchItemFailures: true }));
  }
}
