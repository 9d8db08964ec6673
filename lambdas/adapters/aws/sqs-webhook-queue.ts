import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { WebhookMessage, WebhookQueue } from '../../core/webhooks/delivery.js';

/** {@link WebhookQueue} over the webhooks SQS queue (WEBHOOK_QUEUE_URL; its DLQ takes poison messages). */
export class SqsWebhookQueue implements WebhookQueue {
  constructor(private readonly options: { client: SQSClient; queueUrl: string }) {}

  async send(message: WebhookMessage, delaySeconds?: number): Promise<void> {
    await this.options.client.send(
      new SendMessageCommand({
        QueueUrl: this.options.queueUrl,
        MessageBody: JSON.stringify(message),
        ...(delaySeconds ? { DelaySeconds: Math.min(900, Math.max(0, Math.round(delaySeconds))) } : {}),
      }),
    );
  }
}
